r"""Forecast rules: a theory's probability computed from the workspace, not typed in.

A theory forecast may state a ``rule``; the tool computes the probability from it and refuses a
typed ``value`` that disagrees. Two kinds:

``linear``
    :math:`P = \operatorname{round}_h(a + b \cdot S)`, where :math:`S \in [0, 1]` is one case's
    fuzzy membership in ``path``, a Boolean expression over indicator ids (``*`` and, ``+`` or,
    ``~`` not, parentheses), with fuzzy-set semantics: :math:`\sim x = 1 - x`, ``*`` the
    minimum, ``+`` the maximum (Ragin 2008, *Redesigning Social Inquiry: Fuzzy Sets and
    Beyond*). A coding that is unknown (or n/a) counts as ``unknown`` when the rule states it
    and is an error otherwise. :math:`\operatorname{round}_h(x) = h \lfloor x / h + 1/2
    \rfloor` rounds to the nearest multiple of the step :math:`h` (no rounding without one).
    The result is clipped to [0, 1] only if the rule says ``clip: true``; otherwise a result
    outside [0, 1] is an error.
``base_rate``
    :math:`P = r`, a stated base rate with its source(s).

Pure: plain values in, a :class:`RuleResult` out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from casusbelli.errors import ForecastError

__all__ = [
    "Expr",
    "RuleInput",
    "RuleResult",
    "apply_rule",
    "evaluate_linear",
    "expression_names",
    "parse_path",
    "path_membership",
    "round_to_step",
    "rule_inputs",
]

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


def path_membership(e: Expr, values: Mapping[str, float]) -> float:
    r"""Fuzzy membership in a path: :math:`\sim x = 1 - x`, ``*`` = min, ``+`` = max."""
    if e[0] == "var":
        return float(values[e[1]])
    if e[0] == "not":
        return 1.0 - path_membership(e[1], values)
    subs = [path_membership(s, values) for s in e[1]]
    return min(subs) if e[0] == "and" else max(subs)


def round_to_step(x: float, step: float | None) -> float:
    r""":math:`h \lfloor x / h + 1/2 \rfloor` (nearest multiple of ``step``; ``None``: ``x``)."""
    if step is None:
        return x
    return round(step * math.floor(x / step + 0.5), 10)


class RuleInput(NamedTuple):
    """One indicator a rule read: its coding (``None`` unknown or n/a) and the value used."""

    indicator: str
    coded: float | None
    used: float
    status: str  # "coded", "unknown" or "n/a"


class RuleResult(NamedTuple):
    """A rule's probability with what it was computed from."""

    value: float
    membership: float | None
    raw: float
    inputs: tuple[RuleInput, ...]

    def to_dict(self) -> dict[str, Any]:
        return dict(value=self.value, membership=self.membership, raw=round(self.raw, 10),
                    inputs=[i._asdict() for i in self.inputs])


def evaluate_linear(path: str, codings: Mapping[str, tuple[float | None, bool]], *, base: float,
                    slope: float, step: float | None = None, unknown: float | None = None,
                    clip: bool = False, case: str = "") -> RuleResult:
    r""":math:`P = \operatorname{round}_h(a + b \cdot S)` with :math:`S` the case's membership in
    ``path``.

    Parameters
    ----------
    codings
        indicator id -> ``(value, applicable)`` for the case; ``value`` ``None`` is unknown
        (or n/a when ``applicable`` is false). An indicator missing from the mapping is
        unknown.
    unknown
        The membership an unknown or n/a coding counts as; ``None``: such a coding is an error.
    """
    e = parse_path(path)
    used: dict[str, float] = {}
    inputs = []
    for name in expression_names(e):
        coded, applicable = codings.get(name, (None, True))
        if coded is not None:
            used[name] = float(coded)
            inputs.append(RuleInput(name, float(coded), float(coded), "coded"))
            continue
        status = "unknown" if applicable else "n/a"
        if unknown is None:
            raise ForecastError(
                f"rule reads {name!r}, which case {case!r} codes {status}", field="rule.path",
                hint="state unknown: <membership> in the rule to say what it counts as")
        used[name] = float(unknown)
        inputs.append(RuleInput(name, None, float(unknown), status))
    s = path_membership(e, used)
    raw = base + slope * s
    value = round_to_step(raw, step)
    if clip:
        value = min(1.0, max(0.0, value))
    if not 0.0 <= value <= 1.0:
        raise ForecastError(f"rule gives {value:.4g} for case {case!r}, outside [0, 1]",
                            field="rule", hint="change base/slope or state clip: true")
    return RuleResult(value, s, raw, tuple(inputs))


def apply_rule(rule: Any, cases: Mapping[str, Any]) -> RuleResult:
    """Evaluate a workspace ``ForecastRule`` (duck-typed: ``kind``, ``case``, ``path``, ...) over
    ``cases`` (case id -> a case with ``codings``: id -> ``value``, ``applicable``)."""
    if rule.kind == "base_rate":
        return RuleResult(float(rule.value), None, float(rule.value), ())
    if rule.case not in cases:
        raise ForecastError(f"rule names case {rule.case!r}, which the workspace lacks",
                            field="rule.case")
    codings = {k: (c.value, c.applicable) for k, c in cases[rule.case].codings.items()}
    return evaluate_linear(rule.path, codings, base=rule.base, slope=rule.slope, step=rule.round,
                           unknown=rule.unknown, clip=rule.clip, case=rule.case)


def rule_inputs(rule: Any, result: RuleResult) -> dict[str, Any]:
    """The JSON of a rule and what it read: its parameters, S, the raw and the final value."""
    out: dict[str, Any] = dict(kind=rule.kind)
    if rule.kind == "linear":
        out.update(case=rule.case, path=rule.path, base=rule.base, slope=rule.slope,
                   round=rule.round, unknown=rule.unknown, formula="P = round(base + slope * S)")
    else:
        out.update(sources=[s.source for s in rule.sources])
    out.update(result.to_dict())
    return out
