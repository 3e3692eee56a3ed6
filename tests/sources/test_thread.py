"""Unrolled threads: the seed thread, numbering styles, bad layouts, files."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusbelli.errors import SourceError
from casusbelli.sources.thread import load_thread, parse_thread

POST_1 = (
    "I completed my doctoral thesis at Oxford last year on Russia's military interventions "
    "in Ukraine and Syria.\n\nBased on that research, I am sharing some thoughts on why "
    "Russia invaded Ukraine and what Putin might do next"
)
POST_7 = (
    "Putin has also deftly framed his military interventions as a triumph against "
    "long-standing perceived internal threats\n\nFascism, uncontrolled unrest, Western "
    "expansionism, Islamic extremism- these narratives date back to Hungary 1956, and "
    "endured through the Soviet collapse"
)
POST_12 = (
    "Given this calculus, sanctions are unlikely to deter Putin, and diplomacy is unlikely "
    "to change his mind\n\nOnly an intra-elite schism, which poses an immediate threat to "
    "his regime, might cause him to recalibrate, and even then, most likely only temporarily"
)


@pytest.fixture
def seed(shared_data: Path) -> Path:
    return shared_data / "seed-thread" / "thread.txt"


def test_seed_thread_gives_twelve_posts_with_exact_texts(seed: Path) -> None:
    thread = load_thread(seed)
    assert [p.n for p in thread.posts] == list(range(1, 13))
    assert thread.post(1).text == POST_1
    assert thread.post(7).text == POST_7
    assert thread.post(12).text == POST_12
    assert thread.author == "SamRamani2"
    assert thread.style == "slash"


def test_seed_thread_footer_removed_and_lines_point_at_post_starts(seed: Path) -> None:
    thread = load_thread(seed)
    assert thread.footer[0] == "You can follow @SamRamani2."
    assert thread.footer[-1] == "Latest Threads Unrolled:"
    assert all("twtextapp" not in p.text and "/12" not in p.text for p in thread.posts)
    lines = seed.read_text(encoding="utf-8").split("\n")
    for post in thread.posts:
        assert post.text.startswith(lines[post.line - 1].strip())
    assert thread.post(2).line == 4


def test_seed_thread_with_crlf_line_ends_gives_same_posts(seed: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    assert parse_thread(text.replace("\n", "\r\n")).posts == parse_thread(text).posts


def test_author_argument_overrides_footer() -> None:
    thread = parse_thread("a /1\nb /2\nYou can follow @someone.", author="other")
    assert thread.author == "other"


def test_no_footer_means_unknown_author() -> None:
    assert parse_thread("a /1\nb /2").author is None


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("First point 1/3\nSecond point 2/3\nThird\n\npoint 3/3", "fraction-trailing"),
        ("1/3 First point\n2/3 Second point\n3/3 Third\n\npoint", "fraction-leading"),
        ("(1/3) First point\n(2/3) Second point\n(3/3) Third\n\npoint", "fraction-leading"),
        ("(1/n) First point\n(2/n) Second point\n(3/n) Third\n\npoint", "fraction-leading"),
        ("First point (1/n)\nSecond point (2/n)\nThird\n\npoint (3/n)", "fraction-trailing"),
        ("First point (1/3)\nSecond point (2/3)\nThird\n\npoint (3/3)", "fraction-trailing"),
        ("First point\n\nSecond point\n\n\nThird\npoint", "blank"),
    ],
)
def test_numbering_styles(text: str, style: str) -> None:
    thread = parse_thread(text)
    assert thread.style == style
    assert [p.text for p in thread.posts][:2] == ["First point", "Second point"]
    assert thread.post(3).text in ("Third\n\npoint", "Third\npoint")
    assert len(thread.posts) == 3


def test_leading_fraction_post_continues_to_next_marker() -> None:
    thread = parse_thread("1/2 First\nstill first\n\n2/2 Second")
    assert thread.post(1).text == "First\nstill first"
    assert thread.post(2).line == 4


def test_fraction_with_other_total_is_text_not_a_marker() -> None:
    thread = parse_thread("We watch 24/7\nand say so (1/2)\nEnd (2/2)")
    assert thread.post(1).text == "We watch 24/7\nand say so"


def test_blank_line_posts_record_their_first_line() -> None:
    thread = parse_thread("\n\nalpha\n\n\nbeta\ngamma\n")
    assert [(p.n, p.line, p.text) for p in thread.posts] == [
        (1, 3, "alpha"),
        (2, 6, "beta\ngamma"),
    ]


def test_hostile_html_is_kept_verbatim() -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> &amp; &lt;b&gt;'
    thread = parse_thread(f"{hostile} /1\nsecond /2")
    assert thread.post(1).text == hostile


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("one /1\ntwo /2\nfour /4\n", 3, "gap in post numbers: 4 follows 2 (post 3 missing)"),
        ("one /1\ntwo /2\nsix /6\n", 3, "posts 3-5 missing"),
        ("one /1\ntwo /2\nagain /2\n", 3, "duplicate post number 2 (first at line 2)"),
        ("one /1\nthree /3\ntwo /2\n", 2, "gap in post numbers: 3 follows 1"),
        ("one /1\ntwo /2\nthree /3\none /1\n", 4, "duplicate post number 1"),
        ("two /2\none /1\n", 1, "the first numbered post is 2, not 1"),
        ("two /2\nthree /3\n", 1, "no post is numbered 1"),
        ("one /1\ntwo /2\nunnumbered tail\n", 3, "text after the last numbered post (2)"),
        ("intro\n1/2 one\n2/2 two\n", 1, "text before the first numbered post"),
        ("one (1/3)\ntwo (2/3)\n", 2, "thread says it has 3 posts but 2 were found"),
        ("one /1\ntwo (1/2)\nthree (2/2)\n", 2, "mixed numbering styles"),
        ("one /1\n   /2\n", 2, "post 2 is empty"),
    ],
)
def test_bad_layouts_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_thread(text, file="thread.txt")
    assert info.value.file == "thread.txt"
    assert info.value.line == line
    assert words in info.value.message
    assert str(info.value).startswith(f"thread.txt:{line}: ")


def test_out_of_order_step_back_is_rejected() -> None:
    with pytest.raises(SourceError, match="out of order|duplicate|gap") as info:
        parse_thread("a /1\nb /2\nc /3\nd /2\n", file="t.txt")
    assert info.value.line == 4


def test_forcing_a_style_skips_the_mixed_check() -> None:
    thread = parse_thread("one /1\ntwo (1/2) /2\n", style="slash")
    assert thread.post(2).text == "two (1/2)"


def test_unknown_style_is_rejected() -> None:
    with pytest.raises(SourceError, match="unknown thread style 'zigzag'"):
        parse_thread("a", style="zigzag")


@pytest.mark.parametrize("text", ["", "\n\n  \n", "You can follow @x.\nLatest Threads Unrolled:"])
def test_empty_thread_is_an_error(text: str) -> None:
    with pytest.raises(SourceError, match="no posts found"):
        parse_thread(text, file="t.txt")


def test_post_lookup_out_of_range() -> None:
    with pytest.raises(SourceError, match="no post 3: the thread has 2 posts"):
        parse_thread("a /1\nb /2").post(3)


def test_load_thread_rejects_invalid_utf8_with_offset_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("first /1\nsecond caf\u00e9 /2\n".encode("latin-1"))
    with pytest.raises(SourceError) as info:
        load_thread(path)
    err = info.value
    assert err.file == str(path) and err.line == 2 and err.column == 11
    assert "not valid UTF-8 at byte offset 19 (byte 0xe9)" in err.message


def test_load_thread_accepts_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfone /1\ntwo /2\n")
    assert load_thread(path).post(1).text == "one"


def test_huge_single_line_refused_from_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # a sparse 1 GiB file: one line of NUL bytes
        handle.truncate(1024**3)
    with pytest.raises(SourceError) as info:
        load_thread(path)
    assert "1,073,741,824 bytes, over the 10,485,760-byte limit" in info.value.message
    assert info.value.file == str(path)


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("one /1\ntwo /2\n" * 10, encoding="utf-8")
    with pytest.raises(SourceError, match="over the 50-byte limit"):
        load_thread(path, max_bytes=50)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read file") as info:
        load_thread(tmp_path / "absent.txt")
    assert info.value.file.endswith("absent.txt")
