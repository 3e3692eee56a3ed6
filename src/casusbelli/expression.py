"""Path expressions: Boolean expressions over indicator ids, parsed without evaluating them.

A path such as ``"status_rising*(neighbourhood + great_power_claim)*~elite_threat"`` names
indicator ids joined by ``*`` (and), ``+`` (or) and ``~`` (not), with parentheses; ``~`` binds
tightest, then ``*``, then ``+``. The workspace checks a path's syntax and ids when it loads
(:mod:`casusbelli.workspace.validate.questions`); the forecast engine evaluates it with
fuzzy-set semantics (:mod:`casusbelli.forecast.rules`). This module imports no casusbelli
layer (only :mod:`casusbelli.errors`), so both may use it.
"""

from __future__ import annotations

import re
from typing import Any

from casusbelli.errors import ForecastError

__all__ = ["Expr", "expression_names", "parse_path"]

#: A parsed path: ("var", name) | ("not", e) | ("and", (e, ...)) | ("or", (e, ...)).
Expr = tuple[Any, ...]

_TOKEN = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_.]*)|(\S))")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing whitespace left
            break
        tok = m.group(1) or m.group(2)
        if m.group(2) and tok not in "*+~()":
            raise ForecastError(f"path {text!r}: unexpected {tok!r}", field="rule.path",
                                hint="write 'a*b + ~c', with parentheses as needed")
        out.append(tok)
        pos = m.end()
    return out


def parse_path(text: str) -> Expr:
    """Parse a path such as ``"status_rising*(neighbourhood + great_power_claim)*~elite_threat"``.

    ``~`` binds tightest, then ``*``, then ``+``.

    Raises
    ------
    ForecastError
        With ``field="rule.path"``, when the path is empty or malformed.
    """
    toks = _tokens(text)
    pos = 0

    def peek() -> str | None:
        return toks[pos] if pos < len(toks) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(toks):
            raise ForecastError(f"path {text!r} ends too early", field="rule.path")
        pos += 1
        return toks[pos - 1]

    def expr() -> Expr:
        terms = [term()]
        while peek() == "+":
            take()
            terms.append(term())
        return terms[0] if len(terms) == 1 else ("or", tuple(terms))

    def term() -> Expr:
        factors = [factor()]
        while peek() == "*":
            take()
            factors.append(factor())
        return factors[0] if len(factors) == 1 else ("and", tuple(factors))

    def factor() -> Expr:
        tok = take()
        if tok == "~":
            return ("not", factor())
        if tok == "(":
            e = expr()
            if take() != ")":
                raise ForecastError(f"path {text!r}: missing ')'", field="rule.path")
            return e
        if tok in "*+)":
            raise ForecastError(f"path {text!r}: unexpected {tok!r}", field="rule.path")
        return ("var", tok)

    if not toks:
        raise ForecastError("empty path", field="rule.path")
    e = expr()
    if pos != len(toks):
        raise ForecastError(f"path {text!r}: unexpected {toks[pos]!r}", field="rule.path")
    return e


def expression_names(e: Expr) -> list[str]:
    """The indicator ids a path reads, in first-seen order."""
    if e[0] == "var":
        return [e[1]]
    if e[0] == "not":
        return expression_names(e[1])
    out: list[str] = []
    for sub in e[1]:
        out += [n for n in expression_names(sub) if n not in out]
    return out
