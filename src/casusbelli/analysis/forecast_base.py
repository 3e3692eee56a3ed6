"""Shared pieces of the forecast operations: names, rounding and clock helpers, theory weights,
the ensemble's display, and the journal's resolutions (see :mod:`casusbelli.analysis.forecast_ops`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from casusbelli.analysis.questions import (
    check_value,
    scenario_names,
    scenario_values,
    scoring_form,
)
from casusbelli.errors import ForecastError
from casusbelli.forecast import ensemble as ens
from casusbelli.store import registry as reg
from casusbelli.workspace.load import Workspace
from casusbelli.workspace.models import Question

__all__ = [
    "ENSEMBLE",
    "IN_SAMPLE",
    "MIN_CALIBRATION",
    "OUT_OF_SAMPLE",
    "TheoryWeights",
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


def _journal_resolutions(store_url: str) -> dict[str, reg.Resolution]:
    store = reg.existing_journal(store_url)
    if store is None:
        return {}
    try:
        return reg.read_resolutions(store)
    finally:
        store.dispose()


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
