"""Rule-based forecasts: a question's stated ``ForecastRule`` applied to the workspace's cases.

Loading a workspace (:mod:`casusbelli.workspace`) only checks a rule's form, its sources, its
case and the indicator ids of its path. This orchestration step turns each rule and the
codings of its case into plain values, has the forecast engine compute the probability
(:func:`casusbelli.forecast.rules.evaluate_linear`,
:func:`~casusbelli.forecast.rules.evaluate_base_rate`), and fills in the forecast's ``value``.
A typed value that disagrees with its rule, or a rule the engine cannot evaluate (an unknown
coding without ``unknown:``, a result outside [0, 1]), is a problem located at the question's
file, line and field. It runs after the measured indicators are filled in
(:func:`casusbelli.analysis.measured.measure_workspace`), so a rule may read them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from casusbelli.errors import ForecastError, Problem
from casusbelli.forecast.rules import RuleResult, evaluate_base_rate, evaluate_linear
from casusbelli.workspace.loaded import Workspace
from casusbelli.workspace.models import Case, ForecastRule, Question, TheoryForecast
from casusbelli.workspace.validate.collect import Collector
from casusbelli.workspace.validate.files import read

__all__ = ["apply_rule", "apply_rules", "case_codings", "rule_inputs"]


def case_codings(case: Case) -> dict[str, tuple[float | None, bool]]:
    """A case's codings as the engine takes them: indicator id -> ``(value, applicable)``."""
    return {k: (c.value, c.applicable) for k, c in case.codings.items()}


def apply_rule(rule: ForecastRule, cases: Mapping[str, Case]) -> RuleResult:
    """The probability ``rule`` gives, read from ``cases`` (case id -> case).

    Raises
    ------
    ForecastError
        When the rule's case is not in ``cases``, or the engine cannot evaluate the rule.
    """
    if rule.kind == "base_rate":
        assert rule.value is not None  # the model requires it
        return evaluate_base_rate(rule.value)
    case = rule.case
    if case is None or case not in cases:
        raise ForecastError(f"rule names case {case!r}, which the workspace lacks",
                            field="rule.case")
    assert rule.path is not None and rule.base is not None and rule.slope is not None
    return evaluate_linear(rule.path, case_codings(cases[case]), base=rule.base,
                           slope=rule.slope, step=rule.round, unknown=rule.unknown,
                           clip=rule.clip, case=case)


def rule_inputs(rule: ForecastRule, result: RuleResult) -> dict[str, Any]:
    """The JSON of a rule and what it read: its parameters, S, the raw and the final value."""
    out: dict[str, Any] = dict(kind=rule.kind)
    if rule.kind == "linear":
        out.update(case=rule.case, path=rule.path, base=rule.base, slope=rule.slope,
                   round=rule.round, unknown=rule.unknown, formula="P = round(base + slope * S)")
    else:
        out.update(sources=[s.source for s in rule.sources])
    out.update(result.to_dict())
    return out


def apply_rules(ws: Workspace) -> tuple[Workspace | None, list[Problem]]:
    """``ws`` with the value of every rule-based forecast computed, or ``None`` and the problems.

    Only binary questions take rules (the loader reports a rule elsewhere). Each problem names
    the question's file, the line and the field (``forecasts.<theory>.rule`` or
    ``forecasts.<theory>.value``).
    """
    found: list[tuple[str, tuple[Any, ...], str]] = []
    questions: dict[str, Question] = {}
    for qid, q in ws.questions.items():
        computed: dict[str, TheoryForecast] = {}
        for t, f in q.forecasts.items():
            if f.rule is None or q.type != "binary":
                continue
            try:
                result = apply_rule(f.rule, ws.cases)
            except ForecastError as exc:
                found.append((qid, ("forecasts", t, "rule"), exc.message))
                continue
            if f.value is not None and not _agrees(f.value, result.value):
                s = "" if result.membership is None else f" (S = {result.membership:.4g})"
                found.append((qid, ("forecasts", t, "value"),
                              f"value {f.value!r} disagrees with its rule, which gives "
                              f"{result.value:.4g}{s}; drop the value or fix the rule"))
                continue
            computed[t] = f.model_copy(update={"value": result.value})
        if computed:
            questions[qid] = q.model_copy(update={"forecasts": {**q.forecasts, **computed}})
    if found:
        return None, _located(ws, found)
    if not questions:
        return ws, []
    return dataclasses.replace(ws, questions={**ws.questions, **questions}), []


def _agrees(typed: Any, value: float) -> bool:
    """Whether a typed forecast value is a number equal to the rule's (to 1e-9)."""
    return (not isinstance(typed, bool) and isinstance(typed, int | float)
            and abs(float(typed) - value) <= 1e-9)


def _located(ws: Workspace, found: list[tuple[str, tuple[Any, ...], str]]) -> list[Problem]:
    """Each ``(question, loc, message)`` as a problem at its file, line and field.

    The question's file is read again for its line marks, only when there is a problem.
    """
    col = Collector(ws.root)
    marks_of: dict[str, Any] = {}
    for qid, loc, message in found:
        rel = ws.origins.get(("question", qid), (f"questions/{qid}.yaml", None))[0]
        if rel not in marks_of:
            doc = read(ws.root / rel, Collector(ws.root))
            marks_of[rel] = doc[1] if doc is not None else None
        col.add_at(rel, marks_of[rel], loc, message, "schema")
    return col.sorted_problems()
