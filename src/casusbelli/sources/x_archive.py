"""X/Twitter account archives: rebuild the account's threads (self-reply chains).

An account archive (the "download an archive of your data" ZIP) keeps the account's posts in
``data/tweets.js`` (older archives: ``data/tweet.js``; large ones add ``tweets-part1.js``, ...).
Each file is JavaScript assigning one JSON array::

    window.YTD.tweets.part0 = [ {"tweet": {"id_str": "...", "full_text": "...",
                                            "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                                            "in_reply_to_status_id_str": "...", ...}}, ... ]

``data/account.js`` (``window.YTD.account.part0 = [{"account": {"username": ...}}]``) names
the account. :func:`load_x_archive` accepts the ZIP, the unpacked folder, its ``data/``
folder, or one ``tweets.js`` file.

Threads are self-reply chains: a post whose ``in_reply_to_status_id_str`` is another post of
the same archive continues that post's thread (an archive holds only the account's own posts,
so such a reply is a self-reply). Each chain starts at a post that replies to nothing in the
archive. Posts of a thread are ordered by ``created_at`` (then id), which is the chain order
for a linear thread; a branching chain is flattened in time order.

Texts are kept as posted, except that the three entities the platform escapes in ``full_text``
(``&amp;``, ``&lt;``, ``&gt;``) are turned back into ``&``, ``<``, ``>``. Short links
(``https://t.co/...``) are left as they are.
"""

from __future__ import annotations

import bisect
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from casusbelli.errors import SourceError
from casusbelli.sources.thread import Post, Thread, decode_utf8, read_limited

__all__ = ["DEFAULT_MAX_BYTES", "Tweet", "load_x_archive", "parse_tweets_js"]

DEFAULT_MAX_BYTES = 2 * 1024**3
"""Default limit per archive data file (2 GiB, uncompressed)."""

_PREFIX = re.compile(r"^\s*window\.YTD\.(?P<kind>\w+)\.part(?P<part>\d+)\s*=\s*")
_TWEET_FILE = re.compile(r"^(?:tweets?)(?:-part\d+)?\.js$")
_CREATED_AT = "%a %b %d %H:%M:%S %z %Y"
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Tweet:
    """One post read from an archive (the fields this importer uses)."""

    id: str
    text: str
    created_at: datetime
    in_reply_to: str | None
    in_reply_to_screen_name: str | None
    line: int
    index: int
    file: str


class _Lines:
    """Map character offsets of a text to 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1


def _parse_ytd(text: str, file: str, kinds: tuple[str, ...]) -> list[tuple[Any, int, int]]:
    """Parse ``window.YTD.<kind>.partN = [...]``; return [(item, char offset, index)]."""
    lines = _Lines(text)
    text_start = len(text) - len(text.lstrip("\ufeff"))
    m = _PREFIX.match(text, text_start)
    if m is None or m["kind"] not in kinds:
        found = f" (found window.YTD.{m['kind']})" if m else ""
        raise SourceError(
            f"missing 'window.YTD.{kinds[0]}.part0 = ' prefix{found}",
            file=file,
            line=1,
            hint="is this a tweets.js file from an X/Twitter account archive?",
        )
    pos = m.end()

    def fail(message: str, offset: int, field: str | None = None) -> SourceError:
        line, column = lines.at(offset)
        return SourceError(
            f"{message} (offset {offset})", file=file, line=line, column=column, field=field
        )

    if pos >= len(text) or text[pos] != "[":
        raise fail("expected '[' after the prefix", pos)
    pos += 1
    items: list[tuple[Any, int, int]] = []
    ws = re.compile(r"\s*")
    while True:
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            raise fail("truncated JSON: the array is not closed", pos)
        if text[pos] == "]":
            pos += 1
            break
        if items:
            if text[pos] != ",":
                raise fail(f"expected ',' or ']' after item {len(items) - 1}", pos)
            pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
        try:
            item, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            what = "truncated JSON" if exc.pos >= len(text) else f"malformed JSON: {exc.msg}"
            raise fail(f"{what} in item {len(items)}", exc.pos) from exc
        items.append((item, pos, len(items)))
        pos = end
    rest = text[pos:].strip()
    if rest not in ("", ";"):
        raise fail("unexpected text after the array", pos)
    return items


def _field(obj: dict[str, Any], name: str, kind: type, where: str, **loc: Any) -> Any:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, kind):
        raise SourceError(
            f"expected {kind.__name__}, got {type(value).__name__} {value!r:.60}",
            field=f"{where}.{name}",
            **loc,
        )
    return value


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse_tweets_js(text: str, *, file: str = "tweets.js") -> list[Tweet]:
    """Parse the text of a ``tweets.js`` / ``tweet.js`` archive file into :class:`Tweet` rows.

    Raises
    ------
    SourceError
        Missing ``window.YTD.tweets.partN =`` prefix, truncated or malformed JSON (with line,
        column and character offset), or an item of the wrong shape or type (naming the item
        index and field).
    """
    lines = _Lines(text)
    tweets = []
    for item, offset, index in _parse_ytd(text, file, ("tweets", "tweet")):
        line, column = lines.at(offset)
        loc: dict[str, Any] = {"file": file, "line": line, "column": column}
        obj, where = _tweet_object(item, index, loc)
        tweet_id = _tweet_id(obj, where, loc)
        body = _field(obj, "full_text", str, where, **loc)
        if body is None:
            body = _field(obj, "text", str, where, **loc)
        if body is None:
            raise SourceError("missing full_text", field=f"{where}.full_text", **loc)
        created = _created_at(obj, where, loc)
        parent = _reply_parent(obj, where, loc)
        screen_name = _field(obj, "in_reply_to_screen_name", str, where, **loc)
        tweets.append(
            Tweet(
                id=tweet_id,
                text=_unescape(body),
                created_at=created,
                in_reply_to=parent,
                in_reply_to_screen_name=screen_name,
                line=line,
                index=index,
                file=file,
            )
        )
    return tweets


def _tweet_object(item: Any, index: int, loc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The tweet object of an array item and its path for error messages (``[3].tweet``).

    Current archives wrap each tweet as ``{"tweet": {...}}``; older ones list the tweet
    objects themselves.
    """
    where = f"[{index}]"
    if isinstance(item, dict) and isinstance(item.get("tweet"), dict):
        return item["tweet"], where + ".tweet"
    if isinstance(item, dict) and "id_str" in item:
        return item, where  # older archives: the tweet object itself
    raise SourceError(
        f"item {index} is not a {{'tweet': {{...}}}} object", field=where, **loc
    )


def _tweet_id(obj: dict[str, Any], where: str, loc: dict[str, Any]) -> str:
    """The tweet's ``id_str``, or its numeric ``id`` as text when ``id_str`` is absent."""
    tweet_id = _field(obj, "id_str", str, where, **loc)
    if tweet_id is None:
        raw = obj.get("id")
        if isinstance(raw, int | str) and not isinstance(raw, bool):
            tweet_id = str(raw)
        else:
            raise SourceError("missing id_str", field=f"{where}.id_str", **loc)
    return tweet_id


def _created_at(obj: dict[str, Any], where: str, loc: dict[str, Any]) -> datetime:
    """The tweet's ``created_at`` (``Wed Oct 10 20:19:24 +0000 2018``) as an aware datetime."""
    created_raw = _field(obj, "created_at", str, where, **loc)
    if created_raw is None:
        raise SourceError("missing created_at", field=f"{where}.created_at", **loc)
    try:
        return datetime.strptime(created_raw, _CREATED_AT)
    except ValueError as exc:
        raise SourceError(
            f"created_at {created_raw!r:.60} is not like 'Wed Oct 10 20:19:24 +0000 2018'",
            field=f"{where}.created_at",
            **loc,
        ) from exc


def _reply_parent(obj: dict[str, Any], where: str, loc: dict[str, Any]) -> str | None:
    """The id of the post this one replies to, or ``None``.

    ``in_reply_to_status_id_str``, else the numeric ``in_reply_to_status_id`` as text.
    """
    parent = _field(obj, "in_reply_to_status_id_str", str, where, **loc)
    if parent is None and obj.get("in_reply_to_status_id") is not None:
        raw = obj["in_reply_to_status_id"]
        if isinstance(raw, int | str) and not isinstance(raw, bool):
            parent = str(raw)
        else:
            raise SourceError(
                f"expected a string id, got {type(raw).__name__}",
                field=f"{where}.in_reply_to_status_id",
                **loc,
            )
    return parent


def _account_username(text: str, file: str) -> str | None:
    for item, _, index in _parse_ytd(text, file, ("account",)):
        account = item.get("account") if isinstance(item, dict) else None
        if isinstance(account, dict):
            name = account.get("username")
            if name is not None and not isinstance(name, str):
                raise SourceError(
                    f"expected str, got {type(name).__name__}",
                    file=file,
                    field=f"[{index}].account.username",
                )
            if name:
                return name
    return None


def _read_sources(
    path: Path, max_bytes: int
) -> tuple[list[tuple[str, str]], tuple[str, str] | None]:
    """Return ([(name, text) of tweet files], (name, text) of account.js or None)."""
    if path.is_file() and zipfile.is_zipfile(path):
        return _read_zip(path, max_bytes)
    return _read_files(path, max_bytes)


def _read_zip(
    path: Path, max_bytes: int
) -> tuple[list[tuple[str, str]], tuple[str, str] | None]:
    """Read the tweet files (``data/tweets*.js``) and ``data/account.js`` of an archive ZIP.

    Each member's uncompressed size is checked against ``max_bytes`` before it is read, and
    again while reading; names in errors are ``<zip>:<member>``.

    Raises
    ------
    SourceError
        No tweet file, a member over the limit or not UTF-8, or a corrupt ZIP.
    """
    name = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist() if not info.is_dir()}

            def read(member: str) -> tuple[str, str]:
                info = members[member]
                where = f"{name}:{member}"
                if info.file_size > max_bytes:
                    raise SourceError(
                        f"{member} is {info.file_size:,} bytes uncompressed, over the "
                        f"{max_bytes:,}-byte limit",
                        file=name,
                    )
                with archive.open(info) as handle:
                    data = handle.read(max_bytes + 1)
                if len(data) > max_bytes:
                    raise SourceError(f"{member} is over the size limit", file=name)
                return where, decode_utf8(data, file=where)

            tweet_members = sorted(
                m
                for m in members
                if _TWEET_FILE.match(m.rsplit("/", 1)[-1])
                and "/" in m
                and m.rsplit("/", 2)[-2] == "data"
            )
            if not tweet_members:
                raise SourceError(
                    "the ZIP has no data/tweets.js (or data/tweet.js)",
                    file=name,
                    hint="is this an X/Twitter account archive?",
                )
            accounts = [m for m in members if m.endswith("data/account.js")]
            account = read(accounts[0]) if accounts else None
            return [read(m) for m in tweet_members], account
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise SourceError(f"corrupt ZIP archive: {exc}", file=name) from exc


def _read_files(
    path: Path, max_bytes: int
) -> tuple[list[tuple[str, str]], tuple[str, str] | None]:
    """Read the tweet files and ``account.js`` of an unpacked archive, or one tweet file.

    ``path`` is the archive folder (its ``data/`` is used when present), the ``data/``
    folder, or a ``tweets.js`` file (its folder's ``account.js`` is read if there).

    Raises
    ------
    SourceError
        No such path, no tweet file in the folder, or a file over the limit or not UTF-8.
    """
    if path.is_dir():
        data_dir = path / "data" if (path / "data").is_dir() else path
        files = sorted(p for p in data_dir.iterdir() if _TWEET_FILE.match(p.name))
        if not files:
            raise SourceError(
                "no tweets.js (or tweet.js) in this folder",
                file=str(data_dir),
                hint="point at the archive ZIP, its folder, or data/tweets.js",
            )
        account_file = data_dir / "account.js"
    elif path.is_file():
        files = [path]
        account_file = path.parent / "account.js"
    else:
        raise SourceError("no such file or folder", file=str(path))

    def read_file(p: Path) -> tuple[str, str]:
        return str(p), decode_utf8(read_limited(p, max_bytes), file=str(p))

    account = read_file(account_file) if account_file.is_file() else None
    return [read_file(p) for p in files], account


def load_x_archive(
    path: str | Path, *, min_posts: int = 2, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[Thread]:
    """Rebuild the threads (self-reply chains) of an X/Twitter account archive.

    Parameters
    ----------
    path : str or Path
        The archive ZIP, its unpacked folder (or ``data/``), or one ``tweets.js`` file.
    min_posts : int
        Smallest thread returned; the default 2 leaves out single posts, 1 keeps them.
    max_bytes : int
        Limit per data file (checked before reading; for a ZIP, the uncompressed size).

    Returns
    -------
    list of Thread
        Ordered by the first post's time. ``author`` is the archive's account
        (``data/account.js``) when present, else the screen name the self-replies reply
        to, else ``None``. Each post carries its tweet ``id``, ``created_at`` and the line of
        its JSON object; ``style`` is ``"x-archive"``.

    Raises
    ------
    SourceError
        Missing prefix, truncated/malformed JSON, wrong field types, duplicate tweet ids,
        bad dates; the message names the file, line/offset and item index.
    """
    files, account = _read_sources(Path(path), max_bytes)
    username = _account_username(account[1], account[0]) if account else None
    tweets: dict[str, Tweet] = {}
    for file, text in files:
        for tweet in parse_tweets_js(text, file=file):
            if tweet.id in tweets:
                first = tweets[tweet.id]
                raise SourceError(
                    f"duplicate tweet id {tweet.id} (first at {first.file}:{first.line})",
                    file=file,
                    line=tweet.line,
                    field=f"[{tweet.index}].tweet.id_str",
                )
            tweets[tweet.id] = tweet

    def root_of(tweet: Tweet) -> str:
        seen = {tweet.id}
        while tweet.in_reply_to in tweets:
            tweet = tweets[tweet.in_reply_to]  # type: ignore[index]
            if tweet.id in seen:
                raise SourceError(
                    f"reply cycle through tweet {tweet.id}", file=tweet.file, line=tweet.line
                )
            seen.add(tweet.id)
        return tweet.id

    chains: dict[str, list[Tweet]] = {}
    for tweet in tweets.values():
        chains.setdefault(root_of(tweet), []).append(tweet)

    threads = []
    for chain in chains.values():
        if len(chain) < min_posts:
            continue
        chain.sort(key=lambda t: (t.created_at, int(t.id) if t.id.isdigit() else 0, t.id))
        author = username
        if author is None:
            names = {t.in_reply_to_screen_name for t in chain[1:] if t.in_reply_to_screen_name}
            author = names.pop() if len(names) == 1 else None
        posts = tuple(
            Post(n=k, text=t.text, line=t.line, id=t.id, created_at=t.created_at)
            for k, t in enumerate(chain, start=1)
        )
        head = posts[0]
        threads.append(
            Thread(
                author=author,
                posts=posts,
                file=chain[0].file,
                style="x-archive",
                date=head.created_at.date().isoformat() if head.created_at else None,
                url=f"https://x.com/{author}/status/{head.id}" if author and head.id else None,
                service="x-archive",
            )
        )
    threads.sort(key=lambda t: (t.posts[0].created_at or datetime.min, t.posts[0].id or ""))
    return threads
