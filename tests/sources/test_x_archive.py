"""X/Twitter account archives: threads from tweets.js, folders and ZIPs; bad archives.

The fixture in data/x-archive/ is hand-made after the documented archive layout
(``window.YTD.tweets.part0 = [{"tweet": {...}}]``, ``data/account.js``); no real archive
sample is available.
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casusbelli.errors import SourceError
from casusbelli.sources.x_archive import load_x_archive, parse_tweets_js

WHEN = "Wed Oct 10 20:19:24 +0000 2018"
DATA = Path(__file__).parent / "data" / "x-archive"
TWEETS = DATA / "data" / "tweets.js"


def _zip(tmp_path: Path, members: dict[str, str]) -> Path:
    path = tmp_path / "twitter-2024-01-01-abc.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def test_folder_gives_self_reply_threads_in_order() -> None:
    threads = load_x_archive(DATA)
    assert len(threads) == 2
    first, second = threads
    assert first.author == "casus_test"
    assert [p.id for p in first.posts] == [
        "1500000000000000001",
        "1500000000000000002",
        "1500000000000000003",
    ]
    assert [p.n for p in first.posts] == [1, 2, 3]
    assert first.posts[0].created_at == datetime(2022, 3, 1, 10, 0, tzinfo=UTC)
    assert first.post(3).text == "Third post.\n\nWith a paragraph break."
    assert first.style == "x-archive"
    assert [p.text for p in second.posts] == [
        "@someone_else a reply to another account starts a thread of its own",
        "and continues it here.",
    ]


def test_entities_unescaped_and_script_kept_as_text() -> None:
    post = load_x_archive(DATA)[0].post(2)
    assert post.text == "Second post: costs & gains <script>alert(1)</script>"


def test_post_line_points_at_its_json_object() -> None:
    lines = TWEETS.read_text(encoding="utf-8").split("\n")
    for post in load_x_archive(DATA)[0].posts:
        assert lines[post.line - 1].strip() == "{"
        assert any(post.id in line for line in lines[post.line : post.line + 12])


def test_min_posts_one_keeps_single_posts() -> None:
    threads = load_x_archive(TWEETS, min_posts=1)
    assert sorted(len(t.posts) for t in threads) == [1, 2, 3]


def test_without_account_js_author_comes_from_reply_screen_name(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text(TWEETS.read_text(encoding="utf-8"), encoding="utf-8")
    assert {t.author for t in load_x_archive(path)} == {"casus_test"}


def test_zip_archive(tmp_path: Path) -> None:
    path = _zip(
        tmp_path,
        {
            "data/tweets.js": TWEETS.read_text(encoding="utf-8"),
            "data/account.js": (DATA / "data" / "account.js").read_text(encoding="utf-8"),
            "Your archive.html": "<html></html>",
        },
    )
    threads = load_x_archive(path)
    assert [len(t.posts) for t in threads] == [3, 2]
    assert threads[0].file == f"{path}:data/tweets.js"


def test_old_style_tweet_js_with_bare_objects(tmp_path: Path) -> None:
    path = tmp_path / "tweet.js"
    path.write_text(
        'window.YTD.tweet.part0 = [ {"id_str": "1", "full_text": "a", '
        '"created_at": "Wed Oct 10 20:19:24 +0000 2018"}, {"id_str": "2", "full_text": "b", '
        '"created_at": "Wed Oct 10 20:20:24 +0000 2018", "in_reply_to_status_id_str": "1"} ]',
        encoding="utf-8",
    )
    (thread,) = load_x_archive(path)
    assert [p.text for p in thread.posts] == ["a", "b"]
    assert thread.author is None


def test_zip_without_tweets(tmp_path: Path) -> None:
    path = _zip(tmp_path, {"data/like.js": "window.YTD.like.part0 = []"})
    with pytest.raises(SourceError, match="no data/tweets.js") as info:
        load_x_archive(path)
    assert info.value.file == str(path)


def test_missing_prefix(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text('[{"tweet": {}}]', encoding="utf-8")
    with pytest.raises(SourceError, match="missing 'window.YTD.tweets.part0 = ' prefix") as info:
        load_x_archive(path)
    assert info.value.file == str(path) and info.value.line == 1


def test_wrong_prefix_kind_is_named(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text("window.YTD.like.part0 = []", encoding="utf-8")
    with pytest.raises(SourceError, match=r"found window\.YTD\.like"):
        load_x_archive(path)


def test_truncated_json_names_line_and_offset(tmp_path: Path) -> None:
    text = TWEETS.read_text(encoding="utf-8")
    cut = text[: text.index('"full_text" : "Third post.')]
    path = tmp_path / "tweets.js"
    path.write_text(cut, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_x_archive(path)
    err = info.value
    assert "truncated JSON in item 2" in err.message
    assert f"(offset {len(cut)})" in err.message
    assert err.line == cut.count("\n") + 1
    assert err.file == str(path)


def test_unclosed_array_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text("window.YTD.tweets.part0 = [\n", encoding="utf-8")
    with pytest.raises(SourceError, match="truncated JSON: the array is not closed") as info:
        load_x_archive(path)
    assert info.value.line == 2


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text(
        'window.YTD.tweets.part0 = [\n  {"tweet": {"id_str": "1",, "full_text": "a"}}\n]',
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="malformed JSON: Expecting property name") as info:
        load_x_archive(path)
    assert (info.value.line, info.value.column) == (2, 28)


def test_missing_comma_between_items(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text('window.YTD.tweets.part0 = [\n{"tweet": {}}\n{"tweet": {}}]', encoding="utf-8")
    with pytest.raises(SourceError, match="expected ',' or ']' after item 0") as info:
        load_x_archive(path)
    assert info.value.line == 3


@pytest.mark.parametrize(
    ("tweet", "field", "words"),
    [
        ('{"id_str": "1", "full_text": 5, "created_at": "x"}', "[1].tweet.full_text", "int"),
        ('{"id_str": ["1"], "full_text": "a"}', "[1].tweet.id_str", "expected str, got list"),
        (
            '{"id_str": "1", "created_at": "Wed Oct 10 20:19:24 +0000 2018"}',
            "[1].tweet.full_text",
            "missing full_text",
        ),
        (
            '{"id_str": "1", "full_text": "a", "created_at": "2018-10-10"}',
            "[1].tweet.created_at",
            "is not like",
        ),
        (
            '{"id_str": "1", "full_text": "a", "created_at": "Wed Oct 10 20:19:24 +0000 2018", '
            '"in_reply_to_status_id_str": 7}',
            "[1].tweet.in_reply_to_status_id_str",
            "got int",
        ),
    ],
)
def test_wrong_types_name_item_and_field(
    tmp_path: Path, tweet: str, field: str, words: str
) -> None:
    good = f'{{"tweet": {{"id_str": "0", "full_text": "ok", "created_at": "{WHEN}"}}}}'
    path = tmp_path / "tweets.js"
    path.write_text(
        f'window.YTD.tweets.part0 = [\n{good},\n{{"tweet": {tweet}}}\n]', encoding="utf-8"
    )
    with pytest.raises(SourceError) as info:
        load_x_archive(path)
    assert info.value.field == field
    assert words in info.value.message
    assert info.value.line == 3


def test_item_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_text('window.YTD.tweets.part0 = [ "hello" ]', encoding="utf-8")
    with pytest.raises(SourceError, match="item 0 is not a") as info:
        load_x_archive(path)
    assert info.value.field == "[0]"


def test_duplicate_tweet_id(tmp_path: Path) -> None:
    t = f'{{"tweet": {{"id_str": "9", "full_text": "a", "created_at": "{WHEN}"}}}}'
    path = tmp_path / "tweets.js"
    path.write_text(f"window.YTD.tweets.part0 = [\n{t},\n{t}\n]", encoding="utf-8")
    with pytest.raises(
        SourceError, match=r"duplicate tweet id 9 \(first at .*tweets.js:2\)"
    ) as info:
        load_x_archive(path)
    assert info.value.line == 3


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    path.write_bytes(
        b'window.YTD.tweets.part0 = [\n{"tweet": {"id_str": "1", "full_text": "caf\xe9"}}]'
    )
    with pytest.raises(SourceError, match="not valid UTF-8 at byte offset") as info:
        load_x_archive(path)
    assert info.value.line == 2


@pytest.mark.parametrize(("start", "stop"), [(40, 80), (200, 260), (500, 600)])
def test_corrupt_zip(tmp_path: Path, start: int, stop: int) -> None:
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/tweets.js", TWEETS.read_text(encoding="utf-8"))
    data = bytearray(good.read_bytes())
    data[start:stop] = b"\x00" * (stop - start)  # damage header / deflate stream / CRC
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(data))
    with pytest.raises(SourceError, match="corrupt ZIP archive") as info:
        load_x_archive(bad)
    assert info.value.file == str(bad)


def test_parse_tweets_js_reports_tweet_rows() -> None:
    tweets = parse_tweets_js(TWEETS.read_text(encoding="utf-8"), file="tweets.js")
    assert len(tweets) == 6
    assert tweets[0].in_reply_to == "1500000000000000001"
    assert tweets[0].index == 0 and tweets[0].line == 2


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        load_x_archive(tmp_path / "nope")
