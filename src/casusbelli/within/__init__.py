"""Within-case analysis: Analysis of Competing Hypotheses and Bayesian process tracing.

The engines (:mod:`~casusbelli.within.ach`, :mod:`~casusbelli.within.bayes`) are pure: they take
NumPy arrays or an :class:`AchMatrix` and return frozen dataclasses. Reading an analyst's own
matrix file is I/O: :func:`casusbelli.analysis.matrix.load_matrix`.
"""

import lazy_loader as _lazy

#: Submodule -> names it gives this package; each is imported on first use (PEP 562), so
#: importing one light submodule (or this package) does not import pandas or SciPy.
_EXPORTS = {
    "ach": [
        "AchMatrix",
        "AchResult",
        "Agreement",
        "HypothesisScore",
        "ItemScore",
        "decode_ratings",
        "diagnosticity",
        "encode_ratings",
        "pool",
        "score",
        "score_ach",
    ],
    "bayes": [
        "LIKELIHOOD_FROM_RATING",
        "TraceResult",
        "classify_test",
        "likelihoods_from_ratings",
        "trace",
        "trace_matrix",
    ],
}
__getattr__, __dir__, _ = _lazy.attach(__name__, submod_attrs=_EXPORTS)

# the public names, from the one list above
__all__ = sorted(n for names in _EXPORTS.values() for n in names if not n.startswith("_"))
