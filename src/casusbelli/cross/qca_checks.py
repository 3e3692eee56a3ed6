r"""Checks a methods referee asks of a QCA: outcome skew, trivial negations, chance, case sets.

Sufficiency consistency (inclS) says how far a condition :math:`X` is a subset of the
outcome :math:`Y` (notation of :mod:`casusbelli.cross.qca`):

.. math:: \mathrm{incl}_S(X \Rightarrow Y) = \frac{\sum_i \min(x_i, y_i)}{\sum_i x_i}.

Read alone it can mislead in three ways, each with a check here:

* **Skewed outcome** (:func:`skew_check`). For a crisp outcome,
  :math:`\sum_i \min(x_i, y_i) = \sum_{i: y_i = 1} x_i`, so inclS is the :math:`X`-weighted
  share of cases in the outcome; for any :math:`X` unrelated to :math:`Y` its expectation is
  the outcome's base rate. When the base rate reaches ``incl_cut``, almost any condition
  "passes" sufficiency. The check reports the base rate beside ``incl_cut``, warns when it
  is within :data:`SKEW_MARGIN` of the cut or above it, and (given an ``rng``) simulates how
  often a random uniform fuzzy condition passes.
* **A condition and its negation both pass** (:func:`negation_check`). If
  :math:`\mathrm{incl}_S(X) \ge c` and :math:`\mathrm{incl}_S(1 - X) \ge c`, the outcome
  follows whatever :math:`X` is: the consistency says nothing about :math:`X`.
* **Chance** (:func:`permutation_test`). A solution found by searching :math:`2^k`
  configurations may fit well by chance on a few dozen cases. Braumoeller (2015) proposes a
  permutation test: shuffle the outcome over the cases, which keeps the conditions and the
  outcome's distribution but breaks any link between them, and see how often the analysis
  finds a solution as good. Here the whole analysis (truth table, minimisation) is re-run on
  each shuffle with the same settings, so the search over configurations (the multiple
  testing Braumoeller adjusts for) is part of the null distribution.

:func:`same_cases` gives the cases coded in every theory's data, so rival theories can be
compared on identical cases rather than on whatever listwise deletion leaves for each.

References: Braumoeller, B. F. (2015). Guarding Against False Positives in Qualitative
Comparative Analysis. *Political Analysis*. doi:10.1093/pan/mpv017. Phipson, B. & Smyth,
G. K. (2010). Permutation P-values should never be zero: calculating exact P-values when
permutations are randomly drawn. *Statistical Applications in Genetics and Molecular
Biology* 9(1), article 39. doi:10.2202/1544-6115.1585. Dusa, A. (2019). *QCA with R*.
Springer (the parameters of fit).
"""

from __future__ import annotations

from casusbelli.cross.qca_fit_checks import (
    SKEW_MARGIN,
    NegationCheck,
    NegationRow,
    SameCases,
    SkewCheck,
    negation_check,
    same_cases,
    skew_check,
)
from casusbelli.cross.qca_permutation import (  # noqa: F401  (_first_model_membership: tests)
    PermutationTest,
    _first_model_membership,
    permutation_test,
)

__all__ = [
    "NegationCheck",
    "NegationRow",
    "PermutationTest",
    "SKEW_MARGIN",
    "SameCases",
    "SkewCheck",
    "negation_check",
    "permutation_test",
    "same_cases",
    "skew_check",
]
