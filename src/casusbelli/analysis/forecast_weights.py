"""Theory weights for the forecast ensemble: equal, or from forecast performance once enough
out-of-sample questions resolve, then updated by every recorded signpost observation.
"""

from __future__ import annotations

from casusbelli.analysis.forecast_base import (
    EQUAL_WEIGHTS_REASON,
    OUT_OF_SAMPLE,
    TheoryWeights,
    check_registered,
)
from casusbelli.analysis.forecast_scores import ScoreReport, score_forecasts
from casusbelli.forecast import ensemble as ens
from casusbelli.forecast import signposts as sp
from casusbelli.store import registry as reg
from casusbelli.workspace.load import Workspace

__all__ = [
    "MIN_PERFORMANCE_QUESTIONS",
    "current_weights",
]


#: Resolved out-of-sample questions (scored for every theory) before the forecast ensemble
#: takes performance weights instead of equal ones.
MIN_PERFORMANCE_QUESTIONS = 20
#: lambda of the performance weights, per question (Brier scores lie in [0, 1]).
PERFORMANCE_LEARNING_RATE = 1.0
#: Share of the uniform weight mixed into the performance weights.
PERFORMANCE_FLOOR = 0.05


def _out_of_sample_briers(ws: Workspace, store_url: str, theories: list[str],
                          report: ScoreReport | None = None) -> tuple[dict[str, float], int]:
    """Each theory's mean Brier score over the resolved out-of-sample questions on which every
    theory has one, and how many such questions there are (from ``report`` when the caller
    has scored the journal already)."""
    if report is None:
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
                    observations: list[reg.Observation] | None = None, *,
                    scores: ScoreReport | None = None) -> TheoryWeights:
    """Base weights (equal, or from forecast performance) updated by every recorded signpost
    observation. ``scores`` is :func:`~casusbelli.analysis.forecast_scores.score_forecasts`
    of the same journal when the caller has it (the journal is then not scored again)."""
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
    briers, n = _out_of_sample_briers(ws, store_url, theories, scores)
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
