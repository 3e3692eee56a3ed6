"""Scoring the registry: what ``casus score`` calls (Brier, log and CRPS per theory and for
the ensemble, paired bootstrap differences, calibration).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from casusbelli.analysis.forecast_base import (
    ENSEMBLE,
    IN_SAMPLE,
    MIN_CALIBRATION,
    OUT_OF_SAMPLE,
    _ensemble_value,
    _journal_resolutions,
    _pooled,
    _round,
)
from casusbelli.analysis.questions import (
    BASE,
    check_value,
    parse_outcome,
    question_dates,
    scenario_values,
    scoring_form,
)
from casusbelli.forecast import ensemble as ens
from casusbelli.forecast import scoring as sc
from casusbelli.store import registry as reg
from casusbelli.workspace.load import Workspace
from casusbelli.workspace.models import Question, date_bounds

__all__ = [
    "QuestionScore",
    "ScoreReport",
    "question_sample",
    "score_forecasts",
]


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


def _standing_forecasts(store_url: str) -> dict[tuple[str, str], list[reg.IssuedForecast]]:
    """The registry's base-scenario forecasts per (question, forecaster), oldest first."""
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
    return by_key


def _score_forecaster(q: Question, qid: str, who: str, outcome: Any,
                      issued: list[reg.IssuedForecast], start: float, end: float,
                      sample: str) -> QuestionScore:
    """One forecaster's time-averaged scores on one resolved question (see
    :func:`score_forecasts`)."""
    before = _ignorance(q, outcome)
    rows = [f for f in issued if _days(f.issued_at) < end]
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
    return QuestionScore(qid, who, q.retrospective, avg["brier"], avg["log"], avg["crps"],
                         values[-1], len(values), source, sample)


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
    by_key = _standing_forecasts(store_url)
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
        for who in forecasters:
            scores.append(_score_forecaster(q, qid, who, outcome, by_key.get((qid, who), []),
                                            start, end, samples[qid]))
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
