r"""Boolean sum-of-products expressions over named sets (``"A*~B + C"``).

A term is a conjunction of literals; a literal is a condition name, negated with a leading
``~``. An expression is a disjunction of terms separated by ``+``. Fuzzy-set semantics
negation is :math:`1 - x`, conjunction the minimum, disjunction the maximum
(Ragin 2008; Dusa 2019).

.. math::

    \mu_{A \cdot \sim B}(i) = \min(a_i, 1 - b_i), \qquad
    \mu_{T_1 + T_2}(i) = \max(\mu_{T_1}(i), \mu_{T_2}(i))
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from casusbelli.errors import AnalysisError

__all__ = [
    "Term",
    "expression_membership",
    "format_term",
    "parse_expression",
    "term_membership",
]

#: A term: tuple of (condition, value) pairs, value 1 for presence and 0 for negation,
#: in the order of the conditions the expression was parsed against.
Term = tuple[tuple[str, int], ...]

_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")


def parse_expression(expression: str, conditions: Sequence[str] | None = None) -> tuple[Term, ...]:
    """Parse a sum-of-products string into terms.

    Parameters
    ----------
    expression : str
        For example ``"A*~B + C"``. ``"1 - A"`` is not accepted; write ``"~A"``.
    conditions : sequence of str, optional
        Known condition names. When given, unknown names raise and literals inside each
        term are ordered as in ``conditions``.

    Returns
    -------
    tuple of Term
        Terms in the order written; duplicate terms are dropped.

    Raises
    ------
    AnalysisError
        On an empty expression, an empty term, an unknown or malformed name, or a term that
        holds a condition and its negation.
    """
    if not isinstance(expression, str) or not expression.strip():
        raise AnalysisError("empty Boolean expression", field="expression")
    order = {c: i for i, c in enumerate(conditions)} if conditions is not None else None
    terms: list[Term] = []
    for raw in expression.split("+"):
        raw = raw.strip()
        if not raw:
            raise AnalysisError(f"empty term in expression {expression!r}", field="expression")
        lits: dict[str, int] = {}
        for lit in raw.split("*"):
            lit = lit.strip()
            value = 1
            while lit.startswith("~"):
                value = 1 - value
                lit = lit[1:].strip()
            if not _NAME.match(lit):
                raise AnalysisError(
                    f"malformed literal {lit!r} in expression {expression!r}", field="expression"
                )
            if order is not None and lit not in order:
                raise AnalysisError(
                    f"unknown condition {lit!r} in expression {expression!r}",
                    field="expression",
                    hint=f"known conditions: {', '.join(order)}",
                )
            if lit in lits and lits[lit] != value:
                raise AnalysisError(f"term {raw!r} holds both {lit} and ~{lit}", field="expression")
            lits[lit] = value
        items = list(lits.items())
        if order is not None:
            items.sort(key=lambda kv: order[kv[0]])
        term = tuple(items)
        if term not in terms:
            terms.append(term)
    return tuple(terms)


def format_term(term: Term) -> str:
    """Write a term in R QCA notation, e.g. ``DEV*~URB*LIT``."""
    return "*".join(c if v == 1 else f"~{c}" for c, v in term)


def term_membership(term: Term, data: Mapping[str, np.ndarray]) -> np.ndarray:
    r"""Fuzzy membership of each case in a conjunction: :math:`\min_j \ell_j(i)`."""
    out: np.ndarray | None = None
    for cond, value in term:
        if cond not in data:
            raise AnalysisError(f"condition {cond!r} not in data", field=cond)
        col = np.asarray(data[cond], dtype=float)
        lit = col if value == 1 else 1.0 - col
        out = lit.copy() if out is None else np.minimum(out, lit)
    if out is None:
        raise AnalysisError("empty term", field="expression")
    return out


def expression_membership(
    expression: str | Sequence[Term], data: Mapping[str, np.ndarray]
) -> np.ndarray:
    r"""Fuzzy membership in a disjunction of terms: :math:`\max_t \mu_t(i)`."""
    terms = parse_expression(expression) if isinstance(expression, str) else tuple(expression)
    out: np.ndarray | None = None
    for term in terms:
        m = term_membership(term, data)
        out = m if out is None else np.maximum(out, m)
    if out is None:
        raise AnalysisError("empty Boolean expression", field="expression")
    return out
