"""Input no handler should see: NUL characters, lone surrogates and non-finite numbers.

``json.loads`` turns ``1e400`` into ``inf`` and accepts ``NaN`` and ``"\\ud800"``; Starlette
decodes ``%00`` in a path or query into a NUL character. None of them is a valid name, id or
rating, and they fail late and badly: a NUL byte makes PostgreSQL raise ``DataError``, a lone
surrogate cannot be encoded for SQLite, a non-finite float cannot be written back as JSON.
:func:`check_input` (a dependency of every route) refuses them first, with a 422 naming the
field, and :func:`preview` keeps what an error message echoes short and encodable.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

__all__ = ["ECHO_CHARS", "bad_value", "check_input", "preview"]

#: At most this many characters of a submitted value are echoed back in an error.
ECHO_CHARS = 200

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def preview(value: Any, limit: int = ECHO_CHARS) -> str:
    r"""A short, printable and UTF-8-encodable rendering of a submitted value.

    >>> preview("x" * 300)[-20:]
    'xx… (300 characters)'
    >>> preview("a\ud800b\x00"), preview(float("inf"))
    ('a\\ud800b\\x00', 'inf')
    """
    text = value if isinstance(value, str) else repr(value)
    size = len(text)
    text = text[:limit].replace("\x00", "\\x00")
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text + (f"… ({size} characters)" if size > limit else "")


def bad_value(value: Any) -> str | None:
    """Why ``value`` (one scalar of the input) is refused, or ``None``."""
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number (got infinity or NaN)"
    if isinstance(value, str):
        if "\x00" in value:
            return "must not contain a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "must be valid Unicode (it has a lone surrogate)"
    return None


def _walk(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every scalar (and every mapping key) inside ``value``, with its location; no recursion."""
    stack = [(loc, value)]
    while stack:
        where, v = stack.pop()
        if isinstance(v, dict):
            for k, item in v.items():
                yield where, k
                stack.append(((*where, str(k)), item))
        elif isinstance(v, list):
            stack.extend(((*where, i), item) for i, item in enumerate(v))
        else:
            yield where, v


async def _sources(request: Request) -> list[tuple[tuple[str | int, ...], Any]]:
    parts: list[tuple[tuple[str | int, ...], Any]] = []
    parts += [(("path", k), v) for k, v in request.path_params.items()]
    for k, v in request.query_params.multi_items():
        parts += [(("query",), k), (("query", k), v)]
    ctype = request.headers.get("content-type", "")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return parts
    if "json" in ctype:
        try:
            body = await request.json()
        except (ValueError, RecursionError):
            return parts  # FastAPI answers unparseable JSON itself
        parts.append((("body",), body))
    elif ctype.startswith(_FORM_TYPES):
        form = await request.form()
        for key, item in form.multi_items():
            parts.append((("body",), key))
            if isinstance(item, str):  # an uploaded file is not text to check
                parts.append((("body", key), item))
    return parts


async def check_input(request: Request) -> None:
    """Refuse NUL characters, lone surrogates and non-finite numbers anywhere in the request.

    Raises
    ------
    RequestValidationError
        One error per bad value, located like pydantic's (``("body", "name")``), answered 422.
    """
    errors = []
    for loc, value in await _sources(request):
        for where, scalar in _walk(value, loc):
            why = bad_value(scalar)
            if why is not None:
                errors.append({"type": "value_error", "loc": where, "msg": f"Value {why}",
                               "input": scalar})
                if len(errors) >= 10:
                    raise RequestValidationError(errors)
    if errors:
        raise RequestValidationError(errors)
