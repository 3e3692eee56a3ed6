"""Shared pieces of the ACH matrix readers: located problems, cell parsers and building the
:class:`~casusbelli.within.ach.AchMatrix` (see :mod:`casusbelli.analysis.matrix`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from casusbelli.errors import (
    Problem,
    SchemaError,
    WorkspaceError,
)
from casusbelli.within.ach import CODES, LEVELS, NA_CODE, AchMatrix

__all__: list[str] = []  # private helpers of casusbelli.analysis.matrix
_MAX_PROBLEMS = 50
_LIKELIHOOD_PREFIX = "likelihood:"
_RESERVED = ("id", "evidence", "credibility", "relevance", "analyst")


# --------------------------------------------------------------------------- collection


@dataclass
class _Problems:
    rel: str
    items: list[tuple[type[WorkspaceError], Problem]] = field(default_factory=list)

    def add(
        self,
        message: str,
        line: int | None,
        fld: str | None,
        cls: type[WorkspaceError] = SchemaError,
        column: int | None = None,
    ) -> None:
        if len(self.items) < _MAX_PROBLEMS:
            self.items.append((cls, Problem(message, self.rel, line, column, fld)))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        cls, first = self.items[0]
        raise cls(
            first.message,
            problems=[p for _, p in self.items],
            file=first.file,
            line=first.line,
            column=first.column,
            field=first.field,
        )


def _rating(value: Any) -> int | None:
    if value is None:
        return NA_CODE
    if isinstance(value, bool) or not isinstance(value, str):
        return None
    key = value.strip().upper()
    if key == "":
        return NA_CODE
    if key == "N/A":
        key = "NA"
    return CODES.get(key)


def _level(value: Any) -> str | None:
    if value is None:
        return "medium"
    if not isinstance(value, str):
        return None
    key = value.strip().lower()
    if key == "":
        return "medium"
    return key if key in LEVELS else None


def _likelihood(value: Any) -> tuple[float | None, str | None]:
    """Return (value, None) or (None, reason)."""
    if isinstance(value, bool):
        return None, f"expected a number in (0, 1], got {value!r}"
    if isinstance(value, int | float):
        x = float(value)
    elif isinstance(value, str):
        try:
            x = float(value.strip())
        except ValueError:
            return None, f"expected a number in (0, 1], got {value!r}"
    else:
        return None, f"expected a number in (0, 1], got {value!r}"
    if not math.isfinite(x) or not (0.0 < x <= 1.0):
        return None, f"likelihood {value!r} is outside (0, 1]"
    return x, None


_RATING_HELP = f"expected one of {', '.join(CODES)}"
_LEVEL_HELP = f"expected one of {', '.join(LEVELS)} (or empty for medium)"


@dataclass
class _Item:
    id: str
    line: int | None
    evidence: str = ""
    credibility: str = "medium"
    relevance: str = "medium"
    likelihoods: dict[str, float] | None = None
    ratings: dict[str, dict[str, int]] = field(default_factory=dict)  # analyst -> hyp -> code


def _build(
    rel: str,
    hyps: list[str],
    analysts: list[str],
    items: list[_Item],
    problems: _Problems,
    need_likelihoods: bool,
) -> AchMatrix:
    if not items:
        problems.add("the matrix has no items", 1, "items")
    if not hyps:
        problems.add("the matrix has no hypotheses", 1, "hypotheses")
    if need_likelihoods:
        for it in items:
            missing = [h for h in hyps if not it.likelihoods or h not in it.likelihoods]
            if missing:
                problems.add(
                    f"item {it.id!r} lacks likelihoods for {', '.join(missing)} "
                    "(give likelihoods for every item and hypothesis, or none)",
                    it.line,
                    "likelihoods",
                )
    problems.raise_if_any()
    if not analysts:
        analysts = ["default"]
    r = np.full((len(analysts), len(items), len(hyps)), NA_CODE, dtype=np.int8)
    a_idx = {a: k for k, a in enumerate(analysts)}
    h_idx = {h: j for j, h in enumerate(hyps)}
    for i, it in enumerate(items):
        for a, row in it.ratings.items():
            for h, code in row.items():
                r[a_idx[a], i, h_idx[h]] = code
    lk = None
    if need_likelihoods:
        lk = np.array([[it.likelihoods[h] for h in hyps] for it in items if it.likelihoods])
    return AchMatrix(
        hypotheses=tuple(hyps),
        item_ids=tuple(it.id for it in items),
        ratings=r,
        evidence=tuple(it.evidence for it in items),
        analysts=tuple(analysts),
        credibility=tuple(it.credibility for it in items),
        relevance=tuple(it.relevance for it in items),
        likelihoods=lk,
        source=rel,
    )


def _merge_text(item: _Item, name: str, raw: str, line: int, problems: _Problems) -> None:
    if raw == "":
        return
    if item.evidence and item.evidence != raw:
        problems.add(
            f"item {item.id!r} has a different {name} text than on line {item.line}", line, name
        )
    elif not item.evidence:
        item.evidence = raw


def _merge_level(item: _Item, name: str, lv: str, line: int, problems: _Problems) -> None:
    current = getattr(item, name)
    marker = f"_{name}_set"
    if getattr(item, marker, False) and current != lv:
        problems.add(
            f"item {item.id!r} has {name} {lv!r} here but {current!r} on line {item.line}",
            line,
            name,
        )
        return
    setattr(item, name, lv)
    setattr(item, marker, True)


def _merge_likelihoods(item: _Item, lks: dict[str, float], line: int, problems: _Problems) -> None:
    if not lks:
        return
    if item.likelihoods is None:
        item.likelihoods = lks
        return
    for h, x in lks.items():
        if h in item.likelihoods and item.likelihoods[h] != x:
            problems.add(
                f"item {item.id!r} has likelihood {x} for {h!r} here but "
                f"{item.likelihoods[h]} on line {item.line}",
                line,
                f"{_LIKELIHOOD_PREFIX}{h}",
            )
