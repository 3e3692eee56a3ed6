r"""Bayesian process tracing: posterior over rival hypotheses, weight of evidence, test types.

Hypotheses :math:`H_1..H_m` are taken as mutually exclusive and exhaustive. Each item of
evidence :math:`E_k` carries likelihoods :math:`P(E_k \mid H_i) \in (0, 1]`, given directly or
mapped from ACH ratings with :data:`LIKELIHOOD_FROM_RATING`. Items are treated as conditionally
independent given each hypothesis, so log-odds add up item by item:

.. math::

    \log P(H_i \mid E_{1..k}) = \log P(H_i) + \sum_{l \le k} \log P(E_l \mid H_i) - \log Z_k

and the **weight of evidence** of :math:`E_k` for :math:`H_i` against :math:`H_j`, in decibans,

.. math:: \mathrm{WoE}_k(H_i : H_j) = 10 \log_{10} \frac{P(E_k \mid H_i)}{P(E_k \mid H_j)}

sums over items to the change in posterior log-odds,
:math:`10\log_{10}\frac{P(H_i\mid E)}{P(H_j\mid E)} - 10\log_{10}\frac{P(H_i)}{P(H_j)}`.

**Dependent evidence.** Multiplying likelihoods is only right when items are conditionally
independent given each hypothesis. Items that restate one source, or that the workspace declares
dependent (``depends_on``), are not: five reports of one speech are one piece of evidence.
:func:`trace_evidence` therefore joins items that share a source id or a ``depends_on`` link
into clusters (connected components, union-find) and lets each cluster contribute **one**
likelihood, the geometric mean of its items' likelihoods,

.. math:: \log L_{c}(H_i) = \frac{1}{|c|} \sum_{k \in c} \log P(E_k \mid H_i),

so a cluster moves the posterior no more than its most extreme item would, and exactly as
one item when its items agree. This is a deliberately conservative discount chosen by this
package, not a model of the dependence and not taken from the works cited below. The principle
behind it is the chain rule: the likelihood is for the evidence *jointly*,
:math:`P(E_1 E_2 \mid H) = P(E_1 \mid H)\, P(E_2 \mid E_1, H)`, and when :math:`E_2` restates
:math:`E_1` the second factor is near 1 under every hypothesis, so it adds almost nothing.
Interpretations (an analyst's or scholar's reading, not evidence of what happened) are shown
but kept out of the likelihood unless asked for.

References
----------
Fairfield, T. & Charman, A. E. (2017). Explicit Bayesian analysis for process tracing:
guidelines, opportunities, and caveats. *Political Analysis* 25(3), 363-380.
(``fairfield2017explicit``)
Fairfield, T. & Charman, A. E. (2022). *Social Inquiry and Bayesian Inference: Rethinking
Qualitative Research*. Cambridge University Press. (``fairfield2022social``)
Van Evera, S. (1997). *Guide to Methods for Students of Political Science*. Cornell University
Press. (``vanevera1997guide``)
Bennett, A. & Checkel, J. T. (eds.) (2015). *Process Tracing: From Metaphor to Analytic Tool*.
Cambridge University Press. (``bennett2015process``)
"""

from __future__ import annotations

from casusbelli.within.dependence import (
    EXACT_SUBSETS,
    TEMPER_POWERS,
    Cluster,
    ProcessTrace,
    Sensitivity,
    WorstCase,
    clusters_of,
    trace_evidence,
    worst_case,
)
from casusbelli.within.posterior import (
    CERTAINTY,
    LIKELIHOOD_FROM_RATING,
    TEST_KINDS,
    UNIQUENESS,
    TraceResult,
    classify_test,
    likelihoods_from_ratings,
    trace,
    trace_matrix,
)

__all__ = [
    "CERTAINTY",
    "Cluster",
    "EXACT_SUBSETS",
    "LIKELIHOOD_FROM_RATING",
    "ProcessTrace",
    "Sensitivity",
    "TEMPER_POWERS",
    "TEST_KINDS",
    "TraceResult",
    "UNIQUENESS",
    "WorstCase",
    "classify_test",
    "clusters_of",
    "likelihoods_from_ratings",
    "trace",
    "trace_evidence",
    "trace_matrix",
    "worst_case",
]
