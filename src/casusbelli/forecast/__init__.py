"""Forecast maths: the weighted ensemble, scoring rules (Brier, log, CRPS, calibration),
signposts with pre-registered likelihoods, and rule-based forecasts.

The modules here are pure (plain values in, named tuples and floats out). Reading a workspace's
questions, the journal (:mod:`casusbelli.store.registry`) and running the ``casus forecast /
issue / resolve / score / signposts / observe`` operations is orchestration, in
:mod:`casusbelli.analysis.forecast_ops`.
"""

from casusbelli.forecast.ensemble import Ensemble, Spread, equal_weights
from casusbelli.forecast.scoring import (
    brier_score,
    calibration_table,
    crps_normal,
    log_score,
    time_average,
)
from casusbelli.forecast.signposts import update_weights, value_of_information

__all__ = [
    "Ensemble",
    "Spread",
    "brier_score",
    "calibration_table",
    "crps_normal",
    "equal_weights",
    "log_score",
    "time_average",
    "update_weights",
    "value_of_information",
]
