"""Minimisation of a truth table into complex, parsimonious and intermediate solutions.

The intermediate solution follows R's easy-counterfactual rule (Ragin 2008; Dusa 2019): a
literal of a complex term that is absent from the parsimonious term it implies and
contradicts a directional expectation is dropped; the remainders covered by the resulting
terms (and by the parsimonious model) are the easy counterfactuals, added to the positive
rows before a new Quine-McCluskey pass. Terms and models are sorted as R sorts them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from casusbelli.cross.qca.cover import _all_min_covers, _row_dominance
from casusbelli.cross.qca.fit import _fit_terms, _term_membership
from casusbelli.cross.qca.implicants import _ccubes, _covers, _expand, _qmc, _r_sort, _term_string
from casusbelli.cross.qca.results import (
    DEFAULT_INCL_CUT,
    IntermediateCombo,
    Minimization,
    Model,
    Progress,
    QCAResult,
    TruthTable,
)
from casusbelli.cross.qca.table import truth_table
from casusbelli.errors import AnalysisError

__all__ = ["analyze", "minimize", "parse_dir_exp"]


def parse_dir_exp(
    dir_exp: str | Sequence[str] | Mapping[str, Any] | None, conds: Sequence[str]
) -> dict[str, int]:
    """Read directional expectations as R's ``minimize(dir.exp = ...)`` takes them.

    Parameters
    ----------
    dir_exp : str, sequence of str, mapping or None
        R QCA 3.x's names form ``"DEV, URB, ~LIT"`` (a bare name expects presence, ``~``
        absence; a condition left out, ``-`` or ``X=-`` has no expectation; ``X=1``/``X=0``
        are also read), the older positional form with one ``1``, ``0`` or ``-`` per
        condition (``"1, 1, -"``), or a mapping ``{"DEV": 1, "LIT": 0, "URB": "-"}``.
    conds : sequence of str
        The truth table's conditions.

    Returns
    -------
    dict
        Condition -> expected value (1 presence, 0 absence) for the conditions with an
        expectation.

    Raises
    ------
    AnalysisError
        ``field="dir_exp"``: an unknown condition, a value other than 1/0/-, a positional
        form of the wrong length, or a conjunctural expectation (``A*B``), which is not
        supported. (Over 60 lines through this documentation of the forms R accepts.)
    """
    if dir_exp is None:
        return {}
    if isinstance(dir_exp, Mapping):
        return _dir_exp_mapping(dir_exp, conds)
    parts = [str(p).strip() for p in (dir_exp.split(",") if isinstance(dir_exp, str) else dir_exp)]
    if parts and all(p in ("0", "1", "-") for p in parts):
        if len(parts) != len(conds):
            raise AnalysisError(
                f"dir_exp has {len(parts)} values for {len(conds)} conditions", field="dir_exp"
            )
        return {c: int(p) for c, p in zip(conds, parts, strict=True) if p != "-"}
    out: dict[str, int] = {}
    for p in parts:
        if not p or p == "-":
            continue
        if "*" in p or "+" in p:
            raise AnalysisError(
                f"conjunctural directional expectation {p!r} is not supported", field="dir_exp"
            )
        if "=" in p:
            name, _, val = (t.strip() for t in p.partition("="))
            out.update(_dir_exp_mapping({name: val}, conds))
            continue
        value = 1
        while p.startswith("~"):
            value = 1 - value
            p = p[1:].strip()
        if p.endswith("[-]") or p.endswith("{-}"):
            continue
        if p not in conds:
            raise AnalysisError(
                f"unknown condition {p!r} in dir_exp",
                field="dir_exp",
                hint=f"conditions: {', '.join(conds)}",
            )
        out[p] = value
    return out


def _dir_exp_mapping(dir_exp: Mapping[str, Any], conds: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c, v in dir_exp.items():
        if c not in conds:
            raise AnalysisError(
                f"unknown condition {c!r} in dir_exp",
                field="dir_exp",
                hint=f"conditions: {', '.join(conds)}",
            )
        if v in ("-", "dc", None):
            continue
        if v not in (0, 1, "0", "1"):
            raise AnalysisError(
                f"directional expectation for {c!r} must be 1, 0 or '-', got {v!r}",
                field="dir_exp",
            )
        out[c] = int(v)
    return out

_parse_dir_exp = parse_dir_exp


@dataclass(frozen=True)
class _Solved:
    pis: list[tuple[int, int]]  # all (sorted) implicants on the chart
    models: list[tuple[int, ...]]  # indices into pis
    truncated: bool = False


def _solve(
    pis: list[tuple[int, int]], explain: np.ndarray, row_dom: bool, max_models: int
) -> _Solved:
    chart = _covers(pis, explain)
    keep = [i for i in range(len(pis)) if chart[i].any()]
    pis = [pis[i] for i in keep]
    chart = chart[keep]
    if row_dom and len(pis) > 1:
        keep = _row_dominance(chart)
        pis = [pis[i] for i in keep]
        chart = chart[keep]
    models, truncated = _all_min_covers(chart, max_models)
    return _Solved(pis, models, truncated)


def minimize(
    tt: TruthTable,
    include: str = "",
    dir_exp: str | Sequence[str] | Mapping[str, Any] | None = None,
    row_dom: bool = False,
    max_models: int = 100,
    progress: Progress | None = None,
) -> Minimization:
    """Minimise a truth table into complex, parsimonious or intermediate models (R's ``minimize``).

    Parameters
    ----------
    tt : TruthTable
    include : str
        ``""`` for the complex (conservative) solution; ``"?"`` to let remainders be
        simplifying assumptions (parsimonious, or intermediate with ``dir_exp``); ``"?, C"``
        also includes contradictions.
    dir_exp : str, sequence or mapping, optional
        Directional expectations, e.g. ``"DEV, URB, ~NATPRIDE"`` or ``{"DEV": 1, "URB": "-"}``
        (1 presence, 0 absence, ``"-"`` none). Requires ``include="?"``.
    row_dom : bool
        Drop prime implicants whose rows are a strict subset of another's (R's ``row.dom``).
    max_models : int
        Stop after this many equally minimal models; ``truncated`` then says the list is
        incomplete (R has no such cap and runs out of time or memory instead).
    progress : callable, optional
        ``progress(advance, total, label)``.

    Returns
    -------
    Minimization
        Every model of minimum size (R's M1, M2, ...) with inclS, PRI, covS and covU per term.

    Notes
    -----
    Over 60 lines through its documentation and input checks; the steps are
    ``_parsimonious``, ``_simplifying_assumptions``, ``_intermediate`` and ``_package``.
    """
    inc = {p.strip() for p in include.split(",") if p.strip()} if include else set()
    if not inc <= {"?", "C"}:
        raise AnalysisError(f"include must be '', '?' or '?, C', got {include!r}", field="include")
    expect = _parse_dir_exp(dir_exp, tt.conditions)
    if dir_exp is not None and "?" not in inc:
        raise AnalysisError(
            "directional expectations need the remainders: use include='?'", field="dir_exp"
        )
    k = len(tt.conditions)
    explain = tt.codes(["1"])
    if explain.size == 0:
        raise AnalysisError("none of the truth table rows has OUT = 1: nothing to explain")
    pos_outs = ["1", *(["C"] if "C" in inc else [])]
    pos = tt.codes(pos_outs)
    neg = tt.codes([o for o in ("0", "C") if o not in pos_outs])
    remainders = "?" in inc
    if remainders and neg.size == 0:
        raise AnalysisError(
            "all truth table configurations are used: every condition is minimised away"
        )
    numbers = _numbers(tt)
    complex_ = None
    if not remainders or dir_exp is not None:
        complex_ = _solve(_qmc(pos.tolist(), k), explain, row_dom, max_models)
    if not remainders:
        assert complex_ is not None
        return _package(tt, "complex", complex_, explain, {}, numbers)
    pars = _parsimonious(pos, neg, explain, k, row_dom, max_models, progress)
    sa, sa_codes = _simplifying_assumptions(pars, pos, k)
    if dir_exp is None:
        return _package(tt, "parsimonious", pars, explain, sa, numbers)
    assert complex_ is not None
    return _intermediate(
        tt, complex_, pars, sa_codes, expect, explain, row_dom, max_models, numbers, sa
    )


def _numbers(tt: TruthTable) -> dict[str, int]:
    """Cases in rows with OUT 1, 0 and C, and their total (R's ``numbers``)."""
    numbers = {
        "OUT1": sum(r.n for r in tt.observed if r.out == "1"),
        "OUT0": sum(r.n for r in tt.observed if r.out == "0"),
        "OUTC": sum(r.n for r in tt.observed if r.out == "C"),
    }
    numbers["Total"] = numbers["OUT1"] + numbers["OUT0"] + numbers["OUTC"]
    return numbers


def _parsimonious(
    pos: np.ndarray, neg: np.ndarray, explain: np.ndarray, k: int, row_dom: bool,
    max_models: int, progress: Progress | None,
) -> _Solved:
    """Prime implicants of positives plus remainders (CCubes), in R's order, and the covers."""
    raw = _ccubes(pos, neg, k, progress)
    if row_dom and len(raw) > 1:
        keep = _row_dominance(_covers(raw, explain))
        raw = [raw[i] for i in keep]
    pis = [raw[i] for i in _r_sort(raw, k)]
    return _Solved(pis, *_all_min_covers(_covers(pis, explain), max_models))


def _simplifying_assumptions(
    pars: _Solved, pos: np.ndarray, k: int
) -> tuple[dict[str, tuple[int, ...]], list[np.ndarray]]:
    """Remainders each parsimonious model uses (R's row numbers, and the codes per model)."""
    sa: dict[str, tuple[int, ...]] = {}
    sa_codes: list[np.ndarray] = []
    for mi, model in enumerate(pars.models):
        rows = np.unique(np.concatenate([_expand(*pars.pis[t], k) for t in model]))
        rows = rows[~np.isin(rows, pos)]
        sa_codes.append(rows)
        sa[f"M{mi + 1}"] = tuple(int(r) + 1 for r in rows)
    return sa, sa_codes


def _reduced_terms(
    comp: _Solved, cmodel: tuple[int, ...], pars: _Solved, pmodel: tuple[int, ...],
    conds: Sequence[str], expect: Mapping[str, int],
) -> list[tuple[int, int]]:
    """Complex terms without the literals that contradict a directional expectation and are
    absent from a parsimonious term they imply (the easy-counterfactual rule)."""
    k = len(conds)
    out: list[tuple[int, int]] = []
    for ct in cmodel:
        cm, cv = comp.pis[ct]
        for pt in pmodel:
            pm, pv = pars.pis[pt]
            if pm & ~cm or (cv & pm) != pv:
                continue
            rm, rv = cm, cv
            for j, c in enumerate(conds):
                b = 1 << (k - 1 - j)
                if cm & b and not pm & b and c in expect and (1 if cv & b else 0) != expect[c]:
                    rm &= ~b
                    rv &= ~b
            out.append((rm, rv))
    return out


def _combo(
    tt: TruthTable,
    comp: _Solved,
    ci: int,
    pars: _Solved,
    pi_: int,
    sap: np.ndarray,
    expect: Mapping[str, int],
    explain: np.ndarray,
    row_dom: bool,
    max_models: int,
    numbers: Mapping[str, int],
) -> tuple[IntermediateCombo, _Solved]:
    """One complex x parsimonious model pair of the intermediate solution (R's ``CiPj``).

    The complex model's terms lose the literals that contradict the directional expectations
    (:func:`_reduced_terms`); the parsimonious model's simplifying assumptions ``sap`` covered
    by these terms are the easy counterfactuals, added to the positive rows ``explain`` before
    a new Quine-McCluskey pass (Ragin 2008; Dusa 2019).

    Returns
    -------
    combo : IntermediateCombo
        The pair's terms, easy counterfactuals (1-based row numbers) and models.
    solved : _Solved
        Its prime implicants and models, for merging into the intermediate solution.
    """
    k = len(tt.conditions)
    conds = tt.conditions
    cmodel, pmodel = comp.models[ci], pars.models[pi_]
    res_terms = _reduced_terms(comp, cmodel, pars, pmodel, conds, expect)
    if res_terms and sap.size:
        ec = sap[_covers(res_terms, sap).any(axis=0)]
    else:
        ec = sap[:0]
    rows = list(dict.fromkeys([*explain.tolist(), *ec.tolist()]))
    solved = _solve(_qmc(rows, k), explain, row_dom, max_models)
    sub = _package(tt, "intermediate", solved, explain, {}, numbers)
    combo = IntermediateCombo(
        name=f"C{ci + 1}P{pi_ + 1}",
        complex_terms=tuple(_term_string(*comp.pis[t], conds) for t in cmodel),
        parsimonious_terms=tuple(_term_string(*pars.pis[t], conds) for t in pmodel),
        easy_counterfactuals=tuple(int(r) + 1 for r in ec),
        prime_implicants=sub.prime_implicants,
        essential=sub.essential,
        models=sub.models,
        truncated=solved.truncated,
    )
    return combo, solved


def _merge_models(
    merged: list[tuple[tuple[int, int], ...]], k: int
) -> tuple[list[tuple[int, int]], list[tuple[int, ...]]]:
    """The pairs' distinct models as one solution: their terms in R's sort order (:func:`_r_sort`)
    and each model as sorted indices into these terms."""
    all_terms = list(dict.fromkeys(t for key in merged for t in key))
    all_terms = [all_terms[i] for i in _r_sort(all_terms, k)]
    models = [tuple(sorted(all_terms.index(t) for t in key)) for key in merged]
    return all_terms, models


def _intermediate(
    tt: TruthTable,
    comp: _Solved,
    pars: _Solved,
    sa_codes: list[np.ndarray],
    expect: Mapping[str, int],
    explain: np.ndarray,
    row_dom: bool,
    max_models: int,
    numbers: Mapping[str, int],
    sa: Mapping[str, tuple[int, ...]],
) -> Minimization:
    """R's intermediate solution: one minimisation per complex x parsimonious model pair
    (C1P1, ..., :func:`_combo`), whose distinct models are merged and sorted as R does
    (:func:`_merge_models`; Ragin 2008; Dusa 2019)."""
    conds = tt.conditions
    combos: list[IntermediateCombo] = []
    merged: list[tuple[tuple[int, int], ...]] = []
    for ci in range(len(comp.models)):
        for pi_ in range(len(pars.models)):
            combo, solved = _combo(tt, comp, ci, pars, pi_, sa_codes[pi_], expect, explain,
                                   row_dom, max_models, numbers)
            combos.append(combo)
            for m in solved.models:
                key = tuple(solved.pis[t] for t in m)
                if key not in merged:
                    merged.append(key)
    all_terms, models = _merge_models(merged, len(conds))
    cut = comp.truncated or pars.truncated or any(c.truncated for c in combos)
    result = _package(tt, "intermediate", _Solved(all_terms, models, cut), explain, sa, numbers)
    return Minimization(
        solution_type="intermediate",
        outcome=result.outcome,
        conditions=result.conditions,
        models=result.models,
        prime_implicants=tuple(_term_string(*t, conds) for t in pars.pis),
        essential=result.essential,
        simplifying_assumptions=sa,
        overall=result.overall,
        combos=tuple(combos),
        numbers=numbers,
        truncated=cut,
    )


def _package(
    tt: TruthTable,
    kind: str,
    solved: _Solved,
    explain: np.ndarray,
    sa: Mapping[str, tuple[int, ...]],
    numbers: Mapping[str, int],
) -> Minimization:
    conds = tt.conditions
    used = sorted({t for m in solved.models for t in m})
    names = {t: _term_string(*solved.pis[t], conds) for t in used}
    row_cases = {r.row_id - 1: r.cases for r in tt.observed}
    x, y = tt.memberships, tt.outcome_membership
    tm = {t: _term_membership(*solved.pis[t], x) for t in used}
    groups = {}
    for t in used:
        covered = explain[_covers([solved.pis[t]], explain)[0]]
        groups[t] = tuple(row_cases[c] for c in covered.tolist() if row_cases.get(c))
    cases = {t: tuple(c for g in groups[t] for c in g) for t in used}
    models = []
    for mi, m in enumerate(solved.models):
        fits, incl, pri, cov = _fit_terms(
            [names[t] for t in m], np.column_stack([tm[t] for t in m]), y, [cases[t] for t in m]
        )
        fits = tuple(replace(f, case_rows=groups[t]) for f, t in zip(fits, m, strict=True))
        models.append(Model(f"M{mi + 1}", tuple(names[t] for t in m), fits, incl, pri, cov))
    essential = [t for t in used if all(t in m for m in solved.models)]
    ordered = essential + [t for t in used if t not in essential]
    overall, _, _, _ = _fit_terms(
        [names[t] for t in ordered],
        np.column_stack([tm[t] for t in ordered]) if ordered else np.zeros((y.size, 0)),
        y,
        [cases[t] for t in ordered],
    )
    return Minimization(
        solution_type=kind,
        outcome=tt.outcome,
        conditions=conds,
        models=tuple(models),
        prime_implicants=tuple(_term_string(*t, conds) for t in solved.pis),
        essential=tuple(names[t] for t in essential),
        simplifying_assumptions=dict(sa),
        overall=overall,
        numbers=dict(numbers),
        truncated=solved.truncated,
    )


def analyze(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None = None,
    incl_cut: float | Sequence[float] = DEFAULT_INCL_CUT,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    dir_exp: str | Sequence[str] | Mapping[str, Any] | None = None,
    row_dom: bool = False,
    progress: Progress | None = None,
    include: str | None = None,
) -> QCAResult:
    """Truth table plus complex, parsimonious and (with ``dir_exp``) intermediate solutions.

    ``include=None`` (default) computes all of them. An R ``include`` string restricts the
    result to what R's ``minimize(include=...)`` returns: ``""`` the complex solution only,
    ``"?"`` (or ``"?, C"``) the parsimonious one, or the intermediate one with ``dir_exp``.
    """
    tt = truth_table(data, outcome, conditions, incl_cut=incl_cut, n_cut=n_cut, pri_cut=pri_cut)
    inc = "?" if include is None else include
    want_complex = include is None or "?" not in inc
    want_pars = "?" in inc and (include is None or dir_exp is None)
    comp = None
    if want_complex:
        comp = minimize(tt, include=inc.replace("?", "").strip(", "), row_dom=row_dom,
                        progress=progress)
    has_neg = tt.codes(["0", *([] if "C" in inc else ["C"])]).size > 0
    pars = None
    if want_pars and has_neg:
        pars = minimize(tt, include=inc, row_dom=row_dom, progress=progress)
    inter = None
    if dir_exp is not None and has_neg and "?" in inc:
        inter = minimize(tt, include=inc, dir_exp=dir_exp, row_dom=row_dom, progress=progress)
    return QCAResult(tt, comp, pars, inter)
