"""Cross-case analysis: calibration, QCA (truth table, minimisation, checks), robustness.

Pure maths: takes pandas/NumPy data and plain values, returns frozen dataclasses. Results agree
with R's QCA package (Dusa 2019) on the reference datasets kept in ``shared/data/qca``.
"""

from casusbelli.cross.calibrate import calibrate
from casusbelli.cross.evaluate import (
    Intersection,
    TheoryEvaluation,
    evaluate_theories,
    evaluate_theory,
)
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
    outcome_membership,
    sufficiency,
    truth_table,
)
from casusbelli.cross.qca_checks import (
    NegationCheck,
    PermutationTest,
    SameCases,
    SkewCheck,
    negation_check,
    permutation_test,
    same_cases,
    skew_check,
)
from casusbelli.cross.robustness import RobustnessReport, Variant, robustness

__all__ = [
    "MAX_CONDITIONS",
    "IntermediateCombo",
    "Intersection",
    "Minimization",
    "Model",
    "NecessityFit",
    "NegationCheck",
    "PermutationTest",
    "QCAResult",
    "RobustnessReport",
    "SameCases",
    "SkewCheck",
    "TermFit",
    "TheoryEvaluation",
    "TruthTable",
    "TruthTableRow",
    "Variant",
    "analyze",
    "calibrate",
    "evaluate_theories",
    "evaluate_theory",
    "minimize",
    "necessity",
    "negation_check",
    "outcome_membership",
    "permutation_test",
    "robustness",
    "same_cases",
    "skew_check",
    "sufficiency",
    "truth_table",
]
