"""Helpers over forecast questions: dates and status, scenarios, and checking forecast values and
outcomes against a question's type.

A question's type decides the shape of a forecast value and of its outcome:

==================  ===================================  ==========================
type                forecast value                       outcome
==================  ===================================  ==========================
``binary``          P(yes), a number in [0, 1]           yes / no (``true``/``false``)
``multiple_choice`` ``{option: p}`` summing to 1         one of the options
``numeric``         ``{mean, sd}`` (a normal)            a number
``date``            ``{mean: YYYY-MM-DD, sd: days}``     a date ``YYYY-MM-DD``
==================  ===================================  ==========================

A theory that states no forecast under a scenario is taken to forecast as in the base case, and
is listed as *assumed* so displays can say so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from casusbelli.errors import ForecastError
from casusbelli.workspace.models import Question, date_bounds

__all__ = [
    "BASE",
    "QuestionDates",
    "ScenarioValues",
    "check_value",
    "parse_outcome",
    "question_dates",
    "question_status",
    "scenario_names",
    "scenario_values",
    "scoring_form",
]

#: The scenario name of a theory's unconditional forecast.
BASE = "base"

Status = Literal["upcoming", "open", "closed", "resolved"]


class QuestionDates(NamedTuple):
    """A question's dates as calendar days (partial dates widened: opens early, the rest late)."""

    opens: dt.date
    closes: dt.date
    resolves: dt.date


def question_dates(q: Question) -> QuestionDates:
    """``opens`` at its earliest day, ``closes`` and ``resolves`` at their latest."""
    return QuestionDates(date_bounds(q.opens)[0], date_bounds(q.closes)[1],
                         date_bounds(q.resolves)[1])


def question_status(q: Question, on: dt.date, *, resolved: bool = False) -> Status:
    """``resolved`` (an outcome is recorded), else ``upcoming``, ``open`` or ``closed`` on ``on``.

    A question takes forecasts until the end of its close day.
    """
    if resolved or q.resolution is not None:
        return "resolved"
    d = question_dates(q)
    if on < d.opens:
        return "upcoming"
    return "open" if on <= d.closes else "closed"


def scenario_names(q: Question) -> list[str]:
    """``base`` then every scenario any theory names, in first-seen order."""
    names = [BASE]
    for f in q.forecasts.values():
        names += [s for s in f.scenarios if s not in names]
    return names


class ScenarioValues(NamedTuple):
    """Each theory's forecast under one scenario; ``assumed`` theories stated none for it."""

    scenario: str
    values: dict[str, Any]
    assumed: tuple[str, ...]


def scenario_values(q: Question, scenario: str = BASE, theories: list[str] | None = None,
                    *, qid: str | None = None) -> ScenarioValues:
    """The theories' forecasts of ``q`` under ``scenario`` (base value where one states none)."""
    known = scenario_names(q)
    if scenario not in known:
        raise ForecastError(
            f"question {(qid or q.id)!r} has no scenario {scenario!r}",
            field="scenario", hint=f"its scenarios: {', '.join(known)}",
        )
    values: dict[str, Any] = {}
    assumed = []
    for tid, f in q.forecasts.items():
        if theories is not None and tid not in theories:
            continue
        if scenario == BASE:
            values[tid] = f.value
        elif scenario in f.scenarios:
            values[tid] = f.scenarios[scenario]
        else:
            values[tid] = f.value
            assumed.append(tid)
    return ScenarioValues(scenario, values, tuple(assumed))


def _prob(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
        raise ForecastError(f"{where}: expected a probability, got {x!r}", field=where)
    if not 0.0 <= x <= 1.0:
        raise ForecastError(f"{where}: probability {x!r} is outside [0, 1]", field=where)
    return float(x)


def _day(x: Any, where: str) -> dt.date:
    if isinstance(x, dt.date):
        return x
    try:
        return dt.date.fromisoformat(str(x))
    except ValueError:
        raise ForecastError(f"{where}: expected a date YYYY-MM-DD, got {x!r}", field=where) \
            from None


def check_value(q: Question, value: Any, where: str = "value") -> Any:
    """Return ``value`` checked against ``q``'s type (:class:`ForecastError` if it does not fit)."""
    if q.type == "binary":
        return _prob(value, where)
    if q.type == "multiple_choice":
        if not isinstance(value, Mapping):
            raise ForecastError(f"{where}: expected {{option: probability}}, got {value!r}",
                                field=where)
        options = q.options or []
        out = {}
        for k, v in value.items():
            if k not in options:
                raise ForecastError(f"{where}: unknown option {k!r}", field=where,
                                    hint=f"options: {', '.join(options)}")
            out[k] = _prob(v, f"{where}.{k}")
        if abs(sum(out.values()) - 1.0) > 1e-6:
            raise ForecastError(f"{where}: option probabilities sum to {sum(out.values()):.4g}, "
                                "not 1", field=where)
        return out
    if not isinstance(value, Mapping) or "mean" not in value or "sd" not in value:
        raise ForecastError(f"{where}: expected {{mean, sd}} for a {q.type} question, "
                            f"got {value!r}", field=where)
    sd = value["sd"]
    if isinstance(sd, bool) or not isinstance(sd, int | float) or not sd > 0:
        raise ForecastError(f"{where}.sd: expected a number > 0, got {sd!r}", field=where)
    if q.type == "date":
        return {"mean": _day(value["mean"], f"{where}.mean").isoformat(), "sd": float(sd)}
    mean = value["mean"]
    if isinstance(mean, bool) or not isinstance(mean, int | float) or not math.isfinite(mean):
        raise ForecastError(f"{where}.mean: expected a number, got {mean!r}", field=where)
    return {"mean": float(mean), "sd": float(sd)}


_YES = {"yes", "true", "1", "y"}
_NO = {"no", "false", "0", "n"}


def parse_outcome(q: Question, outcome: Any, *, qid: str | None = None) -> Any:
    """Check (and parse, from command-line text) an outcome for ``q``.

    ``yes``/``no`` (or ``true``/``false``) for binary questions, an option for multiple choice,
    a number for numeric questions, ``YYYY-MM-DD`` for dates. A probability is not an outcome.
    """
    name = repr(qid or q.id)
    if q.type == "binary":
        if isinstance(outcome, bool):
            return outcome
        text = str(outcome).strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise ForecastError(
            f"question {name} is binary: outcome must be yes or no, got {outcome!r}",
            field="outcome",
        )
    if q.type == "multiple_choice":
        options = q.options or []
        if outcome not in options:
            raise ForecastError(
                f"question {name}: outcome {outcome!r} is not one of its options",
                field="outcome", hint=f"options: {', '.join(options)}",
            )
        return outcome
    if q.type == "numeric":
        try:
            x = float(outcome)
        except (TypeError, ValueError):
            raise ForecastError(f"question {name} is numeric: outcome must be a number, got "
                                f"{outcome!r}", field="outcome") from None
        if isinstance(outcome, bool) or not math.isfinite(x):
            raise ForecastError(f"question {name} is numeric: outcome must be a number, got "
                                f"{outcome!r}", field="outcome")
        return x
    return _day(outcome, "outcome").isoformat()


def _ordinal(x: Any) -> float:
    if isinstance(x, int | float) and not isinstance(x, bool):
        return float(x)  # already a day number (a pooled mixture)
    return float(_day(x, "date").toordinal())


def scoring_form(q: Question, value: Any, outcome: Any | None = None) -> tuple[str, Any, Any]:
    """``(kind, value, outcome)`` as :mod:`casusbelli.forecast.scoring` takes them: date
    questions become numeric ones over day numbers."""
    if q.type != "date":
        return q.type, value, outcome
    v: dict[str, Any]
    if "mixture" in value:
        v = {"mixture": [dict(c, mean=_ordinal(c["mean"])) for c in value["mixture"]]}
    else:
        v = {"mean": _ordinal(value["mean"]), "sd": float(value["sd"])}
    return "numeric", v, None if outcome is None else _ordinal(outcome)
