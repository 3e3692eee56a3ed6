"""Locators of citations: where in a source (a page, a post of a thread) a claim is."""

from __future__ import annotations

import re

from casusbelli.workspace.models import Source

__all__ = ["check_post_locator"]


_POSTS = re.compile(r"^\s*posts?\s+(?P<list>\d+(?:\s*(?:-|–|,|and)\s*\d+)*)\s*$", re.IGNORECASE)


def check_post_locator(locator: str, source: Source) -> str | None:
    """The problem with a ``post N`` / ``posts N-M, K`` locator on a thread, else ``None``.

    Only sources that record their number of posts (``posts``, written by
    ``casus ingest thread``) are checked; other locators and sources pass.
    """
    m = _POSTS.match(locator)
    if m is None or source.posts is None:
        return None
    numbers = [int(x) for x in re.findall(r"\d+", m["list"])]
    for part in re.split(r"\s*(?:,|and)\s*", m["list"]):
        ends = [int(x) for x in re.split(r"\s*[-–]\s*", part)]
        if len(ends) == 2 and ends[0] > ends[1]:
            return f"post range {part!r} runs backwards"
    bad = next((n for n in numbers if not 1 <= n <= source.posts), None)
    if bad is None:
        return None
    return (
        f"no post {bad} in source {source.id!r}: the thread has {source.posts} posts "
        f"(locator {locator!r})"
    )
