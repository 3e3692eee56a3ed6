"""Cross-case analysis: calibration, QCA (truth table, minimisation, checks), robustness.

Pure maths: takes pandas/NumPy data and plain values, returns frozen dataclasses. Results agree
with R's QCA package (Dusa 2019) on the reference datasets kept in ``shared/data/qca``.
"""

import lazy_loader as _lazy

#: Submodule -> names it gives this package; each is imported on first use (PEP 562), so
#: importing one light submodule (or this package) does not import pandas or SciPy.
_EXPORTS = {
    "calibrate": [
        "calibrate",
    ],
    "evaluate": [
        "Intersection",
        "TheoryEvaluation",
        "evaluate_theories",
        "evaluate_theory",
    ],
    "qca": [
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
        "minimize",
        "necessity",
        "outcome_membership",
        "sufficiency",
        "truth_table",
    ],
    "qca_checks": [
        "NegationCheck",
        "PermutationTest",
        "SameCases",
        "SkewCheck",
        "negation_check",
        "permutation_test",
        "same_cases",
        "skew_check",
    ],
    "robustness": [
        "RobustnessReport",
        "Variant",
        "robustness",
    ],
}
__getattr__, __dir__, _ = _lazy.attach(__name__, submod_attrs=_EXPORTS)

# the public names, from the one list above
__all__ = sorted(n for names in _EXPORTS.values() for n in names if not n.startswith("_"))
