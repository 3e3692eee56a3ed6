"""Frames in other languages: Ukrainian inflected with pymorphy3, any other language code with
listed surface forms.

The Ukrainian sentences are quoted from public pages read on 2026-12-02 (quotation for tests):

* PRESIDENT: president.gov.ua news list,
  https://www.president.gov.ua/news/all?date-from=07-06-2022&date-to=07-06-2023&page=179
* DAY602: "Звернення Президента України Володимира Зеленського наприкінці 602-го дня війни",
  as reprinted at https://bd-rda.od.gov.ua/?p=34436
* DAY1170: "Вечірнє звернення Президента України ... наприкінці 1170-го дня війни",
  as reprinted at https://izmail-rda.od.gov.ua/tag/prezydent
* RADIO: "Звернення Президента України Володимира Зеленського", Ukrainian Radio,
  https://ukr.radio/prog.html?id=670&page=49 (writes the apostrophe as U+02BC)

Every form asserted below was checked to be (1) produced by pymorphy3 with
pymorphy3-dicts-uk 2.4.1.1.1663094765 and (2) present in the quoted sentence.
"""

from __future__ import annotations

from pathlib import Path

import pymorphy3
import pytest

from casusbelli.analysis.frames import load_frames
from casusbelli.discourse.inflection import expand_term, inflect_ukrainian
from casusbelli.discourse.lexicon import Frame, build_lexicon, normalize_text
from casusbelli.discourse.match import Document, FrameScanner

UK = pymorphy3.MorphAnalyzer(lang="uk")

PRESIDENT = (
    "Повномасштабна війна проти нашої держави й гібридна війна проти об'єднаної Європи."
)
DAY602_A = (
    "І я дякую всім нашим воїнам, які завдають ударів окупанту й цим повертають Україні "
    "справедливість."
)
DAY602_B = (
    "Що успішніші будуть наші воїни, що більше руху вперед буде на фронті, що більш "
    "принципових втрат зазнаватимуть російські війська, то швидше ми зможемо повернути безпеку "
    "всім нашим містам і селам."
)
DAY1170 = (
    "Привітали один одного й наші народи з днем перемоги у Другій світовій війні: 80 років "
    "перемозі над нацизмом, перемозі в Європі всіх народів разом, які здолали нацизм."
)
RADIO_A = (
    "Ті, хто фізично стримує ворога, хто знищує окупанта, хто захищає від російських ракет "
    "і дронів."
)
RADIO_B = "Бажаю здоров\u02bcя, шановні українці, українки!"


@pytest.mark.parametrize(
    ("term", "form", "sentence"),
    [
        ("окупант", "окупанту", DAY602_A),
        ("окупант", "окупанта", RADIO_A),
        ("воїн", "воїнам", DAY602_A),
        ("воїн", "воїни", DAY602_B),
        ("ворог", "ворога", RADIO_A),
        ("нацизм", "нацизмом", DAY1170),
        ("перемога", "перемозі", DAY1170),
        ("перемога", "перемоги", DAY1170),
        ("Друга світова війна", "другій світовій війні", DAY1170),
        ("об'єднана Європа", "об'єднаної європи", PRESIDENT),
        ("російська ракета", "російських ракет", RADIO_A),
        ("російське військо", "російські війська", DAY602_B),
    ],
)
def test_ukrainian_form_is_generated_and_occurs_in_the_sentence(
    term: str, form: str, sentence: str
) -> None:
    assert form in inflect_ukrainian(term, UK)
    assert form in normalize_text(sentence)


def test_ukrainian_phrase_adjectives_agree_with_the_head() -> None:
    forms = set(inflect_ukrainian("Друга світова війна", UK))
    assert {"другу світову війну", "другої світової війни", "другою світовою війною"} <= forms
    assert "другій світова війні" not in forms


def test_ukrainian_frame_counts_hits_in_real_sentences(tmp_path: Path) -> None:
    frame = Frame(
        "enemy",
        "Enemy",
        "d",
        {"uk": ("окупант", "ворог", "російська ракета"), "en": ("occupier",)},
    )
    war = Frame("ww2", "WW2", "d", {"uk": ("Друга світова війна", "нацизм")})
    lexicon = build_lexicon([frame, war], cache_dir=tmp_path)
    docs = [
        Document("day602", DAY602_A),
        Document("radio", RADIO_A),
        Document("day1170", DAY1170),
    ]
    result = FrameScanner(lexicon, "aho").scan(docs)
    counts = {
        (d, f): int(result.counts[i, k])
        for i, d in enumerate(result.doc_ids)
        for k, f in enumerate(result.frame_ids)
    }
    assert counts[("day602", "enemy")] == 1  # окупанту
    assert counts[("radio", "enemy")] == 3  # ворога, окупанта, російських ракет
    assert counts[("day1170", "ww2")] == 3  # Другій світовій війні, нацизмом, нацизм
    assert counts[("day1170", "enemy")] == 0


def test_ukrainian_apostrophe_variants_match_one_term() -> None:
    forms = set(expand_term("здоров'я", "uk"))
    assert "здоров'я" in forms
    # U+02BC in the text and U+2019 both fold to the ASCII apostrophe
    assert "здоров'я" in normalize_text(RADIO_B)
    assert normalize_text("здоров\u2019я") == "здоров'я"


def test_other_language_uses_listed_forms_with_unicode_boundaries(tmp_path: Path) -> None:
    frame = Frame("terror", "Terror", "d", {"tr": ("terör", "terörle", "=Terörist")})
    lexicon = build_lexicon([frame], cache_dir=tmp_path)
    assert set(lexicon.forms) == {"terör", "terörle", "terörist"}
    text = "Terörle mücadele; teröristler değil; TERÖR. Antiterör yok."
    result = FrameScanner(lexicon, "aho").scan([Document("d", text)], keep_matches=True)
    assert result.matches is not None
    found = [normalize_text(text)[s:e] for s, e, _ in result.matches[0]]
    # no inflection is generated: "teröristler" is not counted, nor "terör" inside "antiterör"
    assert found == ["terörle", "terör"]


def test_dotted_capital_i_folds_to_i() -> None:
    text = "İstanbul"
    assert normalize_text(text) == "istanbul"
    assert len(normalize_text(text)) == len(text)


def test_frame_file_with_ukrainian_and_turkish_terms_loads(tmp_path: Path) -> None:
    (tmp_path / "enemy.yaml").write_text(
        "id: enemy\nlabel: Enemy\ndescription: d\nterms:\n  uk: [окупант]\n  tr: [işgalci]\n",
        encoding="utf-8",
    )
    (frame,) = load_frames(tmp_path)
    assert frame.terms == {"uk": ("окупант",), "tr": ("işgalci",)}
    lexicon = build_lexicon([frame])
    assert "окупантів" in lexicon.forms and "işgalci" in lexicon.forms


def test_workspace_frame_accepts_any_language_code_and_locates_a_bad_one(make_workspace) -> None:
    from casusbelli.workspace.load import validate_workspace

    good = "label: Enemy\nterms:\n  uk: [окупант]\n  tr: [işgalci]\n"
    ws = make_workspace({"frames/enemy.yaml": good})
    workspace, problems = validate_workspace(ws)
    assert problems == [] and workspace is not None
    assert workspace.frames["enemy"].terms == {"uk": ["окупант"], "tr": ["işgalci"]}
    ws = make_workspace({"frames/enemy.yaml": good.replace("tr:", "Turkish:")}, name="bad")
    _, problems = validate_workspace(ws)
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("frames/enemy.yaml", 4, "terms.Turkish.[key]")
    ]
