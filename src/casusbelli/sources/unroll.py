"""Pages of unroll services saved as text: find the thread's body and its metadata.

An unroll service shows a thread on one web page, between its own header (title, share
buttons, the author's name and handle, the date, "10 tweets • 8 min read") and its footer
(a refresh link, share and subscribe boxes, other threads of the author, requests for
donations). :func:`unwrap_page` finds the lines of the thread itself so that the numbering
rules of :mod:`casusbelli.sources.thread` can be applied to them alone.

Recognised:

Thread Reader App (threadreaderapp.com)
    The thread ends at a line ``• • •`` or at "Missing some Tweet in this thread? ...";
    everything after it (the refresh link, "Keep Current with ...", "This Thread may be
    Removed Anytime!", "More from @user" with that author's other, promoted threads,
    "Did Thread Reader help you today?", "Help us keep this content free ...",
    "Enjoying this thread?", share and subscribe lines) is dropped. The thread starts after
    the "N tweets • M min read" line and the buttons that follow it ("Read on X", "Scrolly",
    "Bookmark", "Save as PDF", ...); without that line, after the page's leading chrome.
    The author is the ``@handle`` line of the header (or the title "Thread by @handle on
    Thread Reader App"), the date the header's "Feb 24, 2022 •" line (a date without a year,
    which the service shows for the current year, gives no date), the URL any
    ``threadreaderapp.com/thread/ID`` address on the page.
twtextapp
    The footer "You can follow @user.", "Tip: mention @twtextapp ... unroll" and
    "Latest Threads Unrolled:" followed by the other threads the service promotes; these are
    handled by :func:`casusbelli.sources.thread.parse_thread` itself (see ``FOOTER_PATTERNS``),
    and :func:`unwrap_page` cuts everything from "Latest Threads Unrolled:" on.

The layout was modelled on real Thread Reader App pages as saved by a browser or a web
clipper (e.g. threadreaderapp.com/thread/2068862070062485867.html, read 2026-12).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["PageMeta", "unwrap_page"]

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_SEPARATOR = re.compile(r"^\s*•\s*•\s*•\s*$")
_MISSING = re.compile(r"^\s*Missing some Tweets? in this thread\?", re.IGNORECASE)
_COUNTER = re.compile(
    r"^\s*(?P<n>\d+)\s+(?:tweets?|posts?)\s*•\s*\d+\s+min\s+read\b", re.IGNORECASE
)
_HANDLE = re.compile(r"^\s*@(?P<author>[A-Za-z0-9_]{1,50})\s*$")
_TITLE = re.compile(
    r"Thread by @(?P<author>[A-Za-z0-9_]{1,50}) on Thread Reader App", re.IGNORECASE
)
_DATE = re.compile(
    r"^\s*(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,?\s+(?P<year>\d{4}))?\s*•?\s*$"
)
_URL = re.compile(r"https?://(?:www\.)?threadreaderapp\.com/thread/(?P<id>\d+)(?:\.html)?")
_LATEST = re.compile(r"^\s*Latest Threads Unrolled:?\s*$", re.IGNORECASE)
_IN_BODY = re.compile(
    r"^\s*(?:Enjoying this thread\?|Help us keep this content free|Promoted\s*$|"
    r"Sponsored\s*$|thread#showTweet\")",
    re.IGNORECASE,
)
"""Lines inside the thread that start a promotion (dropped with the rest of their paragraph),
or HTML remnants of a post's container (dropped, leaving a post break)."""
_CHROME = re.compile(
    r"^\s*(?:#+\s*)?(?:"
    r"Thread Reader|Share this page!?|×|Post|Share|Email|Tweet|Subscribe|\+?\s*Follow|"
    r"Enter URL or ID to Unroll|Unroll Thread|Read on (?:X|Twitter)|Scrolly|Bookmark|"
    r"Gift Link|Save as PDF|Thread by @\S+ on Thread Reader App.*"
    r")\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PageMeta:
    """What an unroll page says about its thread, and where the thread lies in it.

    Attributes
    ----------
    service : str
        ``"threadreaderapp"`` or ``"twtextapp"``.
    start, end : int
        0-based line range ``[start, end)`` of the thread's posts.
    author : str or None
        Handle without ``@``.
    date : str or None
        ISO date (``YYYY-MM-DD``) of the thread when the page gives a full date.
    date_text : str or None
        The date as shown (kept when it has no year).
    url : str or None
        The page's own address when it appears in the text.
    removed : tuple of str
        Non-blank lines dropped before and after the thread (header, footer, promotions).
    dropped : tuple of int
        0-based lines inside ``[start, end)`` that are promotions or page remnants, not posts.
    tweets : int or None
        The number of posts the page announces ("10 tweets • 8 min read").
    counter_line : int or None
        0-based line of that announcement.
    """

    service: str
    start: int
    end: int
    author: str | None = None
    date: str | None = None
    date_text: str | None = None
    url: str | None = None
    removed: tuple[str, ...] = field(default=())
    dropped: tuple[int, ...] = field(default=())
    tweets: int | None = None
    counter_line: int | None = None


def _is_threadreader(lines: list[str]) -> bool:
    return any(_SEPARATOR.match(s) or _MISSING.match(s) for s in lines) and any(
        _COUNTER.match(s) or _TITLE.search(s) or _URL.search(s) or "Thread Reader" in s
        for s in lines
    )


def _date(line: str) -> tuple[str | None, str] | None:
    m = _DATE.match(line)
    if not m or m["mon"].lower() not in _MONTHS:
        return None
    shown = line.strip().rstrip("•").strip()
    if not m["year"]:
        return None, shown
    return f"{int(m['year']):04d}-{_MONTHS[m['mon'].lower()]:02d}-{int(m['day']):02d}", shown


def _header_end(lines: list[str], stop: int) -> int:
    """First line of the thread: after the counter line and the buttons after it."""
    counter = next((i for i in range(stop) if _COUNTER.match(lines[i])), None)
    i = 0 if counter is None else counter + 1
    while i < stop:
        s = lines[i]
        if counter is None and s.strip().startswith("---") and i == 0:
            # a web clipper's YAML front matter: skip to its closing line
            close = next((k for k in range(1, stop) if lines[k].strip() == "---"), None)
            i = (close + 1) if close is not None else i + 1
            continue
        if not s.strip() or _CHROME.match(s) or _HANDLE.match(s) or _DATE.match(s):
            i += 1
            continue
        break
    return i


def unwrap_page(lines: list[str]) -> PageMeta | None:
    """Locate the thread in an unroll service's page; ``None`` when no page is recognised.

    Parameters
    ----------
    lines : list of str
        The page's text, one line per item (line breaks already normalised).

    Returns
    -------
    PageMeta or None
    """
    latest = next((i for i, s in enumerate(lines) if _LATEST.match(s)), None)
    if not _is_threadreader(lines):
        if latest is None:
            return None
        removed = tuple(s.strip() for s in lines[latest:] if s.strip())
        return PageMeta("twtextapp", 0, latest, removed=removed)
    end = next(i for i, s in enumerate(lines) if _SEPARATOR.match(s) or _MISSING.match(s))
    start = _header_end(lines, end)
    author = None
    date = date_text = None
    for s in lines[:start]:
        if author is None and (m := _HANDLE.match(s) or _TITLE.search(s)):
            author = m["author"]
        if date_text is None and (d := _date(s)):
            date, date_text = d
    if author is None:
        author = next((m["author"] for s in lines if (m := _TITLE.search(s))), None)
    url = next((m.group(0) for s in lines if (m := _URL.search(s))), None)
    promo = _promotions(lines, start, end)
    counter = next((i for i in range(start) if _COUNTER.match(lines[i])), None)
    tweets = int(_COUNTER.match(lines[counter])["n"]) if counter is not None else None
    removed = tuple(
        s.strip()
        for i, s in enumerate(lines)
        if s.strip() and (i < start or i >= end or i in promo)
    )
    return PageMeta(
        "threadreaderapp",
        start,
        end,
        author=author,
        date=date,
        date_text=date_text,
        url=url,
        removed=removed,
        dropped=tuple(sorted(promo)),
        tweets=tweets,
        counter_line=counter,
    )


def _promotions(lines: list[str], start: int, end: int) -> set[int]:
    out: set[int] = set()
    i = start
    while i < end:
        if _IN_BODY.match(lines[i]):
            out.add(i)
            if not lines[i].lstrip().startswith("thread#"):
                i += 1
                while i < end and lines[i].strip():
                    out.add(i)
                    i += 1
                continue
        i += 1
    return out
