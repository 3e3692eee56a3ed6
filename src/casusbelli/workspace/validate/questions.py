"""``questions/*.yaml``: sources, theories, and the forecasts computed from stated rules."""

from __future__ import annotations

from typing import Any

from casusbelli.errors import ForecastError
from casusbelli.workspace.models import ForecastRule, Question, TheoryForecast
from casusbelli.workspace.validate.parsed import Parsed
from casusbelli.workspace.yamlio import Marks

__all__ = ["check_questions"]


def check_questions(ws: Parsed) -> None:
    """Check each question's references, and replace rule-based forecasts by their values."""
    for qid, q in list(ws.questions.items()):
        rel, marks = ws.docs["question"][qid]
        for j, ref in enumerate(q.sources):
            ws.check_ref(ref, rel, marks, ("sources", j))
        if q.resolution:
            for j, ref in enumerate(q.resolution.sources):
                ws.check_ref(ref, rel, marks, ("resolution", "sources", j))
        for t in q.forecasts:
            if t not in ws.theories:
                ws.col.unknown(rel, marks, ("forecasts", t), "theory", t, ws.theories)
        computed = _apply_rules(ws, rel, marks, q)
        if computed:
            ws.questions[qid] = q.model_copy(update={"forecasts": {**q.forecasts, **computed}})


def _apply_rules(
    ws: Parsed, rel: str, marks: Marks | None, q: Question
) -> dict[str, TheoryForecast]:
    """Compute every rule-based forecast of ``q``; a typed value that disagrees with its rule,
    an unknown case or indicator, or a rule that cannot be evaluated is a located problem."""
    from casusbelli.forecast.rules import apply_rule

    col = ws.col
    out: dict[str, TheoryForecast] = {}
    for t, f in q.forecasts.items():
        rule = f.rule
        if rule is None:
            continue
        loc: tuple[Any, ...] = ("forecasts", t, "rule")
        if q.type != "binary":
            col.add_at(rel, marks, loc, "rules give P(yes): only binary questions take them",
                       "schema")
            continue
        for j, ref in enumerate(rule.sources):
            ws.check_ref(ref, rel, marks, loc + ("sources", j))
        if rule.kind == "linear" and not _linear_ids_known(ws, rel, marks, loc, rule):
            continue
        try:
            result = apply_rule(rule, ws.cases)
        except ForecastError as exc:
            col.add_at(rel, marks, loc, exc.message, "schema")
            continue
        if f.value is not None:
            typed = f.value
            if isinstance(typed, bool) or not isinstance(typed, int | float) \
                    or abs(float(typed) - result.value) > 1e-9:
                s = "" if result.membership is None else f" (S = {result.membership:.4g})"
                col.add_at(rel, marks, ("forecasts", t, "value"),
                           f"value {typed!r} disagrees with its rule, which gives "
                           f"{result.value:.4g}{s}; drop the value or fix the rule", "schema")
                continue
        out[t] = f.model_copy(update={"value": result.value})
    return out


def _linear_ids_known(
    ws: Parsed, rel: str, marks: Marks | None, loc: tuple[Any, ...], rule: ForecastRule
) -> bool:
    """Whether a linear rule's case and the indicators of its path exist (else reported)."""
    from casusbelli.forecast.rules import expression_names, parse_path

    col = ws.col
    if rule.case not in ws.cases:
        col.unknown(rel, marks, loc + ("case",), "case", str(rule.case), ws.cases)
        return False
    try:
        names = expression_names(parse_path(str(rule.path)))
    except ForecastError as exc:
        col.add_at(rel, marks, loc + ("path",), exc.message, "schema")
        return False
    bad = [n for n in names if n not in ws.indicators]
    for n in bad:
        col.unknown(rel, marks, loc + ("path",), "indicator", n, ws.indicators)
    return not bad
