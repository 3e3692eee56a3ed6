"""Forecasts: questions, each theory's (conditional) forecasts, the weighted ensemble, the
append-only registry, resolution and scoring, and signposts with pre-registered likelihoods.

The maths modules (:mod:`~casusbelli.forecast.scoring`, :mod:`~casusbelli.forecast.ensemble`,
:mod:`~casusbelli.forecast.signposts`) are pure; :mod:`~casusbelli.forecast.registry` reads and
appends the store's journal; :mod:`~casusbelli.forecast.service` holds the operations the
``casus forecast / issue / resolve / score / signposts / observe`` commands call.
"""

from casusbelli.forecast.ensemble import Ensemble, Spread, equal_weights
from casusbelli.forecast.scoring import (
    brier_score,
    calibration_table,
    crps_normal,
    log_score,
    time_average,
)
from casusbelli.forecast.service import (
    ENSEMBLE,
    ForecastView,
    IssueReport,
    ObserveReport,
    ScoreReport,
    SignpostRank,
    TheoryWeights,
    current_weights,
    forecast_view,
    issue_forecasts,
    observe_signpost,
    rank_signposts,
    resolve_question,
    score_forecasts,
)
from casusbelli.forecast.signposts import update_weights, value_of_information

__all__ = [
    "ENSEMBLE",
    "Ensemble",
    "ForecastView",
    "IssueReport",
    "ObserveReport",
    "ScoreReport",
    "SignpostRank",
    "Spread",
    "TheoryWeights",
    "brier_score",
    "calibration_table",
    "crps_normal",
    "current_weights",
    "equal_weights",
    "forecast_view",
    "issue_forecasts",
    "log_score",
    "observe_signpost",
    "rank_signposts",
    "resolve_question",
    "score_forecasts",
    "time_average",
    "update_weights",
    "value_of_information",
]
