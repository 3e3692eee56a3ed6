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

Pure: plain values in (a path, codings as ``(value, applicable)`` pairs, numbers), a
:class:`RuleResult` out. The path parser lives in :mod:`casusbelli.expression`, which the
workspace also uses to check a path when it loads; turning a workspace's ``ForecastRule`` and
cases into these values is the orchestration layer's job
(:mod:`casusbelli.analysis.forecast_rules`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from casusbelli.errors import ForecastError
from casusbelli.expression import Expr, expression_names, parse_path

__all__ = [
    "Expr",
    "RuleInput",
    "RuleResult",
    "evaluate_base_rate",
    "evaluate_linear",
    "expression_names",
    "parse_path",
    "path_membership",
    "round_to_step",
]


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


def evaluate_base_rate(value: float) -> RuleResult:
    """:math:`P = r`, a stated base rate (read nothing, so no membership and no inputs).

    Raises
    ------
    ForecastError
        When ``value`` lies outside [0, 1].
    """
    r = float(value)
    if not 0.0 <= r <= 1.0:
        raise ForecastError(f"base rate {r:.4g} lies outside [0, 1]", field="rule.value")
    return RuleResult(r, None, r, ())
