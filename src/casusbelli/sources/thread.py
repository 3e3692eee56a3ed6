"""Unrolled social-media threads: split a pasted or unrolled thread into numbered posts.

Supported layouts (one per thread; mixing them is an error):

``slash``
    each post *ends* with `` /N`` (``... what Putin might do next /1``), as written by
    unroll services for X/Twitter threads.
``fraction-trailing``
    each post ends with ``N/T``, ``N/n``, ``(N/T)`` or ``(N/n)``.
``fraction-leading``
    each post starts with ``N/T``, ``N/n``, ``(N/T)``, ``(N/n)`` or a bare ``N/``.
``blank``
    no numbers: posts are separated by one or more blank lines.

Numbers must run 1, 2, 3, ... with no gap, duplicate or step back; with a fixed total ``T``
every marker must carry the same ``T`` and there must be exactly ``T`` posts. Anything else
raises :class:`~casusbelli.errors.SourceError` naming the line, rather than guessing a split.

Footer lines that unroll services append (``You can follow @user.``, ``Tip: mention @... unroll``,
``Latest Threads Unrolled:``) are removed from the end of the text; ``You can follow @user.``
also gives the thread's author. Post text is otherwise kept verbatim (HTML stays text).

Pages of unroll services saved as text (Thread Reader App, twtextapp) are recognised first
(:func:`casusbelli.sources.unroll.unwrap_page`): their header, footer and promoted posts are
dropped, and the author, date and URL the page shows are kept on the :class:`Thread`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from casusbelli.errors import SourceError
from casusbelli.sources.unroll import PageMeta, unwrap_page

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FOOTER_PATTERNS",
    "STYLES",
    "Post",
    "Thread",
    "decode_utf8",
    "load_thread",
    "parse_thread",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""Default size limit of :func:`load_thread` (10 MiB; a long thread is a few dozen KB)."""

STYLES = ("auto", "slash", "fraction-trailing", "fraction-leading", "blank")

FOOTER_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^You can follow @(?P<author>[A-Za-z0-9_]{1,50})\.?$"),
    re.compile(r"^Tip: mention @[A-Za-z0-9_]+\b.*\bunroll\b.*$", re.IGNORECASE),
    re.compile(r"^Latest Threads Unrolled:?$", re.IGNORECASE),
)
"""Footer lines removed from the end of a thread (the unroll service's boilerplate)."""

_SLASH = re.compile(r"(?:^|\s)/(?P<n>\d+)\s*$")
_FRACTION_TRAILING = re.compile(r"(?:^|\s)\(?(?P<n>\d+)/(?P<total>\d+|n)\)?\s*$", re.IGNORECASE)
_FRACTION_LEADING = re.compile(
    r"^\s*\(?(?P<n>\d+)/(?P<total>\d+|n)?\)?(?=\s|$)", re.IGNORECASE
)
_PATTERNS = {
    "slash": _SLASH,
    "fraction-trailing": _FRACTION_TRAILING,
    "fraction-leading": _FRACTION_LEADING,
}


@dataclass(frozen=True)
class Post:
    """One post of a thread.

    Attributes
    ----------
    n : int
        1-based post number (the locator evidence cites as "post N").
    text : str
        The post's text without its number marker; internal paragraph breaks kept.
    line : int
        1-based line of the source file where the post's text starts (for archives: the
        line where the tweet's JSON object starts).
    id : str or None
        Platform id of the post (tweet id for X archives), else ``None``.
    created_at : datetime or None
        Posting time when the source records it (X archives), else ``None``.
    """

    n: int
    text: str
    line: int
    id: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Thread:
    """A thread: its author (``None`` when unknown) and its posts in order.

    Attributes
    ----------
    author : str or None
        Account name without ``@``.
    posts : tuple of Post
        Posts numbered 1..N.
    file : str or None
        The source file, when known.
    style : str
        The numbering layout found (see module docstring), or ``"x-archive"``.
    footer : tuple of str
        Footer lines that were removed, kept for the record (for unroll pages: every
        header, footer and promotion line dropped).
    date : str or None
        ISO date of the thread when the page gives one (else the first post's date for
        X archives), else ``None``.
    url : str or None
        Address of the thread's page when the text gives it.
    service : str or None
        The unroll service recognised (``"threadreaderapp"``, ``"twtextapp"``), else ``None``.
    """

    author: str | None
    posts: tuple[Post, ...]
    file: str | None = None
    style: str = "blank"
    footer: tuple[str, ...] = field(default=())
    date: str | None = None
    url: str | None = None
    service: str | None = None

    def post(self, n: int) -> Post:
        """Return post number ``n`` (1-based); :class:`SourceError` if there is none."""
        if 1 <= n <= len(self.posts):
            return self.posts[n - 1]
        raise SourceError(
            f"no post {n}: the thread has {len(self.posts)} posts", file=self.file, field="post"
        )

    @property
    def text(self) -> str:
        """All post texts joined with blank lines."""
        return "\n\n".join(p.text for p in self.posts)


@dataclass(frozen=True)
class _Marker:
    line: int  # 0-based index into lines
    n: int
    total: str | None
    start: int  # span of the marker within the line
    end: int


def _markers(lines: list[str], style: str) -> list[_Marker]:
    pattern = _PATTERNS[style]
    found = []
    for i, line in enumerate(lines):
        m = pattern.search(line)
        if m:
            total = m.groupdict().get("total")
            found.append(
                _Marker(i, int(m["n"]), total.lower() if total else None, m.start(), m.end())
            )
    return found


def _strip_footer(lines: list[str]) -> tuple[int, str | None, list[str]]:
    """Return (end index of the body, author from the footer, removed footer lines)."""
    end = len(lines)
    author = None
    footer: list[str] = []
    while end > 0:
        stripped = lines[end - 1].strip()
        if not stripped:
            end -= 1
            continue
        match = next((m for p in FOOTER_PATTERNS if (m := p.match(stripped))), None)
        if match is None:
            break
        if "author" in match.groupdict() and match["author"]:
            author = match["author"]
        footer.insert(0, stripped)
        end -= 1
    return end, author, footer


def _clean(chunk: Iterable[str]) -> str:
    return "\n".join(line.rstrip() for line in chunk).strip("\n").strip()


def _first_text_line(lines: list[str], start: int, stop: int) -> int:
    for i in range(start, stop):
        if lines[i].strip():
            return i
    return start


def _choose_style(lines: list[str], file: str | None) -> str:
    """Pick the numbering style: the one whose marker numbered 1 comes first."""
    candidates: list[tuple[int, int, str]] = []
    for order, style in enumerate(_PATTERNS):
        for marker in _markers(lines, style):
            if marker.n == 1:
                candidates.append((marker.line, order, style))
                break
    if not candidates:
        for style in _PATTERNS:
            found = _markers(lines, style)
            if len(found) >= 2:
                first = found[0]
                raise SourceError(
                    f"posts look numbered ({style}) but no post is numbered 1; "
                    f"first number is {first.n}",
                    file=file,
                    line=first.line + 1,
                    hint="check for a missing first post, or pass style='blank'",
                )
        return "blank"
    candidates.sort()
    line, _, style = candidates[0]
    if style.startswith("fraction"):
        # "1/12" alone on its line matches both fraction styles: it leads a post when no
        # text precedes it within the thread, else it ends one.
        text = lines[line]
        lead = _FRACTION_LEADING.search(text)
        trail = _FRACTION_TRAILING.search(text)
        if lead and trail and lead.start() == 0 and not text[: trail.start()].strip():
            before = any(s.strip() for s in lines[:line])
            style = "fraction-trailing" if before else "fraction-leading"
    return style


def _check_mixed(lines: list[str], style: str, used: set[int], file: str | None) -> None:
    for other in _PATTERNS:
        if other == style or {other, style} == {"fraction-leading", "fraction-trailing"}:
            continue
        for marker in _markers(lines, other):
            if marker.n == 1 and marker.line not in used:
                raise SourceError(
                    f"mixed numbering styles: post numbers are {style} but this line has a "
                    f"{other} number {marker.n}",
                    file=file,
                    line=marker.line + 1,
                    hint="pass style=... to force one layout",
                )


def _validate_sequence(markers: list[_Marker], style: str, file: str | None) -> None:
    seen: dict[int, int] = {}
    total = markers[0].total if markers else None
    expected = 1
    for m in markers:
        where = m.line + 1
        if m.n in seen:
            raise SourceError(
                f"duplicate post number {m.n} (first at line {seen[m.n]})", file=file, line=where
            )
        if m.n < expected:
            raise SourceError(
                f"post number {m.n} out of order: it follows post {expected - 1}",
                file=file,
                line=where,
            )
        if m.n > expected and expected == 1:
            later = next((k.line + 1 for k in markers if k.n == 1), None)
            where_1 = f"post 1 comes later, at line {later}" if later else "no post is numbered 1"
            raise SourceError(
                f"the first numbered post is {m.n}, not 1 ({where_1})", file=file, line=where
            )
        if m.n > expected:
            missing = f"post {expected}" if m.n == expected + 1 else f"posts {expected}-{m.n - 1}"
            raise SourceError(
                f"gap in post numbers: {m.n} follows {expected - 1} ({missing} missing)",
                file=file,
                line=where,
            )
        if style.startswith("fraction") and m.total != total:
            raise SourceError(
                f"post {m.n} says it is of {m.total} posts but post 1 says {total}",
                file=file,
                line=where,
            )
        seen[m.n] = where
        expected += 1
    if total is not None and total != "n" and markers and int(total) != len(markers):
        raise SourceError(
            f"thread says it has {total} posts but {len(markers)} were found",
            file=file,
            line=markers[-1].line + 1,
        )


def _split_numbered(
    lines: list[str], end: int, style: str, file: str | None
) -> tuple[list[tuple[int, str]], set[int]]:
    """Return [(first text line index, text)] for a numbered style, checking the layout."""
    all_markers = [m for m in _markers(lines[:end], style)]
    if style.startswith("fraction"):
        # Only markers carrying the thread's total count (e.g. x/12): "24/7" in a post is text.
        total = next(m.total for m in all_markers if m.n == 1)
        markers = [m for m in all_markers if m.total == total]
    else:
        markers = all_markers
    _validate_sequence(markers, style, file)
    used = {m.line for m in markers}
    posts: list[tuple[int, str]] = []
    if style == "fraction-leading":
        first = markers[0].line
        if any(s.strip() for s in lines[:first]):
            bad = _first_text_line(lines, 0, first)
            raise SourceError(
                "text before the first numbered post",
                file=file,
                line=bad + 1,
                hint="a leading-number thread must start with its post 1",
            )
        for k, m in enumerate(markers):
            stop = markers[k + 1].line if k + 1 < len(markers) else end
            head = lines[m.line][m.end :]
            body = [head, *lines[m.line + 1 : stop]]
            posts.append((m.line, _clean(body)))
    else:
        start = 0
        for m in markers:
            body = [*lines[start : m.line], lines[m.line][: m.start]]
            posts.append((_first_text_line(lines, start, m.line + 1), _clean(body)))
            start = m.line + 1
        if any(s.strip() for s in lines[start:end]):
            bad = _first_text_line(lines, start, end)
            raise SourceError(
                f"text after the last numbered post ({markers[-1].n}) is neither a numbered "
                "post nor a known footer",
                file=file,
                line=bad + 1,
                hint="number the last post, or pass style='blank'",
            )
    for (line, text), m in zip(posts, markers, strict=True):
        if not text:
            raise SourceError(f"post {m.n} is empty", file=file, line=line + 1)
    return posts, used


def _split_blank(lines: list[str], end: int, *, strict: bool = False) -> list[tuple[int, str]]:
    """Posts separated by blank lines; with ``strict``, only by empty lines (a line of
    spaces is then a paragraph break inside a post, as in Markdown with hard line breaks)."""
    posts: list[tuple[int, str]] = []
    block: list[str] = []
    first = 0
    for i in range(end + 1):
        line = lines[i] if i < end else ""
        if line.strip() or (strict and line and block):
            if not block:
                first = i
            block.append(line)
        elif block:
            posts.append((first, _clean(block)))
            block = []
    return posts


def _split_posts(
    lines: list[str], end: int, style: str, *, markdown_page: bool, file: str | None
) -> tuple[str, list[tuple[int, str]]]:
    """Choose the numbering style (for ``"auto"``) and split ``lines[:end]`` into posts.

    Parameters
    ----------
    lines : list of str
        The thread's lines (the page's other lines blanked), footer from ``end`` on.
    end : int
        Index of the first footer line.
    style : str
        One of :data:`STYLES`; ``"auto"`` also rejects a second numbering layout.
    markdown_page : bool
        The text came from an unroll page, whose web-clipped Markdown may mark line breaks
        inside a post with two trailing spaces.
    file : str, optional
        Name used in error messages.

    Returns
    -------
    (str, list of (int, str))
        The style used and each post's first text line index and text.
    """
    body = lines[:end]
    chosen = _choose_style(body, file) if style == "auto" else style
    if chosen == "blank":
        # a web clipper's Markdown marks line breaks inside a post with two trailing spaces
        # and separates posts with empty lines
        markdown = markdown_page and any(s.strip() and s.endswith("  ") for s in body)
        return chosen, _split_blank(lines, end, strict=markdown)
    if not any(m.n == 1 for m in _markers(body, chosen)):
        raise SourceError(f"no post numbered 1 in {chosen} style", file=file, line=1)
    if style == "auto":
        _check_mixed(body, chosen, {m.line for m in _markers(body, chosen)}, file)
    parts, _ = _split_numbered(lines, end, chosen, file)
    return chosen, parts


def _check_tweet_count(page: PageMeta, posts: int, file: str | None) -> None:
    """Reject a split whose number of posts differs from the tweet count the page shows."""
    if page.tweets is not None and page.tweets != posts:
        raise SourceError(
            f"the page says the thread has {page.tweets} tweets but {posts} posts were "
            "found",
            file=file,
            line=(page.counter_line or 0) + 1,
            hint="without post numbers a blank line inside a post splits it: number the "
            "posts (1/N) or join the post's paragraphs",
        )


def parse_thread(
    text: str,
    *,
    file: str | None = None,
    style: str = "auto",
    author: str | None = None,
) -> Thread:
    """Split an unrolled thread into numbered posts, removing the unroll service's footer.

    Parameters
    ----------
    text : str
        The whole thread as text.
    file : str, optional
        Name used in error messages and stored on the result.
    style : {"auto", "slash", "fraction-trailing", "fraction-leading", "blank"}
        Numbering layout; ``"auto"`` picks the layout whose post 1 comes first and rejects
        a second layout. Forcing a style disables that check.
    author : str, optional
        Author to record, overriding the one found in the footer.

    Returns
    -------
    Thread

    Raises
    ------
    SourceError
        For an empty thread, numbers out of order, a gap, a duplicate, mixed styles, text
        outside the numbered posts, or an empty post; the message names the line.

    Examples
    --------
    >>> t = parse_thread("First point /1\\nSecond point\\n\\nwith a paragraph /2\\n"
    ...                  "You can follow @someone.")
    >>> [p.n for p in t.posts], t.posts[1].text, t.author
    ([1, 2], 'Second point\\n\\nwith a paragraph', 'someone')
    """
    if style not in STYLES:
        raise SourceError(
            f"unknown thread style {style!r}; expected one of {', '.join(STYLES)}",
            file=file,
            field="style",
        )
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    page = unwrap_page(lines)
    original = lines
    keep = set(range(len(lines)))
    if page is not None:
        # blank what is not the thread, so that line numbers stay those of the file
        keep = set(range(page.start, page.end)) - set(page.dropped)
        lines = [s if i in keep else "" for i, s in enumerate(lines)]
    end, footer_author, _ = _strip_footer(lines)
    footer = [
        s.strip() for i, s in enumerate(original) if s.strip() and (i not in keep or i >= end)
    ]
    if page is not None:
        footer_author = footer_author or page.author
    if not any(s.strip() for s in lines[:end]):
        raise SourceError("no posts found: the thread is empty", file=file, line=1)
    chosen, parts = _split_posts(lines, end, style, markdown_page=page is not None, file=file)
    posts = tuple(Post(n=k, text=t, line=i + 1) for k, (i, t) in enumerate(parts, start=1))
    if page is not None:
        _check_tweet_count(page, len(posts), file)
    return Thread(
        author=author or footer_author,
        posts=posts,
        file=file,
        style=chosen,
        footer=tuple(footer),
        date=page.date if page else None,
        url=page.url if page else None,
        service=page.service if page else None,
    )


def decode_utf8(data: bytes, *, file: str | None = None) -> str:
    """Decode UTF-8 strictly; on failure raise :class:`SourceError` with byte offset and line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        raise SourceError(
            f"not valid UTF-8 at byte offset {offset} (byte 0x{data[offset]:02x})",
            file=file,
            line=line,
            column=column,
            hint="re-save the file as UTF-8",
        ) from exc


def read_limited(path: str | Path, max_bytes: int) -> bytes:
    """Read at most ``max_bytes`` of a file, refusing larger files before reading them."""
    name = str(path)
    try:
        size = Path(path).stat().st_size
        if size > max_bytes:
            raise SourceError(
                f"file is {size:,} bytes, over the {max_bytes:,}-byte limit",
                file=name,
                hint="split the file, or raise max_bytes if this is really one thread",
            )
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)  # stat can lie (pipes, /proc): never trust it
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}", file=name) from exc
    if len(data) > max_bytes:
        raise SourceError(
            f"file is over the {max_bytes:,}-byte limit",
            file=name,
            hint="split the file, or raise max_bytes",
        )
    return data


def load_thread(
    path: str | Path,
    *,
    style: str = "auto",
    author: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Thread:
    """Read a UTF-8 text file and parse it with :func:`parse_thread`.

    Files over ``max_bytes`` (default 10 MiB) are refused from their size, before any
    reading; invalid UTF-8 raises :class:`SourceError` with the byte offset and line.
    """
    data = read_limited(path, max_bytes)
    text = decode_utf8(data, file=str(path))
    return parse_thread(text, file=str(path), style=style, author=author)
