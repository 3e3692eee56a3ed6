"""Moved to :mod:`casusbelli.analysis.within` (the orchestration layer); re-exported here."""

from casusbelli.analysis.within import (
    AchScore,
    WithinCase,
    WithinSection,
    case_ach,
    case_trace,
    evidence_matrix,
    matrix_trace,
    within_case,
    within_section,
)

__all__ = ["AchScore", "WithinCase", "WithinSection", "case_ach", "case_trace",
           "evidence_matrix", "matrix_trace", "within_case", "within_section"]
