"""Forecast operations on a workspace and its store: what ``casus forecast``, ``issue``,
``resolve``, ``score``, ``signposts`` and ``observe`` call.

Each public function takes a loaded :class:`~casusbelli.workspace.load.Workspace` and a store
URL, does one job, and returns a frozen dataclass with ``to_dict()``. The maths is in
:mod:`~casusbelli.forecast.scoring`, :mod:`~casusbelli.forecast.ensemble` and
:mod:`~casusbelli.forecast.signposts`; reading and appending the journal in
:mod:`~casusbelli.forecast.registry`.

Theory weights
    Equal weights (the output says why: the cross-case model weights score a different
    question, and no out-of-sample forecast has resolved yet); then updated by Bayes' rule with
    every recorded signpost observation, in the order recorded, using the likelihoods
    registered with the observation.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from casusbelli.errors import ForecastError
from casusbelli.forecast import ensemble as ens
from casusbelli.forecast import registry as reg
from casusbelli.forecast import rules
from casusbelli.forecast import scoring as sc
from casusbelli.forecast import signposts as sp
from casusbelli.forecast.questions import (
    BASE,
    check_value,
    parse_outcome,
    question_dates,
    question_status,
    scenario_names,
    scenario_values,
    scoring_form,
)
from casusbelli.workspace.load import Workspace
from casusbelli.workspace.models import Question, date_bounds

__all__ = [
    "ENSEMBLE",
    "IN_SAMPLE",
    "MIN_CALIBRATION",
    "MIN_PERFORMANCE_QUESTIONS",
    "OUT_OF_SAMPLE",
    "ForecastRow",
    "ForecastView",
    "IssueReport",
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

#: ``sample`` of a question about a case the theories were coded on (outcome known).
IN_SAMPLE = "in-sample"
#: ``sample`` of every other question.
OUT_OF_SAMPLE = "out-of-sample"


#: The forecaster name of the weighted ensemble in the registry.
ENSEMBLE = "ensemble"
#: Resolved binary questions needed before a calibration table is called meaningful.
MIN_CALIBRATION = 10
_STATUSES = ("observed", "not-observed")


def _round(x: float | None, nd: int = 4) -> float | None:
    return None if x is None or not math.isfinite(x) else round(x, nd)


def _today(now: dt.datetime | None) -> dt.date:
    return (now or reg.utc_now()).date()


def _iso(now: dt.datetime | None) -> str:
    t = now or reg.utc_now()
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _unknown(kind: str, name: str, known: Mapping[str, Any]) -> ForecastError:
    close = difflib.get_close_matches(name, list(known), n=3)
    if close:
        hint = f"did you mean {', '.join(close)}?"
    elif known:
        hint = f"known {kind}s: {', '.join(list(known)[:12])}"
    else:
        hint = f"the workspace has no {kind}s"
    return ForecastError(f"unknown {kind} {name!r}", field=kind, hint=hint)


def _file(ws: Workspace, kind: str, name: str) -> str | None:
    origin = ws.origins.get((kind, name))
    return origin[0] if origin else f"{kind}s/{name}.yaml"


# --------------------------------------------------------------------------- weights
@dataclass(frozen=True)
class TheoryWeights:
    """Theory weights: where they come from, and after which observations."""

    base: dict[str, float]
    current: dict[str, float]
    source: str  # "cross-case" or "equal"
    observations: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return dict(base={k: _round(v) for k, v in self.base.items()},
                    current={k: _round(v) for k, v in self.current.items()},
                    source=self.source, observations=list(self.observations),
                    warnings=list(self.warnings))


#: Why forecasts do not borrow the cross-case weights.
EQUAL_WEIGHTS_REASON = (
    "equal theory weights: the cross-case weights score whether an intervention happens, a "
    "different question from these; forecast-performance weights need resolved out-of-sample "
    "questions, which do not exist yet"
)


def check_registered(ws: Workspace, observations: list[reg.Observation]) -> None:
    """Refuse a workspace whose signpost likelihoods differ from those registered when the
    signpost was observed (likelihoods cannot be edited after an observation)."""
    for obs in observations:
        post = ws.signposts.get(obs.signpost)
        if post is None:
            continue  # a removed signpost keeps its registered likelihoods in the journal
        now = dict(post.likelihoods)
        for t in sorted(set(now) | set(obs.likelihoods)):
            a, b = obs.likelihoods.get(t), now.get(t)
            if a is None or b is None or abs(a - b) > 1e-12:
                raise ForecastError(
                    f"likelihood for theory {t!r} is {b!r} but {a!r} was registered when the "
                    f"signpost was observed on {obs.observed_on}; likelihoods cannot change "
                    "after an observation",
                    file=_file(ws, "signpost", obs.signpost), field=f"likelihoods.{t}",
                    hint="restore the registered value, or write a new signpost",
                )



#: Resolved out-of-sample questions (scored for every theory) before the forecast ensemble
#: takes performance weights instead of equal ones.
MIN_PERFORMANCE_QUESTIONS = 20
#: lambda of the performance weights, per question (Brier scores lie in [0, 1]).
PERFORMANCE_LEARNING_RATE = 1.0
#: Share of the uniform weight mixed into the performance weights.
PERFORMANCE_FLOOR = 0.05


def _out_of_sample_briers(ws: Workspace, store_url: str,
                          theories: list[str]) -> tuple[dict[str, float], int]:
    """Each theory's mean Brier score over the resolved out-of-sample questions on which every
    theory has one, and how many such questions there are."""
    report = score_forecasts(ws, store_url, differences=False)
    per: dict[str, dict[str, float]] = {}
    for s in report.scores:
        if s.sample == OUT_OF_SAMPLE and s.brier is not None and s.forecaster in theories:
            per.setdefault(s.question, {})[s.forecaster] = s.brier
    full = [v for v in per.values() if set(v) == set(theories)]
    if not full:
        return {}, 0
    return {t: sum(v[t] for v in full) / len(full) for t in theories}, len(full)


def current_weights(ws: Workspace, store_url: str,
                    observations: list[reg.Observation] | None = None) -> TheoryWeights:
    """Base weights (cross-case, else equal) updated by every recorded signpost observation."""
    if observations is None:
        store = reg.existing_journal(store_url)
        observations = reg.read_observations(store) if store else []
        if store:
            store.dispose()
    check_registered(ws, observations)
    theories = list(ws.theory_ids)
    base = ens.equal_weights(theories)
    source = "equal"
    warnings = [EQUAL_WEIGHTS_REASON]
    briers, n = _out_of_sample_briers(ws, store_url, theories)
    if n >= MIN_PERFORMANCE_QUESTIONS:
        base = ens.performance_weights(briers, n, learning_rate=PERFORMANCE_LEARNING_RATE,
                                       floor=PERFORMANCE_FLOOR)
        source = "performance"
        warnings = [f"theory weights from forecast performance: exp(-{PERFORMANCE_LEARNING_RATE:g}"
                    f" x {n} x mean Brier) on {n} resolved out-of-sample questions, mixed "
                    f"{PERFORMANCE_FLOOR:g} with equal weights"]
    elif n:
        warnings.append(f"{n} of the {MIN_PERFORMANCE_QUESTIONS} resolved out-of-sample "
                        "questions needed for performance weights")
    w = dict(base)
    seen = []
    for obs in observations:
        w = sp.update_weights(w, obs.likelihoods, obs.status).after  # type: ignore[arg-type]
        seen.append(obs.signpost)
    return TheoryWeights(base, w, source, tuple(seen), tuple(warnings))


# --------------------------------------------------------------------------- display helpers
def _display(kind: str, value: Any) -> str:
    if kind == "binary":
        return f"{float(value):.2f}"
    if kind == "multiple_choice":  # the most likely option (the JSON has them all)
        top = max(value, key=lambda k: float(value[k]))
        return f"{top} {float(value[top]):.2f}"
    if "mixture" in value:
        mean, sd = ens.mixture_moments(value["mixture"])
    else:
        mean, sd = float(value["mean"]), float(value["sd"])
    if kind == "date":
        return f"{dt.date.fromordinal(round(mean)).isoformat()} ± {sd:.0f}d"
    return f"{mean:.3g} ± {sd:.2g}"


def _pooled(q: Question, values: dict[str, Any], weights: Mapping[str, float]) -> ens.Ensemble:
    kind, _, _ = scoring_form(q, next(iter(values.values())))
    conv = {t: scoring_form(q, v)[1] for t, v in values.items()}
    return ens.ensemble(kind, conv, weights)


def _ensemble_value(q: Question, pooled: ens.Ensemble) -> Any:
    """The pooled value in the question's own terms (dates back as day numbers in a mixture)."""
    v = pooled.value
    if q.type == "binary":
        return round(float(v), 6)
    if q.type == "multiple_choice":
        return {k: round(float(p), 6) for k, p in v.items()}
    return {"mixture": [{k: round(float(x), 6) for k, x in c.items()} for c in v["mixture"]]}


def _spread_text(pooled: ens.Ensemble) -> str:
    widest = max(pooled.spread.values(), key=lambda s: s.range)
    return f"{widest.low:.2f}–{widest.high:.2f}" if "mean" not in pooled.spread else \
        f"{widest.low:.3g}–{widest.high:.3g}"


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
            out[t] = dict(basis="rule", rule=rules.rule_inputs(f.rule,
                                                                rules.apply_rule(f.rule, ws.cases)))
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
    """
    if question is not None and question not in ws.questions:
        raise _unknown("question", question, ws.questions)
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


def _journal_resolutions(store_url: str) -> dict[str, reg.Resolution]:
    store = reg.existing_journal(store_url)
    if store is None:
        return {}
    try:
        return reg.read_resolutions(store)
    finally:
        store.dispose()


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


def _forecasts_for(ws: Workspace, qid: str, q: Question, weights: TheoryWeights, issued_at: str,
                   source: str, theories: bool = True) -> list[reg.IssuedForecast]:
    out = []
    for name in scenario_names(q):
        sv = scenario_values(q, name, qid=qid)
        values = {t: check_value(q, v, f"forecasts.{t}") for t, v in sv.values.items()}
        if theories:
            for t, v in values.items():
                if t in sv.assumed:
                    continue  # only conditional forecasts a theory states are registered
                out.append(reg.IssuedForecast(qid, t, name, v, issued_at, ws.name,
                                              ws.content_hash, source))
        pooled = _pooled(q, values, weights.current)
        out.append(reg.IssuedForecast(
            qid, ENSEMBLE, name, _ensemble_value(q, pooled), issued_at, ws.name,
            ws.content_hash, source, {k: round(v, 6) for k, v in pooled.weights.items()}))
    return out


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


# --------------------------------------------------------------------------- casus score
@dataclass(frozen=True)
class QuestionScore:
    """One forecaster's time-averaged scores on one resolved question."""

    question: str
    forecaster: str
    retrospective: bool
    brier: float | None
    log: float | None
    crps: float | None
    final: Any  # the forecast standing at close
    n_forecasts: int
    source: str  # "registry" or "workspace"
    sample: str = OUT_OF_SAMPLE  # IN_SAMPLE or OUT_OF_SAMPLE (see question_sample)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return dict(question=self.question, forecaster=self.forecaster,
                    retrospective=self.retrospective, sample=self.sample,
                    brier=_round(self.brier),
                    log=_round(self.log), crps=_round(self.crps), final=self.final,
                    n_forecasts=self.n_forecasts, source=self.source)


@dataclass(frozen=True)
class ScoreReport:
    """Scores per question and forecaster, their means per forecaster (backtest and live
    separately), and calibration tables of the binary questions."""

    scores: tuple[QuestionScore, ...]
    summary: tuple[dict[str, Any], ...]
    calibration: dict[str, list[dict[str, Any]]]
    resolved: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    samples: dict[str, dict[str, str]] = field(default_factory=dict)
    differences: tuple[dict[str, Any], ...] = ()
    bootstrap: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A stable JSON document."""
        return dict(resolved=list(self.resolved), samples=self.samples,
                    summary=list(self.summary), differences=list(self.differences),
                    bootstrap=self.bootstrap,
                    scores=[s.to_dict() for s in self.scores], calibration=self.calibration,
                    min_calibration=MIN_CALIBRATION, warnings=list(self.warnings))

    def table(self) -> dict[str, Any]:
        """``{title, columns, rows}``: mean scores per forecaster, group and sample."""
        rows = [[s["group"], s["sample"], s["forecaster"], s["n"], s["brier"], s["log"],
                 s["crps"]] for s in self.summary]
        return dict(title="Scores on resolved questions (time-averaged over each question's open "
                    "period; lower is better; in-sample questions are about cases the theories "
                    "were coded on, with the outcome known)",
                    columns=["group", "sample", "forecaster", "questions", "Brier", "log",
                             "CRPS"],
                    rows=rows)

    def differences_table(self) -> dict[str, Any]:
        """``{title, columns, rows}``: paired score differences with bootstrap intervals."""
        pct = round(100 * self.bootstrap.get("level", 0.95))
        rows = [[d["sample"], d["rule"], f"{d['a']} - {d['b']}", d["n"], d["mean"],
                 f"[{d['low']:+.3f}, {d['high']:+.3f}]"] for d in self.differences]
        return dict(title=f"Score differences (a - b; negative: a scores better), {pct} % "
                    "paired bootstrap intervals over questions",
                    columns=["sample", "rule", "a - b", "questions", "mean", "interval"],
                    rows=rows)


def _days(iso: str) -> float:
    t = dt.datetime.fromisoformat(iso)
    midnight = dt.datetime.combine(t.date(), dt.time(), tzinfo=t.tzinfo)
    return t.toordinal() + (t - midnight).total_seconds() / 86400.0


def _outcomes(ws: Workspace, store_url: str) -> dict[str, tuple[Any, dt.date]]:
    out: dict[str, tuple[Any, dt.date]] = {}
    for qid, res in _journal_resolutions(store_url).items():
        if qid in ws.questions:
            out[qid] = (res.outcome, dt.date.fromisoformat(res.resolved_on))
    for qid, q in ws.questions.items():
        if q.resolution is not None:
            out[qid] = (parse_outcome(q, q.resolution.outcome, qid=qid),
                        date_bounds(q.resolution.date)[1])
    return out


def _score_one(q: Question, value: Any, outcome: Any) -> sc.Scores:
    kind, v, o = scoring_form(q, value, outcome)
    return sc.score_value(kind, v, o, options=q.options)


def _ignorance(q: Question, outcome: Any) -> sc.Scores:
    kind, _, o = scoring_form(q, {"mean": outcome, "sd": 1.0} if q.type == "date" else None,
                              outcome)
    bounds = tuple(q.range) if q.range and len(q.range) == 2 else None
    return sc.uniform_scores(kind, o, n_options=len(q.options or []) or 2,
                             bounds=bounds)  # type: ignore[arg-type]


def _names_case(text: str, case_id: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_-]){re.escape(case_id)}(?![A-Za-z0-9_-])", text) \
        is not None


def question_sample(ws: Workspace, q: Question) -> tuple[str, str]:
    """``(sample, reason)``: computed, never typed.

    A question is in-sample when any of its forecasts' rules reads a case's codings, or when it
    is retrospective and names (in its title, criteria or background) a case id of the
    workspace: its outcome was known when the cases were coded. Otherwise out-of-sample.
    """
    read = sorted({f.rule.case for f in q.forecasts.values()
                   if f.rule is not None and f.rule.kind == "linear" and f.rule.case})
    if read:
        return IN_SAMPLE, f"forecast rules read the codings of case(s) {', '.join(read)}"
    if q.retrospective:
        text = " ".join((q.title, q.criteria, q.background))
        named = [c for c in ws.cases if _names_case(text, c)]
        if named:
            return IN_SAMPLE, f"retrospective and names case(s) {', '.join(named)}"
    return OUT_OF_SAMPLE, "no rule reads codings and it names no case of the workspace" \
        if q.retrospective else "a live question whose forecasts read no case codings"


#: Bootstrap replicates and seed of ``casus score``'s intervals for score differences.
N_BOOT = 2000
BOOT_SEED = 20261202


def score_forecasts(ws: Workspace, store_url: str, *, seed: int = BOOT_SEED,
                    n_boot: int = N_BOOT, differences: bool = True) -> ScoreReport:
    """Score every theory and the ensemble on every resolved question.

    Each forecaster's standing forecast (the registry's, base scenario) is scored over the
    question's open period, from ``opens`` to the earlier of ``closes`` and the resolution date,
    and time-averaged (:func:`~casusbelli.forecast.scoring.time_average`); before its first
    forecast a forecaster is scored as the ignorance forecast. A forecaster with no registry
    row for a question is scored on the workspace's forecast as if issued when the question
    opened (``source="workspace"``): that is how the retrospective backtest questions are
    scored, and their ensemble uses equal weights, since cross-case weights are fitted on the
    same cases and would carry the outcome into the backtest.
    """
    outcomes = _outcomes(ws, store_url)
    store = reg.existing_journal(store_url)
    try:
        registry = reg.read_forecasts(store) if store else []
    finally:
        if store:
            store.dispose()
    by_key: dict[tuple[str, str], list[reg.IssuedForecast]] = {}
    for f in registry:
        if f.scenario == BASE:
            by_key.setdefault((f.question, f.forecaster), []).append(f)
    scores: list[QuestionScore] = []
    samples: dict[str, str] = {}
    reasons: dict[str, dict[str, str]] = {}
    for qid, (outcome, resolved_on) in outcomes.items():
        q = ws.questions[qid]
        samples[qid], why = question_sample(ws, q)
        reasons[qid] = dict(sample=samples[qid], reason=why)
        d = question_dates(q)
        start = float(d.opens.toordinal())
        end = float(min(d.closes, resolved_on).toordinal() + 1)
        end = max(end, start)
        forecasters = [t for t in ws.theory_ids if t in q.forecasts] + [ENSEMBLE]
        if len(forecasters) == 1:
            continue
        before = _ignorance(q, outcome)
        for who in forecasters:
            rows = [f for f in by_key.get((qid, who), []) if _days(f.issued_at) < end]
            if rows:
                times = [_days(f.issued_at) for f in rows]
                values = [f.value for f in rows]
                source = "registry"
            else:
                if who == ENSEMBLE:
                    sv = scenario_values(q, BASE, qid=qid).values
                    vals = {t: check_value(q, v, f"forecasts.{t}") for t, v in sv.items()}
                    value = _ensemble_value(q, _pooled(q, vals, ens.equal_weights(list(vals))))
                else:
                    value = check_value(q, q.forecasts[who].value, f"forecasts.{who}")
                times, values, source = [start], [value], "workspace"
            each = [_score_one(q, v, outcome) for v in values]
            avg: dict[str, float | None] = {}
            for rule in ("brier", "log", "crps"):
                pts = [getattr(s, rule) for s in each]
                if any(p is None for p in pts):
                    avg[rule] = None
                    continue
                fill = getattr(before, rule)
                avg[rule] = sc.time_average(times, pts, start, end, before=fill)
            scores.append(QuestionScore(qid, who, q.retrospective, avg["brier"], avg["log"],
                                        avg["crps"], values[-1], len(values), source,
                                        samples[qid]))
    summary = _summary(scores)
    calibration = _calibration(ws, scores, outcomes)
    warnings = []
    n_bin = sum(1 for qid in outcomes if ws.questions[qid].type == "binary")
    if n_bin < MIN_CALIBRATION:
        warnings.append(f"only {n_bin} resolved binary questions: calibration needs at least "
                        f"{MIN_CALIBRATION} to say much")
    if outcomes and OUT_OF_SAMPLE not in samples.values():
        warnings.append("no out-of-sample question has resolved: every score here is in-sample "
                        "(questions about cases the theories were coded on, outcome known)")
    rng = np.random.default_rng(seed)
    diffs = _differences(scores, rng, n_boot) if differences else []
    return ScoreReport(tuple(scores), tuple(summary), calibration, tuple(outcomes), tuple(warnings),
                       reasons, tuple(diffs),
                       dict(seed=seed, n_boot=n_boot, level=0.95, method="paired percentile "
                            "bootstrap over questions (Efron & Tibshirani 1993)"))


def _differences(scores: list[QuestionScore], rng: np.random.Generator,
                 n_boot: int) -> list[dict[str, Any]]:
    """Per sample and rule (Brier, log), every pair of forecasters on their shared questions."""
    out = []
    for sample in (IN_SAMPLE, OUT_OF_SAMPLE):
        mine = [s for s in scores if s.sample == sample]
        who = list(dict.fromkeys(s.forecaster for s in mine))
        for rule in ("brier", "log"):
            table = {(s.forecaster, s.question): getattr(s, rule) for s in mine
                     if getattr(s, rule) is not None}
            for i, a in enumerate(who):
                for b in who[i + 1:]:
                    qs = sorted({q for (f, q) in table if f == a} & {q for (f, q) in table
                                                                      if f == b})
                    if not qs:
                        continue
                    d = sc.paired_bootstrap([table[a, q] for q in qs], [table[b, q] for q in qs],
                                            rng, n_boot=n_boot)
                    out.append(dict(sample=sample, rule=rule, a=a, b=b, n=d.n,
                                    mean=_round(d.mean), low=_round(d.low),
                                    high=_round(d.high)))
    return out


def _summary(scores: list[QuestionScore]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str, str], list[QuestionScore]] = {}
    for s in scores:
        key = ("backtest" if s.retrospective else "live", s.sample, s.forecaster)
        groups.setdefault(key, []).append(s)
    out = []
    order = {"backtest": 0, "live": 1, IN_SAMPLE: 0, OUT_OF_SAMPLE: 1}
    for (group, sample, who), ss in sorted(groups.items(),
                                           key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        def mean(rule: str, ss: list[QuestionScore] = ss) -> float | None:
            xs = [getattr(s, rule) for s in ss if getattr(s, rule) is not None]
            return _round(sum(xs) / len(xs)) if xs else None

        out.append(dict(group=group, sample=sample, forecaster=who, n=len(ss),
                        brier=mean("brier"),
                        log=mean("log"), crps=mean("crps")))
    return out


def _calibration(ws: Workspace, scores: list[QuestionScore],
                 outcomes: dict[str, tuple[Any, dt.date]]) -> dict[str, list[dict[str, Any]]]:
    per: dict[str, tuple[list[float], list[float]]] = {}
    for s in scores:
        if ws.questions[s.question].type != "binary":
            continue
        ps, os_ = per.setdefault(s.forecaster, ([], []))
        ps.append(float(s.final))
        os_.append(1.0 if outcomes[s.question][0] else 0.0)
    out = {}
    for who, (ps, os_) in per.items():
        table = sc.calibration_table(ps, os_, bins=5)
        out[who] = [dict(lower=b.lower, upper=b.upper, n=b.n,
                         mean_forecast=_round(b.mean_forecast),
                         observed_rate=_round(b.observed_rate)) for b in table.bins]
    return out


# --------------------------------------------------------------------------- signposts
@dataclass(frozen=True)
class SignpostRank:
    """A signpost and what watching it is worth for each question it bears on."""

    signpost: str
    title: str
    value: float  # the largest expected absolute change over its questions
    p_observed: float
    questions: tuple[dict[str, Any], ...]
    observed: str | None = None  # the status, when already recorded

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return dict(signpost=self.signpost, title=self.title, value=_round(self.value),
                    p_observed=_round(self.p_observed), questions=list(self.questions),
                    observed=self.observed)

    def line(self) -> str:
        """A 'watch for ...' line."""
        if not self.questions:
            return f"watch for {self.title} ({self.signpost}): bears on no open question"
        top = self.questions[0]
        what = top["question"] + (f" ({top['option']})" if top.get("option") else "")
        return (f"watch for {self.title} ({self.signpost}): P(observed) {self.p_observed:.2f}; "
                f"moves {what} by {top['expected_change']:.3f} on average "
                f"({top['now']:.2f} → {top['if_observed']:.2f} if observed, "
                f"{top['if_not_observed']:.2f} if not)")


def _vector(q: Question, value: Any) -> tuple[list[float], str]:
    kind, v, _ = scoring_form(q, value)
    if kind == "binary":
        return [float(v), 1.0 - float(v)], "tv"
    if kind == "multiple_choice":
        return [float(v.get(o, 0.0)) for o in (q.options or [])], "tv"
    mean = float(ens.point(kind, v))  # type: ignore[arg-type]
    if q.type == "date":
        return [mean / 365.25], "abs"  # in years
    width = (q.range[1] - q.range[0]) if q.range else 1.0
    return [mean / width], "abs"


def _voi_dict(q: Question, v: sp.SignpostValue) -> dict[str, Any]:
    """One question's line: P(yes) (binary), the option that moves most (multiple choice),
    or the mean in range widths / years (numeric / date)."""
    k = 0
    option = None
    if q.type == "multiple_choice" and q.options:
        k = max(range(len(v.now)), key=lambda i: abs(v.if_observed[i] - v.now[i]))
        option = q.options[k]
    return dict(question=v.question, option=option, now=_round(v.now[k]),
                if_observed=_round(v.if_observed[k]), if_not_observed=_round(v.if_not_observed[k]),
                expected_change=_round(v.expected_change))


def rank_signposts(ws: Workspace, store_url: str, *, question: str | None = None,
                   now: dt.datetime | None = None) -> list[SignpostRank]:
    """Rank unobserved signposts by the expected absolute change of the ensemble forecast
    (base scenario) of the open questions each bears on; observed ones come last."""
    if question is not None and question not in ws.questions:
        raise _unknown("question", question, ws.questions)
    store = reg.existing_journal(store_url)
    try:
        observations = reg.read_observations(store) if store else []
    finally:
        if store:
            store.dispose()
    weights = current_weights(ws, store_url, observations)
    seen = {o.signpost: o.status for o in observations}
    resolved = _journal_resolutions(store_url)
    today = _today(now)
    ranked: list[tuple[str, list[sp.SignpostValue]]] = []
    for sid, post in ws.signposts.items():
        qids = list(post.questions) or list(ws.questions)
        if question is not None:
            if question not in qids:
                continue
            qids = [question]
        values = []
        for qid in qids:
            q = ws.questions[qid]
            if question is None and question_status(q, today, resolved=qid in resolved) in (
                    "closed", "resolved"):
                continue
            if not q.forecasts:
                continue
            sv = scenario_values(q, BASE, qid=qid).values
            vecs = {}
            norm = "tv"
            for t, v in sv.items():
                vecs[t], norm = _vector(q, check_value(q, v, f"forecasts.{t}"))
            w = {t: weights.current[t] for t in vecs if t in weights.current}
            lik = {t: post.likelihoods[t] for t in w}
            values.append(sp.value_of_information(qid, w, lik, vecs, norm=norm))  # type: ignore[arg-type]
        ranked.append((sid, values))
    out_new: list[SignpostRank] = []
    out_seen: list[SignpostRank] = []
    p_obs_all = {sid: sp.update_weights(weights.current, {t: ws.signposts[sid].likelihoods[t]
                                                          for t in weights.current},
                                        "observed").p_observed
                 for sid in ws.signposts}
    for sid, top, per_q in sp.rank_signposts(ranked):
        qs = tuple(_voi_dict(ws.questions[v.question], v) for v in per_q)
        item = SignpostRank(sid, ws.signposts[sid].title, top, p_obs_all[sid], qs, seen.get(sid))
        (out_seen if sid in seen else out_new).append(item)
    return out_new + out_seen


# --------------------------------------------------------------------------- casus observe
@dataclass(frozen=True)
class ObserveReport:
    """An observation, the weight update it caused, and the ensemble shift per open question."""

    observation: reg.Observation
    shifts: tuple[dict[str, Any], ...]
    issued: tuple[reg.IssuedForecast, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return dict(observation=self.observation.to_dict(), shifts=list(self.shifts),
                    issued=len(self.issued))


def observe_signpost(ws: Workspace, store_url: str, signpost: str, status: str, source: str,
                     *, on: str | None = None, note: str = "",
                     now: dt.datetime | None = None) -> ObserveReport:
    """Record a signpost as observed or not observed, update the theory weights by Bayes'
    rule from its registered likelihoods, and issue new ensemble forecasts for every open
    question, in one transaction."""
    if signpost not in ws.signposts:
        raise _unknown("signpost", signpost, ws.signposts)
    if status not in _STATUSES:
        raise ForecastError(f"status must be observed or not-observed, got {status!r}",
                            field="status")
    if not source or not source.strip():
        raise ForecastError("an observation needs a --source", field="source")
    day = _today(now)
    if on is not None:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            raise ForecastError(f"observation date must be YYYY-MM-DD, got {on!r}",
                                field="date") from None
    post = ws.signposts[signpost]
    store = reg.journal_store(store_url)
    try:
        observations = reg.read_observations(store)
        for o in observations:
            if o.signpost == signpost:
                raise ForecastError(
                    f"signpost {signpost!r} was already recorded as {o.status} on "
                    f"{o.observed_on}; a signpost is observed once (write a new signpost "
                    "with its own likelihoods for a later event)", field="signpost")
        before = current_weights(ws, store_url, observations)
        lik = {t: float(post.likelihoods[t]) for t in ws.theory_ids}
        update = sp.update_weights(before.current, lik, status)  # type: ignore[arg-type]
        after = TheoryWeights(before.base, update.after, before.source,
                              before.observations + (signpost,), before.warnings)
        resolved = reg.read_resolutions(store)
        stamp = _iso(now)
        today = _today(now)
        rows: list[reg.IssuedForecast] = []
        shifts: list[dict[str, Any]] = []
        for qid, q in ws.questions.items():
            if not q.forecasts or question_status(q, today, resolved=qid in resolved) in (
                    "closed", "resolved"):
                continue
            rows += _forecasts_for(ws, qid, q, after, stamp, f"observe:{signpost}",
                                   theories=False)
            sv = scenario_values(q, BASE, qid=qid).values
            vals = {t: check_value(q, v, f"forecasts.{t}") for t, v in sv.items()}
            b = _vector(q, _ensemble_value(q, _pooled(q, vals, before.current)))[0][0] \
                if q.type != "date" else None
            a = _vector(q, _ensemble_value(q, _pooled(q, vals, after.current)))[0][0] \
                if q.type != "date" else None
            shifts.append(dict(question=qid, before=_round(b), after=_round(a),
                               change=_round(None if a is None or b is None else a - b)))
        shifts.sort(key=lambda s: -abs(s["change"] or 0.0))
        obs = reg.Observation(signpost, status, day.isoformat(), source.strip(), note, lik,
                              {k: round(v, 6) for k, v in update.before.items()},
                              {k: round(v, 6) for k, v in update.after.items()},
                              stamp, ws.name, ws.content_hash)
        recorded, issued = reg.append_observation(store, obs, rows)
    finally:
        store.dispose()
    return ObserveReport(recorded, tuple(shifts), tuple(issued))

