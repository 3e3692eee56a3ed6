"""Pages of unroll services saved as text: Thread Reader App, twtextapp, bare "1/" numbering."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusbelli.errors import SourceError
from casusbelli.sources.thread import load_thread, parse_thread

PAGE = Path(__file__).parent / "data" / "threadreader" / "page.txt"


@pytest.fixture
def page_text() -> str:
    return PAGE.read_text(encoding="utf-8")


def test_thread_reader_page_gives_its_five_posts_with_exact_texts() -> None:
    thread = load_thread(PAGE)
    assert thread.service == "threadreaderapp"
    assert [p.n for p in thread.posts] == [1, 2, 3, 4, 5]
    assert thread.post(1).text == (
        "This is a hand-made test fixture that copies the layout of a Thread Reader App page."
    )
    assert thread.post(2).text == (
        "The second post speaks of NATO expansion and of the security guarantees that were "
        "refused.\n\nIt has a second paragraph, and mentions a 24/7 news cycle."
    )
    assert thread.post(5).text == "The fifth and last post closes the thread."


def test_thread_reader_page_lines_point_into_the_file() -> None:
    thread = load_thread(PAGE)
    lines = PAGE.read_text(encoding="utf-8").split("\n")
    for post in thread.posts:
        assert lines[post.line - 1].startswith(post.text.split("\n")[0][:30])


def test_thread_reader_footer_and_promotions_are_gone() -> None:
    thread = load_thread(PAGE)
    text = thread.text
    for gone in (
        "Enjoying this thread?",
        "Help us keep this content free",
        "Missing some Tweet",
        "promoted older thread",
        "Keep Current with",
        "Donate via Paypal",
        "• • •",
        "min read",
    ):
        assert gone not in text
    assert "Missing some Tweet in this thread? You can try to" in thread.footer
    assert "Help us keep this content free: become a Premium member." in thread.footer


def test_thread_reader_author_date_and_url_come_from_the_page() -> None:
    thread = load_thread(PAGE)
    assert thread.author == "example_analyst"
    assert thread.date == "2022-02-24"
    assert thread.url == "https://threadreaderapp.com/thread/1496729411536080896.html"


def test_date_without_year_gives_no_date(page_text: str) -> None:
    thread = parse_thread(page_text.replace("Feb 24, 2022 •", "Feb 24 •"))
    assert thread.date is None
    assert len(thread.posts) == 5


def _unnumbered(page_text: str) -> str:
    for k in range(1, 6):
        page_text = page_text.replace(f" {k}/5\n", "\n")
    return page_text


def test_unnumbered_thread_reader_page_splits_on_blank_lines(page_text: str) -> None:
    text = _unnumbered(page_text).replace(
        "refused.\n\nIt has a second", "refused.\nIt has a second"
    )
    thread = parse_thread(text)
    assert thread.style == "blank"
    assert len(thread.posts) == 5
    assert thread.post(2).text.endswith("refused.\nIt has a second paragraph, and mentions a "
                                        "24/7 news cycle.")
    assert thread.posts[-1].text == "The fifth and last post closes the thread."


def test_post_count_differing_from_the_page_counter_is_located(page_text: str) -> None:
    # without numbers, the second post's two paragraphs would become two posts
    with pytest.raises(SourceError) as err:
        parse_thread(_unnumbered(page_text), file="page.txt")
    assert "the page says the thread has 5 tweets but 6 posts were found" in str(err.value)
    assert err.value.line == page_text.split("\n").index("5 tweets • 2 min read •") + 1


def test_title_line_gives_the_author_when_no_handle_line(page_text: str) -> None:
    thread = parse_thread(page_text.replace("\n@example_analyst\nFeb", "\nFeb", 1))
    assert thread.author == "example_analyst"


def test_thread_reader_page_with_a_gap_names_the_line(page_text: str) -> None:
    text = page_text.replace("The third post is about sanctions and their costs. 3/5\n", "")
    with pytest.raises(SourceError) as err:
        parse_thread(text, file="page.txt")
    assert err.value.file == "page.txt"
    assert err.value.line == page_text.split("\n").index(
        "The fourth post cites the Great Patriotic War and the sacrifice of the people. 4/5"
    ) + 1 - 1  # one line fewer in the edited text
    assert "gap in post numbers: 4 follows 2 (post 3 missing)" in str(err.value)


def test_thread_reader_page_with_unnumbered_last_post_is_refused(page_text: str) -> None:
    text = page_text.replace("closes the thread. 5/5", "closes the thread.").replace(
        "1/5", "1/4"
    ).replace("2/5", "2/4").replace("3/5", "3/4").replace("4/5", "4/4")
    with pytest.raises(SourceError) as err:
        parse_thread(text, file="page.txt")
    assert "text after the last numbered post (4)" in str(err.value)
    last = "The fifth and last post closes the thread."
    assert err.value.line == text.split("\n").index(last) + 1


def test_twtextapp_promoted_threads_after_latest_unrolled_are_dropped() -> None:
    text = (
        "First point /1\nSecond point /2\nYou can follow @someone.\n"
        "Tip: mention @twtextapp on a Twitter thread with the keyword “unroll” to get a link.\n"
        "\nLatest Threads Unrolled:\nSome other account's thread about cats /1\n"
        "More of it /2\n"
    )
    thread = parse_thread(text)
    assert [p.text for p in thread.posts] == ["First point", "Second point"]
    assert thread.author == "someone"
    assert thread.service == "twtextapp"
    assert "Some other account's thread about cats /1" in thread.footer


def test_bare_leading_numbers_split_posts() -> None:
    thread = parse_thread("1/ In defence of threads\n2/ They can be read\nin order\n3/ The end")
    assert thread.style == "fraction-leading"
    assert [p.text for p in thread.posts] == [
        "In defence of threads",
        "They can be read\nin order",
        "The end",
    ]


def test_bare_leading_numbers_keep_24_7_as_text() -> None:
    thread = parse_thread("1/ Open\n24/7 is how long\n2/ Closed")
    assert [p.text for p in thread.posts] == ["Open\n24/7 is how long", "Closed"]


def test_bare_leading_numbers_with_a_gap_name_the_line() -> None:
    with pytest.raises(SourceError) as err:
        parse_thread("1/ a\n2/ b\n4/ d", file="t.txt")
    assert (err.value.file, err.value.line) == ("t.txt", 3)
    assert "gap in post numbers: 4 follows 2" in str(err.value)


def test_slash_n_numbering_is_read() -> None:
    thread = parse_thread("First 1/n\nSecond 2/n\nThird 3/n")
    assert [p.text for p in thread.posts] == ["First", "Second", "Third"]


def test_x_archive_thread_takes_date_and_url_from_its_first_post() -> None:
    from casusbelli.sources import load_x_archive

    threads = load_x_archive(Path(__file__).parent / "data" / "x-archive")
    for t in threads:
        first = t.posts[0]
        assert t.date == first.created_at.date().isoformat()
        assert t.url == f"https://x.com/{t.author}/status/{first.id}"


def test_clipped_markdown_page_keeps_paragraphs_inside_posts() -> None:
    # the layout of a Thread Reader page saved by a Markdown web clipper: front matter, the
    # page's chrome, posts with hard line breaks ("  ") separated by empty lines
    text = (
        "---\n"
        'title: "Thread by @example_analyst on Thread Reader App"\n'
        'source: "https://threadreaderapp.com/thread/1496729411536080896.html"\n'
        "---\n"
        "## Enter URL or ID to Unroll\n"
        "\n"
        "First post, first paragraph.  \n"
        "  \n"
        "First post, second paragraph.\n"
        "\n"
        "Second post.\n"
        "\n"
        "• • •\n"
        "\n"
        "Missing some Tweet in this thread? You can try to [force a refresh](#)\n"
    )
    thread = parse_thread(text)
    assert thread.author == "example_analyst"
    assert thread.url == "https://threadreaderapp.com/thread/1496729411536080896.html"
    assert [p.text for p in thread.posts] == [
        "First post, first paragraph.\n\nFirst post, second paragraph.",
        "Second post.",
    ]
    assert [p.line for p in thread.posts] == [7, 11]
