"""Moved to :mod:`casusbelli.analysis.cross` (the orchestration layer); re-exported here."""

from casusbelli.analysis.cross import (
    MIN_CODED_SHARE,
    QCA_SETTINGS,
    CasePoint,
    CrossSection,
    PathFit,
    QcaResult,
    QcaSolution,
    QcaTerm,
    cross_section,
    evaluate_workspace,
    path_indicators,
    theory_frame,
)

__all__ = ["MIN_CODED_SHARE", "QCA_SETTINGS", "CasePoint", "CrossSection", "PathFit",
           "QcaResult", "QcaSolution", "QcaTerm", "cross_section", "evaluate_workspace",
           "path_indicators", "theory_frame"]
