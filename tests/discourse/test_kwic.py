"""Keyword-in-context lines."""

from __future__ import annotations

import pytest

from casusbelli.discourse.kwic import kwic
from casusbelli.discourse.lexicon import Frame, Lexicon, build_lexicon
from casusbelli.discourse.match import Document, FrameScanner
from casusbelli.errors import AnalysisError


@pytest.fixture(scope="module")
def scanner() -> FrameScanner:
    frames = [
        Frame("west", "W", "d", {"en": ("nato",), "ru": ("НАТО",)}),
        Frame("fascism", "F", "d", {"ru": ("фашизм",)}),
    ]
    return FrameScanner(build_lexicon(frames), "aho")


def test_kwic_line_fields(scanner: FrameScanner) -> None:
    doc = Document(
        "d1", "Победа над фашизмом.\nРасширение  НАТО — угроза.", "2024-02-29", "Послание"
    )
    lines = kwic([doc], scanner, width=11)
    assert [(ln.frame, ln.match, ln.form) for ln in lines] == [
        ("fascism", "фашизмом", "фашизмом"),
        ("west", "НАТО", "нато"),
    ]
    first = lines[0]
    assert (first.doc_id, first.date, first.title, first.offset) == (
        "d1",
        "2024-02-29",
        "Послание",
        11,
    )
    assert first.left == "Победа над "  # the space before the match is kept
    assert first.right == ". Расширени"  # newline squashed to one space
    assert doc.text[first.offset : first.offset + len(first.match)] == first.match


def test_kwic_frame_filter_and_limit(scanner: FrameScanner) -> None:
    docs = [Document(str(i), "NATO and NATO; фашизм") for i in range(5)]
    assert {ln.frame for ln in kwic(docs, scanner, frames=["fascism"])} == {"fascism"}
    assert len(kwic(docs, scanner, limit=3)) == 3
    with pytest.raises(AnalysisError, match="unknown frame"):
        kwic(docs, scanner, frames=["nope"])


def test_kwic_keeps_hostile_text_verbatim(scanner: FrameScanner) -> None:
    doc = Document("x", "<script>alert('NATO')</script>")
    [line] = kwic([doc], scanner, width=20)
    assert line.left == "<script>alert('"
    assert line.right == "')</script>"


def test_kwic_on_the_victory_day_speech(builtin_lexicon: Lexicon, key_docs: list[Document]) -> None:
    doc = next(d for d in key_docs if d.doc_id == "kremlin-en-68366")
    lines = kwic([doc], FrameScanner(builtin_lexicon), frames=["gpw"], width=40)
    assert any(ln.match == "Great Patriotic War" for ln in lines)
    for ln in lines:
        assert doc.text[ln.offset : ln.offset + len(ln.match)] == ln.match
