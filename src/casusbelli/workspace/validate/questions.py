"""``questions/*.yaml``: sources, theories, and the form and references of stated rules.

A rule's probability is not computed here (loading runs no engine): the orchestration layer
applies each rule to the cases (:mod:`casusbelli.analysis.forecast_rules`). Loading checks that
a rule is on a binary question, that its sources, its case and the indicator ids of its path
exist, and that the path parses (:mod:`casusbelli.expression`).
"""

from __future__ import annotations

from typing import Any

from casusbelli.errors import ForecastError
from casusbelli.expression import expression_names, parse_path
from casusbelli.workspace.models import ForecastRule, Question
from casusbelli.workspace.validate.parsed import Parsed
from casusbelli.workspace.yamlio import Marks

__all__ = ["check_questions"]


def check_questions(ws: Parsed) -> None:
    """Check each question's references and the form and references of its rules."""
    for qid, q in ws.questions.items():
        rel, marks = ws.docs["question"][qid]
        for j, ref in enumerate(q.sources):
            ws.check_ref(ref, rel, marks, ("sources", j))
        if q.resolution:
            for j, ref in enumerate(q.resolution.sources):
                ws.check_ref(ref, rel, marks, ("resolution", "sources", j))
        for t in q.forecasts:
            if t not in ws.theories:
                ws.col.unknown(rel, marks, ("forecasts", t), "theory", t, ws.theories)
        _check_rules(ws, rel, marks, q)


def _check_rules(ws: Parsed, rel: str, marks: Marks | None, q: Question) -> None:
    """Report a rule on a non-binary question, an unknown source, case or indicator, and a
    path that does not parse, each at its field."""
    for t, f in q.forecasts.items():
        rule = f.rule
        if rule is None:
            continue
        loc: tuple[Any, ...] = ("forecasts", t, "rule")
        if q.type != "binary":
            ws.col.add_at(rel, marks, loc, "rules give P(yes): only binary questions take them",
                          "schema")
            continue
        for j, ref in enumerate(rule.sources):
            ws.check_ref(ref, rel, marks, loc + ("sources", j))
        if rule.kind == "linear":
            _check_linear_ids(ws, rel, marks, loc, rule)


def _check_linear_ids(
    ws: Parsed, rel: str, marks: Marks | None, loc: tuple[Any, ...], rule: ForecastRule
) -> None:
    """Report a linear rule's unknown case, a path that does not parse, and the unknown
    indicator ids of its path."""
    col = ws.col
    if rule.case not in ws.cases:
        col.unknown(rel, marks, loc + ("case",), "case", str(rule.case), ws.cases)
        return
    try:
        names = expression_names(parse_path(str(rule.path)))
    except ForecastError as exc:
        col.add_at(rel, marks, loc + ("path",), exc.message, "schema")
        return
    for n in names:
        if n not in ws.indicators:
            col.unknown(rel, marks, loc + ("path",), "indicator", n, ws.indicators)
