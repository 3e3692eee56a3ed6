"""Inflection, normalisation, caching and the built-in frames."""

from __future__ import annotations

import json
from pathlib import Path

import pymorphy3
import pytest

from casusbelli.discourse.lexicon import (
    Frame,
    build_lexicon,
    inflect_english,
    inflect_russian,
    normalize_term,
    normalize_text,
)

MORPH = pymorphy3.MorphAnalyzer()

BUILTIN_IDS = {
    "gpw",
    "fascism",
    "western_expansion",
    "terrorism",
    "colour_revolution",
    "sacrifice",
    "decadence",
    "great_power",
    "compatriots",
}

# source id (bibliography) -> row id in kremlin-key/speeches.jsonl
SOURCE_ROWS = {
    "putin2022feb21": "kremlin-en-67828",
    "putin2022feb24": "kremlin-en-67843",
    "putin2022may9": "kremlin-en-68366",
    "putin2024federal": "fa-2024-02-29-ru",
}


def test_normalize_text_keeps_length_and_folds_yo() -> None:
    text = "Ёжик\nв\xa0ТУМАНЕ – NATO’s İstanbul"
    norm = normalize_text(text)
    assert len(norm) == len(text)
    assert norm.startswith("ежик в тумане")
    assert "nato's" in norm
    assert normalize_term("  Великая   Отечественная\tвойна ") == "великая отечественная война"


def test_single_word_gets_its_whole_paradigm() -> None:
    forms = inflect_russian("фашизм", MORPH)
    assert {"фашизм", "фашизма", "фашизмом", "фашизму", "фашизме"} <= set(forms)


def test_indeclinable_abbreviation_stays_as_written() -> None:
    assert inflect_russian("НАТО", MORPH) == ["нато"]


def test_multiword_agrees_in_case_and_number() -> None:
    forms = set(inflect_russian("Великая Отечественная война", MORPH))
    assert "великой отечественной войны" in forms  # genitive
    assert "великую отечественную войну" in forms  # accusative
    assert "великой отечественной войной" in forms  # instrumental
    assert "великих отечественных войн" in forms  # genitive plural
    # no mixed agreement
    assert "великой отечественная война" not in forms
    assert all(len(f.split()) == 3 for f in forms)


def test_multiword_keeps_words_after_the_head() -> None:
    forms = set(inflect_russian("расширение НАТО", MORPH))
    assert {"расширения нато", "расширением нато", "расширении нато"} <= forms
    forms = set(inflect_russian("борьба с терроризмом", MORPH))
    assert "борьбы с терроризмом" in forms
    assert all(f.endswith(" с терроризмом") for f in forms)


def test_plural_lemma_phrase_gets_singular_too() -> None:
    forms = set(inflect_russian("традиционные ценности", MORPH))
    assert {"традиционных ценностей", "традиционным ценностям", "традиционная ценность"} <= forms


def test_yo_in_a_term_is_folded() -> None:
    assert "самоотверженность" in inflect_russian("самоотверженность", MORPH)
    forms = inflect_russian("Ёлка", MORPH)
    assert all("ё" not in f for f in forms)
    assert "елки" in forms


def test_literal_term_is_not_inflected() -> None:
    assert inflect_russian("=отдали жизнь", MORPH) == ["отдали жизнь"]
    assert inflect_english("=laid down their lives") == ["laid down their lives"]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("nato", {"nato", "nato's", "natos"}),
        ("coup", {"coup", "coups", "coup's"}),
        ("sacrifice", {"sacrifice", "sacrifices"}),
        ("militia", {"militias"}),
        ("colour revolution", {"colour revolutions", "colour revolution's"}),
        ("sovereignty", {"sovereignties"}),
        ("crash", {"crashes"}),
        ("fascist", {"fascists", "fascists'"}),
    ],
)
def test_english_inflection(term: str, expected: set[str]) -> None:
    assert expected <= set(inflect_english(term))


def test_lexicon_maps_forms_to_frames(tmp_path: Path) -> None:
    frames = [
        Frame("a", "A", "d", {"en": ("nato",), "ru": ("НАТО",)}),
        Frame("b", "B", "d", {"en": ("nato",)}),
    ]
    lex = build_lexicon(frames, cache_dir=tmp_path)
    i = lex.forms.index("nato")
    assert lex.form_frames[i] == (0, 1)
    assert "nato" in lex.forms_of("b")
    assert list(lex.forms) == sorted(set(lex.forms))


def test_cache_is_written_then_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frames = [Frame("f", "F", "d", {"ru": ("фашизм",)})]
    first = build_lexicon(frames, cache_dir=tmp_path)
    files = list(tmp_path.glob("lexicon-*.json"))
    assert len(files) == 1 and first.key in files[0].name
    cached = json.loads(files[0].read_text(encoding="utf-8"))
    assert "фашизмом" in cached["ru:фашизм"]

    import casusbelli.discourse.inflection as inflection_module

    def boom(lang: str = "ru") -> None:
        raise AssertionError("pymorphy3 must not be called when the cache is valid")

    monkeypatch.setattr(inflection_module, "_morph", boom)
    second = build_lexicon(frames, cache_dir=tmp_path)
    assert second == first


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    frames = [Frame("f", "F", "d", {"ru": ("нацизм",)})]
    lex = build_lexicon(frames, cache_dir=tmp_path)
    path = next(tmp_path.glob("lexicon-*.json"))
    path.write_text("{not json", encoding="utf-8")
    assert build_lexicon(frames, cache_dir=tmp_path) == lex


def test_cache_key_changes_with_terms(tmp_path: Path) -> None:
    a = build_lexicon([Frame("f", "F", "d", {"en": ("nato",)})], cache_dir=tmp_path)
    b = build_lexicon([Frame("f", "F", "d", {"en": ("nato", "coup")})], cache_dir=tmp_path)
    assert a.key != b.key
    assert len(list(tmp_path.glob("lexicon-*.json"))) == 2


def test_builtin_frames_load(builtin_frames: list[Frame]) -> None:
    ids = {f.id for f in builtin_frames}
    assert BUILTIN_IDS <= ids
    for f in builtin_frames:
        assert f.terms.get("en") and f.terms.get("ru"), f.id
        assert f.examples, f.id


def test_builtin_examples_are_verbatim_in_their_sources(
    builtin_frames: list[Frame], key_speeches: dict[str, dict], shared_data: Path
) -> None:
    refs = json.loads((shared_data / "bibliography" / "references.json").read_text("utf-8"))
    known = {r["id"] for r in refs}
    for f in builtin_frames:
        for ex in f.examples:
            assert ex.source in known, (f.id, ex.source)
            row = key_speeches[SOURCE_ROWS[ex.source]]
            assert ex.text in row["text"], (f.id, ex.text[:60])
            assert ex.locator == f"{row['date']}, {row['title']}"


def test_every_builtin_example_is_matched_by_its_frame(
    builtin_frames: list[Frame], builtin_lexicon
) -> None:
    from casusbelli.discourse.match import FrameScanner

    scanner = FrameScanner(builtin_lexicon, "aho")
    for k, f in enumerate(builtin_frames):
        for ex in f.examples:
            _, counts = scanner.count(ex.text)
            assert counts[k] >= 1, (f.id, ex.text)
