"""Cross-case analysis: calibration, QCA (truth table, minimisation), theory evaluation, robustness.

Pure maths: takes pandas/NumPy data and plain values, returns frozen dataclasses. Results agree
with R's QCA package (Dusa 2019) on the reference datasets kept in ``shared/data/qca``.
"""

from casusbelli.cross.calibrate import calibrate
from casusbelli.cross.qca import (
    MAX_CONDITIONS,
    IntermediateCombo,
    Minimization,
    Model,
    NecessityFit,
    QCAResult,
    TermFit,
    TruthTable,
    TruthTableRow,
    analyze,
    minimize,
    necessity,
    sufficiency,
    truth_table,
)

__all__ = [
    "MAX_CONDITIONS",
    "IntermediateCombo",
    "Minimization",
    "Model",
    "NecessityFit",
    "QCAResult",
    "TermFit",
    "TruthTable",
    "TruthTableRow",
    "analyze",
    "calibrate",
    "minimize",
    "necessity",
    "sufficiency",
    "truth_table",
]
