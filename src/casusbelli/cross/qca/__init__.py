r"""Qualitative Comparative Analysis: truth table, minimisation, consistency and coverage.

The definitions follow R's QCA package by Adrian Dusa (version 3.25; Dusa 2019), so that a
truth table and its complex (conservative), parsimonious and intermediate solutions agree
with R's ``truthTable()`` and ``minimize()`` term for term and model for model.

Parameters of fit (Ragin 2008; Dusa 2019), for a set :math:`X` and outcome
:math:`Y` with memberships :math:`x_i, y_i`:

.. math::

    \mathrm{incl}_S = \frac{\sum_i \min(x_i, y_i)}{\sum_i x_i}, \qquad
    \mathrm{cov}_S = \frac{\sum_i \min(x_i, y_i)}{\sum_i y_i},

    \mathrm{PRI} = \frac{\sum \min(x, y) - \sum \min(x, y, 1 - y)}
                        {\sum x - \sum \min(x, y, 1 - y)},

    \mathrm{cov}_U(T_j) = \mathrm{cov}_S(T_j)
        - \frac{\sum_i \min(t_{ij}, y_i, \max_{k \ne j} t_{ik})}{\sum_i y_i},

    \mathrm{incl}_N = \frac{\sum \min(x, y)}{\sum y}, \quad
    \mathrm{RoN} = \frac{\sum (1 - x)}{\sum (1 - \min(x, y))}, \quad
    \mathrm{cov}_N = \frac{\sum \min(x, y)}{\sum x}.

A case belongs to the truth-table row whose crisp code it has (membership above 0.5); its
membership in a row is the minimum over the conditions of :math:`x` or :math:`1 - x`.

Minimisation: the complex solution minimises the positive rows alone with Quine–McCluskey;
the parsimonious one finds prime implicants of the positive rows plus the remainders,
level by level as R's CCubes algorithm does, with R's stopping rule;
both then solve the prime implicant chart for *all* covers of minimum size. The
intermediate solution follows R's easy-counterfactual rule (Ragin 2008; Dusa 2019): a
literal of a complex term that is absent from the parsimonious term it implies and
contradicts a directional expectation is dropped; the remainders covered by the resulting
terms (and by the parsimonious model) are the easy counterfactuals, added to the positive
rows before a new Quine–McCluskey pass. Terms and models are sorted as R sorts them.

The package's modules: :mod:`~casusbelli.cross.qca.results` (result types, defaults),
:mod:`~casusbelli.cross.qca.table` (truth table), :mod:`~casusbelli.cross.qca.implicants`
and :mod:`~casusbelli.cross.qca.cover` (implicants, set-cover solvers),
:mod:`~casusbelli.cross.qca.fit` (inclS, PRI, covS, covU), :mod:`~casusbelli.cross.qca.minimize`,
:mod:`~casusbelli.cross.qca.necessity`, :mod:`~casusbelli.cross.qca.display` (R-style text,
pandas) and :mod:`~casusbelli.cross.qca.rscript` (an R script that reruns an analysis).

References: Ragin, C. C. (2008). *Redesigning Social Inquiry*. Chicago UP. Dusa, A. (2019).
*QCA with R*. Springer. Schneider, C. Q. & Wagemann, C. (2012). *Set-Theoretic Methods for
the Social Sciences*. Cambridge UP. Thiem, A. & Duşa, A. (2013). QCA: A package for
Qualitative Comparative Analysis. *The R Journal* 5(1), 87-97. doi:10.32614/RJ-2013-009.
"""

# The private names are re-exported for the modules and tests that import them from here
# (casusbelli.cross.qca was one module before it was split).
# ruff: noqa: F401
import lazy_loader as _lazy

#: Submodule -> names it gives this package; each is imported on first use (PEP 562), so
#: importing one light submodule (or this package) does not import pandas or SciPy.
_EXPORTS = {
    "cover": [
        "_all_min_covers",
        "_block_covers",
        "_block_min_size",
        "_milp_covers",
        "_row_dominance",
    ],
    "fit": [
        "_fit_terms",
        "_incl_pri",
        "_memberships",
        "_term_membership",
        "outcome_membership",
        "sufficiency",
    ],
    "implicants": [
        "_ccubes",
        "_covers",
        "_expand",
        "_qmc",
        "_r_sort",
        "_term_string",
        "_to_int",
        "_values",
    ],
    "minimize": [
        "_intermediate",
        "_package",
        "_parse_dir_exp",
        "_solve",
        "_Solved",
        "analyze",
        "minimize",
        "parse_dir_exp",
    ],
    "necessity": [
        "necessity",
    ],
    "results": [
        "_TOL",
        "DEFAULT_INCL_CUT",
        "MAX_CONDITIONS",
        "IntermediateCombo",
        "Minimization",
        "Model",
        "NecessityFit",
        "Progress",
        "QCAResult",
        "TermFit",
        "TruthTable",
        "TruthTableRow",
    ],
    "table": [
        "_check_data",
        "_parse_cut",
        "_sort_rows",
        "truth_table",
    ],
}
__getattr__, __dir__, _ = _lazy.attach(__name__, submod_attrs=_EXPORTS)

# the public names, from the one list above
__all__ = sorted(n for names in _EXPORTS.values() for n in names if not n.startswith("_"))
