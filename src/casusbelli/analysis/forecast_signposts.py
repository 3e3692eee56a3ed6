"""Signposts on a workspace and its journal: what ``casus signposts`` and ``casus observe``
call (value of information per signpost; recording an observation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from casusbelli.analysis.forecast_base import (
    _STATUSES,
    TheoryWeights,
    _ensemble_value,
    _forecasts_for,
    _iso,
    _journal_resolutions,
    _pooled,
    _round,
    _today,
    _unknown,
)
from casusbelli.analysis.forecast_weights import current_weights
from casusbelli.analysis.questions import (
    BASE,
    check_value,
    question_status,
    scenario_values,
    scoring_form,
)
from casusbelli.errors import ForecastError
from casusbelli.forecast import ensemble as ens
from casusbelli.forecast import signposts as sp
from casusbelli.store import registry as reg
from casusbelli.workspace.load import Workspace
from casusbelli.workspace.models import Question

__all__ = [
    "ObserveReport",
    "SignpostRank",
    "observe_signpost",
    "rank_signposts",
]


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
                   now: dt.datetime | None = None,
                   weights: TheoryWeights | None = None) -> list[SignpostRank]:
    """Rank unobserved signposts by the expected absolute change of the ensemble forecast
    (base scenario) of the open questions each bears on; observed ones come last.
    ``weights`` are :func:`current_weights` when the caller has them."""
    if question is not None and question not in ws.questions:
        raise _unknown("question", question, ws.questions)
    store = reg.existing_journal(store_url)
    try:
        observations = reg.read_observations(store) if store else []
    finally:
        if store:
            store.dispose()
    if weights is None:
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
