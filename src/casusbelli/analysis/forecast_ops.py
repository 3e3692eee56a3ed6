"""Forecast operations on a workspace and its store: what ``casus forecast``, ``issue``,
``resolve``, ``score``, ``signposts`` and ``observe`` call.

Each public function takes a loaded :class:`~casusbelli.workspace.load.Workspace` and a store
URL, does one job, and returns a frozen dataclass with ``to_dict()``. The maths is in
:mod:`~casusbelli.forecast.scoring`, :mod:`~casusbelli.forecast.ensemble` and
:mod:`~casusbelli.forecast.signposts`; reading and appending the journal in
:mod:`~casusbelli.store.registry`. This module holds the view, issue, registry and resolve
operations and re-exports the rest: theory weights (:mod:`.forecast_weights`), scoring
(:mod:`.forecast_scores`), signposts (:mod:`.forecast_signposts`).

Theory weights
    Equal weights (the output says why: the cross-case model weights score a different
    question, and no out-of-sample forecast has resolved yet); then updated by Bayes' rule with
    every recorded signpost observation, in the order recorded, using the likelihoods
    registered with the observation.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from casusbelli.analysis.forecast_base import (
    ENSEMBLE,
    IN_SAMPLE,
    MIN_CALIBRATION,
    OUT_OF_SAMPLE,
    TheoryWeights,
    _display,
    _ensemble_value,
    _file,
    _forecasts_for,
    _iso,
    _journal_resolutions,
    _pooled,
    _round,
    _spread_text,
    _today,
    _unknown,
)
from casusbelli.analysis.forecast_rules import apply_rule, rule_inputs
from casusbelli.analysis.forecast_scores import (
    QuestionScore,
    ScoreReport,
    question_sample,
    score_forecasts,
)
from casusbelli.analysis.forecast_signposts import (
    ObserveReport,
    SignpostRank,
    observe_signpost,
    rank_signposts,
)
from casusbelli.analysis.forecast_weights import MIN_PERFORMANCE_QUESTIONS, current_weights
from casusbelli.analysis.questions import (
    BASE,
    check_value,
    parse_outcome,
    question_dates,
    question_status,
    scenario_names,
    scenario_values,
    scoring_form,
)
from casusbelli.errors import ForecastError
from casusbelli.store import registry as reg
from casusbelli.workspace.load import Workspace
from casusbelli.workspace.models import Question

__all__ = [
    "ENSEMBLE",
    "ForecastRow",
    "ForecastView",
    "IN_SAMPLE",
    "IssueReport",
    "MIN_CALIBRATION",
    "MIN_PERFORMANCE_QUESTIONS",
    "OUT_OF_SAMPLE",
    "ObserveReport",
    "QuestionScore",
    "RegistryView",
    "ScoreReport",
    "SignpostRank",
    "TheoryWeights",
    "current_weights",
    "forecast_basis",
    "forecast_view",
    "issue_forecasts",
    "observe_signpost",
    "question_sample",
    "rank_signposts",
    "registry_view",
    "resolve_question",
    "score_forecasts",
]


# --------------------------------------------------------------------------- casus forecast
@dataclass(frozen=True)
class ForecastRow:
    """One question under one scenario: each theory's forecast, the ensemble and the spread."""

    question: str
    title: str
    type: str
    status: str
    scenario: str
    theories: dict[str, Any]
    assumed: tuple[str, ...]
    ensemble: Any
    spread: dict[str, dict[str, float | None]]
    display: dict[str, str]
    basis: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping; ``basis`` gives each theory forecast's ``basis`` (``rule`` or
        ``judgement``) and, for a rule, its inputs."""
        return dict(question=self.question, title=self.title, type=self.type,
                    status=self.status, scenario=self.scenario, theories=self.theories,
                    assumed=list(self.assumed), ensemble=self.ensemble, spread=self.spread,
                    basis=self.basis)


@dataclass(frozen=True)
class ForecastView:
    """The forecasts of the (open) questions, per scenario, with the weights used."""

    rows: tuple[ForecastRow, ...]
    theories: tuple[str, ...]
    weights: TheoryWeights
    on: str

    def to_dict(self) -> dict[str, Any]:
        """A stable JSON document."""
        return dict(on=self.on, theories=list(self.theories), weights=self.weights.to_dict(),
                    forecasts=[r.to_dict() for r in self.rows])

    def table(self) -> dict[str, Any]:
        """``{title, columns, rows}`` for display."""
        cols = ["question", "scenario", *self.theories, "ensemble", "spread"]
        rows = []
        for r in self.rows:
            cells = [r.question if r.scenario == BASE else "", r.scenario]
            for t in self.theories:
                text = r.display.get(t, "")
                if r.basis.get(t, {}).get("basis") == "rule":
                    text += " r"
                cells.append(f"({text})" if t in r.assumed else text)
            cells += [r.display["ensemble"], r.display["spread"]]
            rows.append(cells)
        title = (f"Forecasts on {self.on} (weights: {self.weights.source}"
                 + (f", after {len(self.weights.observations)} observation(s)"
                    if self.weights.observations else "")
                 + "); (x) = theory states no forecast under this scenario, base value used;"
                 " r = computed by the forecast's stated rule, otherwise judgement")
        return dict(title=title, columns=cols, rows=rows)


def forecast_basis(ws: Workspace, q: Question, scenario: str = BASE,
                   assumed: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    """Per theory: ``{basis: "rule", rule: {...inputs}}`` or ``{basis: "judgement"}``.

    A scenario value is typed, so judgement, unless the theory states none for the scenario and
    its base forecast (with its basis) is used.
    """
    out: dict[str, dict[str, Any]] = {}
    for t, f in q.forecasts.items():
        if f.rule is not None and (scenario == BASE or t in assumed):
            out[t] = dict(basis="rule", rule=rule_inputs(f.rule, apply_rule(f.rule, ws.cases)))
        else:
            out[t] = dict(basis="judgement")
    return out


def forecast_view(
    ws: Workspace,
    store_url: str,
    *,
    question: str | None = None,
    scenario: str | None = None,
    include_closed: bool = False,
    now: dt.datetime | None = None,
    weights: TheoryWeights | None = None,
) -> ForecastView:
    """Each theory's forecast, the weighted ensemble and the spread, per question and scenario.

    Parameters
    ----------
    question
        Only this question (shown whatever its status).
    scenario
        Only this scenario (``base`` for the unconditional forecasts).
    include_closed
        Also closed and resolved questions (default: open and upcoming ones only).
    weights
        :func:`current_weights` when the caller has them (else computed here).
    """
    if question is not None and question not in ws.questions:
        raise _unknown("question", question, ws.questions)
    if weights is None:
        weights = current_weights(ws, store_url)
    journal = _journal_resolutions(store_url)
    today = _today(now)
    rows = []
    for qid, q in ws.questions.items():
        if question is not None and qid != question:
            continue
        status = question_status(q, today, resolved=qid in journal)
        if question is None and not include_closed and status in ("closed", "resolved"):
            continue
        if not q.forecasts:
            continue
        names = scenario_names(q)
        if scenario is not None:
            if scenario not in names:
                if question is not None:
                    scenario_values(q, scenario, qid=qid)  # raises with the known names
                continue
            names = [scenario]
        for name in names:
            sv = scenario_values(q, name, qid=qid)
            values = {t: check_value(q, v, f"forecasts.{t}") for t, v in sv.values.items()}
            pooled = _pooled(q, values, weights.current)
            display = {t: _display(q.type, scoring_form(q, v)[1] if q.type == "date" else v)
                       for t, v in values.items()}
            display["ensemble"] = _display(q.type, pooled.value)
            display["spread"] = _spread_text(pooled)
            rows.append(ForecastRow(
                qid, q.title, q.type, status, name, values, sv.assumed,
                _ensemble_value(q, pooled),
                {k: dict(low=_round(s.low), high=_round(s.high), sd=_round(s.sd))
                 for k, s in pooled.spread.items()},
                display,
                forecast_basis(ws, q, name, sv.assumed),
            ))
    return ForecastView(tuple(rows), tuple(ws.theory_ids), weights, today.isoformat())


# --------------------------------------------------------------------------- casus issue
@dataclass(frozen=True)
class IssueReport:
    """What ``issue`` appended to the registry, and which questions it skipped and why."""

    issued: tuple[reg.IssuedForecast, ...]
    skipped: tuple[tuple[str, str], ...]
    weights: TheoryWeights

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return dict(issued=[f.to_dict() for f in self.issued],
                    skipped=[dict(question=q, reason=r) for q, r in self.skipped],
                    weights=self.weights.to_dict())


def issue_forecasts(ws: Workspace, store_url: str, *, question: str | None = None,
                    now: dt.datetime | None = None) -> IssueReport:
    """Append every theory's forecast and the ensemble's (per scenario) to the registry.

    Questions that have closed or resolved are skipped; naming one with ``question`` is an
    error (a forecast cannot be issued after a question's close date).
    """
    if question is not None and question not in ws.questions:
        raise _unknown("question", question, ws.questions)
    store = reg.journal_store(store_url)
    try:
        observations = reg.read_observations(store)
        weights = current_weights(ws, store_url, observations)
        resolved = reg.read_resolutions(store)
        today = _today(now)
        stamp = _iso(now)
        reg.check_issue_time(stamp)
        rows: list[reg.IssuedForecast] = []
        skipped: list[tuple[str, str]] = []
        for qid, q in ws.questions.items():
            if question is not None and qid != question:
                continue
            status = question_status(q, today, resolved=qid in resolved)
            if status in ("closed", "resolved"):
                reason = (f"question {qid!r} closed on {question_dates(q).closes.isoformat()}; "
                          f"a forecast cannot be issued after a question's close date"
                          if status == "closed" else f"question {qid!r} is already resolved")
                if question is not None:
                    raise ForecastError(reason, file=_file(ws, "question", qid), field="closes")
                skipped.append((qid, status))
                continue
            if not q.forecasts:
                skipped.append((qid, "no theory forecasts"))
                continue
            rows += _forecasts_for(ws, qid, q, weights, stamp, "issue")
        issued = reg.append_forecasts(store, rows)
    finally:
        store.dispose()
    return IssueReport(tuple(issued), tuple(skipped), weights)


# --------------------------------------------------------------------------- casus registry
@dataclass(frozen=True)
class RegistryView:
    """The forecast registry as stored, with each value shown in its question's terms."""

    forecasts: tuple[reg.IssuedForecast, ...]
    display: tuple[str, ...]  # one per forecast: a probability, the top option, mean ± sd

    def to_dict(self) -> dict[str, Any]:
        """A stable JSON document."""
        return dict(forecasts=[f.to_dict() for f in self.forecasts])

    def table(self) -> dict[str, Any]:
        """``{title, columns, rows}`` for display."""
        rows = [[str(f.id), f.question, f.forecaster, f.scenario, shown, f.issued_at]
                for f, shown in zip(self.forecasts, self.display, strict=True)]
        return dict(title=f"Forecast registry: {len(rows)} forecast(s)",
                    columns=["id", "question", "forecaster", "scenario", "probability",
                             "issued at"], rows=rows)


def _shown(ws: Workspace, f: reg.IssuedForecast) -> str:
    q = ws.questions.get(f.question)
    if isinstance(f.value, int | float) and not isinstance(f.value, bool):
        return f"{float(f.value):.2f}"
    if q is not None:
        try:
            return _display(q.type, f.value)
        except (KeyError, TypeError, ValueError, ForecastError):
            pass
    return json.dumps(f.value, separators=(",", ":"))


def registry_view(ws: Workspace, store_url: str, *, question: str | None = None) -> RegistryView:
    """The registry (of one question), oldest first; empty before anything is issued."""
    rows = reg.list_registry(store_url, question=question)
    return RegistryView(tuple(rows), tuple(_shown(ws, f) for f in rows))


# --------------------------------------------------------------------------- casus resolve
def resolve_question(ws: Workspace, store_url: str, question: str, outcome: Any, source: str,
                     *, on: str | None = None, note: str = "",
                     now: dt.datetime | None = None) -> reg.Resolution:
    """Record ``question``'s outcome with its source (once; the journal is append-only).

    Parameters
    ----------
    outcome
        ``yes``/``no`` for binary questions, an option, a number, or a date ``YYYY-MM-DD``.
    source
        A bibliography id or a citation (URL, title) that decides the question.
    on
        The resolution date ``YYYY-MM-DD`` (default: today).
    """
    if question not in ws.questions:
        raise _unknown("question", question, ws.questions)
    q = ws.questions[question]
    value = parse_outcome(q, outcome, qid=question)
    if not source or not source.strip():
        raise ForecastError("a resolution needs a --source that decides it", field="source")
    day = _today(now)
    if on is not None:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            raise ForecastError(f"resolution date must be YYYY-MM-DD, got {on!r}",
                                field="date") from None
    if day < question_dates(q).opens:
        raise ForecastError(f"resolution date {day} is before question {question!r} opened "
                            f"({q.opens})", field="date")
    if q.resolution is not None:
        raise ForecastError(f"question {question!r} is already resolved in its file "
                            f"(outcome {q.resolution.outcome!r})",
                            file=_file(ws, "question", question), field="resolution")
    store = reg.journal_store(store_url)
    try:
        earlier = reg.read_resolutions(store).get(question)
        if earlier is not None:
            raise ForecastError(
                f"question {question!r} was already resolved as {earlier.outcome!r} on "
                f"{earlier.resolved_on} (source: {earlier.source}); resolutions are never changed",
                field="outcome")
        return reg.append_resolution(store, reg.Resolution(
            question, value, day.isoformat(), source.strip(), note, _iso(now), ws.name,
            ws.content_hash))
    finally:
        store.dispose()

