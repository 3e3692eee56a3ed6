"""The audit's inputs (a workspace's cases as arrays) and its QCA, within-case and forecast
checks (see :mod:`casusbelli.analysis.audit`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from casusbelli.analysis.audit_types import AuditSettings, Check
from casusbelli.cross.laplace import FastFit, fit_fast
from casusbelli.cross.models import ModelSettings
from casusbelli.errors import AnalysisError
from casusbelli.workspace.load import Workspace

__all__ = [
]


# --------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class _Inputs:
    cases: tuple[str, ...]
    y: np.ndarray
    predictors: dict[str, tuple[str, ...]]
    signs: dict[str, tuple[int, ...]]
    x: dict[str, np.ndarray]
    columns: dict[str, np.ndarray]  # every predictor indicator's column
    dropped: tuple[str, ...]


def _inputs(ws: Workspace, theories: Sequence[str]) -> _Inputs:
    outcome = ws.outcome
    cases: list[str] = []
    y: list[float] = []
    dropped: list[str] = []
    for cid, case in ws.cases.items():
        cd = case.codings.get(outcome)
        if cd is None or cd.value is None:
            dropped.append(cid)
            continue
        cases.append(cid)
        y.append(float(cd.value))
    yv = np.asarray(y)
    if not np.isin(yv, (0.0, 1.0)).all():
        raise AnalysisError("the audit needs a crisp outcome (0 or 1 in every case)",
                            field=outcome)
    columns: dict[str, np.ndarray] = {}
    for ind in ws.indicators.values():
        if not ind.predictor:
            continue
        col = np.full(len(cases), np.nan)
        for i, cid in enumerate(cases):
            cd = ws.cases[cid].codings.get(ind.id)
            if cd is not None and cd.value is not None:
                col[i] = float(cd.value)
        columns[ind.id] = col
    preds: dict[str, tuple[str, ...]] = {}
    signs: dict[str, tuple[int, ...]] = {}
    xs: dict[str, np.ndarray] = {}
    for tid in theories:
        pairs = ws.predictors_of(tid)
        preds[tid] = tuple(p for p, _ in pairs)
        signs[tid] = tuple(s for _, s in pairs)
        xs[tid] = (np.column_stack([columns[p] for p in preds[tid]]) if pairs
                   else np.zeros((len(cases), 0)))
    return _Inputs(tuple(cases), yv.astype(int), preds, signs, xs, columns, tuple(dropped))


def _usable(x: np.ndarray) -> np.ndarray:
    """Columns a model can use: coded in at least two cases with two distinct values."""
    keep = []
    for j in range(x.shape[1]):
        v = x[~np.isnan(x[:, j]), j]
        keep.append(v.size >= 2 and float(v.std()) > 0)
    return np.asarray(keep, dtype=bool)


def _fit(x: np.ndarray, y: np.ndarray, names: Sequence[str], signs: Sequence[int], name: str,
         st: AuditSettings, rng: np.random.Generator, draws: int,
         shift: np.ndarray | None = None, free: bool = False) -> FastFit:
    keep = _usable(x) if x.shape[1] else np.zeros(0, dtype=bool)
    cols = [n for n, k in zip(names, keep, strict=True) if k]
    sg = [s for s, k in zip(signs, keep, strict=True) if k]
    return fit_fast(
        x[:, keep] if x.shape[1] else x, y, indicators=cols, name=name,
        signs=None if free else sg, expect=sg,
        settings=ModelSettings(imputation_draws=st.imputation_draws), rng=rng,
        draws=draws, shift=shift)


def _fmt(v: float) -> str:
    return f"{v:+.2f}" if np.isfinite(v) else str(v)


def _qca_checks(ws: Workspace, theories: Sequence[str], st: AuditSettings,
                rng: np.random.Generator, tick: Callable[[str], None]) -> list[Check]:
    """Skew, negation and permutation checks of each theory's QCA, and whether the theories
    are compared on the same cases (see ``docs/methods/qca-checks.md``)."""
    from casusbelli.analysis.cross import QCA_SETTINGS, theory_frame
    from casusbelli.cross.qca_checks import negation_check, permutation_test, skew_check

    out: list[Check] = []
    incl_cut = float(QCA_SETTINGS["incl_cut"])
    case_sets: dict[str, set[str]] = {}
    for tid in theories:
        tf = theory_frame(ws, tid)
        df, conds = tf["frame"], tf["conditions"]
        case_sets[tid] = set(df.index)
        tick(f"{tid}: QCA checks")
        if len(df) < 2 or df[ws.outcome].nunique() < 2:
            out.append(Check("qca-skew", "warn", f"only {len(df)} complete cases, all with one "
                             "outcome: QCA cannot test this theory", theory=tid))
            continue
        y = df[ws.outcome].to_numpy(dtype=float)
        sk = skew_check(y, incl_cut)
        out.append(Check(
            "qca-skew", sk.status,
            f"outcome base rate {sk.base_rate:.2f} on {sk.n_cases} cases against incl_cut "
            f"{incl_cut:g}" + ("; any condition passes sufficiency easily" if sk.status == "warn"
                               else ""), theory=tid, value=sk.base_rate))
        neg = negation_check(df[conds].to_numpy(dtype=float), y, conds, incl_cut)
        for row in neg.rows:
            if row.both_pass:
                out.append(Check(
                    "qca-negation", "warn",
                    f"{row.condition} (inclS {row.incl:.2f}) and ~{row.condition} (inclS "
                    f"{row.incl_negated:.2f}) both pass incl_cut {incl_cut:g}",
                    theory=tid, indicator=row.condition, value=row.incl))
        if not st.permutations:
            continue
        try:
            perm = permutation_test(df, ws.outcome, conds, rng=rng, n_perm=st.permutations,
                                    **QCA_SETTINGS)
        except AnalysisError as exc:
            out.append(Check("qca-permutation", "warn", f"no solution to test: {exc}",
                             theory=tid))
            continue
        out.append(Check("qca-permutation", perm.status, perm.detail, theory=tid,
                         value=perm.p_joint))
    if len(case_sets) > 1:
        common = set.intersection(*case_sets.values())
        sizes = ", ".join(f"{t} {len(c)}" for t, c in case_sets.items())
        same = all(len(c) == len(common) for c in case_sets.values())
        out.append(Check(
            "qca-case-sets", "pass" if same else "warn",
            f"QCA cases per theory: {sizes}; {len(common)} in common"
            + ("" if same else " (use casus evaluate --same-cases to compare on those)"),
            value=float(len(common))))
    return out


#: Removing this many evidence clusters must leave the leader at least this posterior.
ROBUST_K, ROBUST_FLOOR = 3, 0.5


def _within_checks(ws: Workspace) -> list[Check]:
    """Per case with evidence: does the leader hold before the decision and without its three
    most favourable clusters? (``docs/methods/process-tracing.md``; dependent items count once,
    interpretations are left out.)"""
    from casusbelli.analysis.within import case_trace

    out: list[Check] = []
    for cid in ws.evidence:
        try:
            tr = case_trace(ws, cid)
        except AnalysisError as exc:
            out.append(Check("trace-pre-decision", "warn", f"cannot trace: {exc}", case=cid))
            continue
        h = list(tr.hypotheses)
        leader = h[int(np.argmax(tr.posterior))]
        full = float(np.max(tr.posterior))
        pre = tr.posterior_before_decision
        if pre is None:
            out.append(Check("trace-pre-decision", "warn",
                             f"no decision date or no dated item: leader {leader} ({full:.2f}) "
                             "cannot be checked against what was knowable then", case=cid))
        else:
            pre_leader = h[int(np.argmax(pre))]
            same = pre_leader == leader
            out.append(Check(
                "trace-pre-decision", "pass" if same else "warn",
                f"all evidence: {leader} {full:.2f}; before the decision "
                f"({len(tr.items_before_decision)} items): {pre_leader} {float(np.max(pre)):.2f}"
                + ("" if same else " — the leader changes once later evidence is added"),
                theory=leader, case=cid, value=float(pre[h.index(leader)])))
        worst = [w for w in tr.sensitivity.worst_case if w.k <= ROBUST_K]
        if worst:
            w = worst[-1]
            ok = w.posterior >= ROBUST_FLOOR
            out.append(Check(
                "trace-sensitivity", "pass" if ok else "warn",
                f"{leader}'s posterior falls to {w.posterior:.2f} without {', '.join(w.removed)} "
                f"({w.method}, k = {w.k}); band {tr.sensitivity.leader_band[0]:.2f}–"
                f"{tr.sensitivity.leader_band[1]:.2f}", theory=leader, case=cid,
                value=w.posterior))
    return out


#: Checks that read the workspace's questions: recomputed on every read of a cached audit.
FORECAST_CHECKS = frozenset({"forecast-sample"})


def _forecast_checks(ws: Workspace) -> list[Check]:
    """Resolved questions by sample: a track record needs out-of-sample questions."""
    from casusbelli.analysis.forecast_ops import OUT_OF_SAMPLE, question_sample

    resolved = [q for q in ws.questions.values() if q.resolution is not None]
    if not resolved:
        return []
    out_n = sum(1 for q in resolved if question_sample(ws, q)[0] == OUT_OF_SAMPLE)
    return [Check(
        "forecast-sample", "pass" if out_n else "warn",
        f"{len(resolved)} resolved questions, {out_n} out of sample"
        + ("" if out_n else ": every score so far is in-sample (written with the outcome "
                            "known), not a track record"), value=float(out_n))]
