"""The cross-case section of ``casus analyze``: QCA per theory and theory evaluation.

For every default theory:

* **QCA**: the theory's indicators as conditions, the outcome as outcome, R QCA's defaults
  for a fuzzy-set analysis here (``incl_cut=0.8``, ``n_cut=1``); QCA cannot use unknown
  memberships, so a case with an unknown coding among *that theory's* indicators is left
  out of that theory's analysis (listwise deletion; the count is reported);
* **theory evaluation**: consistency (inclS) and coverage (covS) of the theory's expected
  path(s) (``paths`` in its YAML file) as a sufficient condition for the outcome, on the
  same cases (when the full theory-evaluation engine ``casusbelli.cross.evaluate`` is
  installed its table is used instead);
* the per-theory models and their weights are not here: the audit
  (:mod:`casusbelli.analysis.audit`) fits them once, with the checks they must pass, and the
  verdict shows them.

Only a theory's cross-case predictors (:meth:`Workspace.predictors_of`: observable before the
decision, codeable for every case) enter its QCA.

Returns data plus ``tables`` and ``lines`` that :func:`casusbelli.cli.render.render_analysis`
shows without knowing this engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from casusbelli.cross.models import ModelSettings
from casusbelli.cross.qca import DEFAULT_INCL_CUT
from casusbelli.cross.weights import theory_matrices
from casusbelli.errors import AnalysisError
from casusbelli.workspace.load import Workspace

__all__ = ["QCA_SETTINGS", "cross_section", "evaluate_workspace", "path_indicators",
           "theory_frame"]

Progress = Callable[[int, "int | None", str], None]

#: QCA settings used for every theory in ``casus analyze``.
QCA_SETTINGS: dict[str, Any] = {"incl_cut": DEFAULT_INCL_CUT, "n_cut": 1}


#: A theory's indicator enters its QCA only if at least this share of cases code it.
MIN_CODED_SHARE = 0.75


def _qca_theory(ws: Workspace, tid: str) -> dict[str, Any]:
    """QCA of one theory on the indicators most cases code, and its expected path's fit.

    QCA cannot use unknown memberships. Rather than drop every case with any unknown (which
    leaves almost nothing for sparsely documented theories), an indicator coded in fewer than
    :data:`MIN_CODED_SHARE` of the cases is left out of that theory's QCA (it is listed), and
    then cases with an unknown among the remaining conditions are left out (counted); see
    :func:`theory_frame`. The expected path is evaluated on the cases that code its own
    indicators.
    """
    from casusbelli.cross.qca import analyze as qca_analyze
    from casusbelli.cross.qca import sufficiency

    tf = theory_frame(ws, tid)
    df, conds = tf["frame"], tf["conditions"]
    out: dict[str, Any] = {"theory": tid, "conditions": conds, "dropped_conditions": tf["dropped"],
                           "cases": len(df), "left_out": tf["left_out"]}
    if len(df) < 2:
        out["error"] = (f"only {len(df)} case(s) code the indicators of {tid!r}; "
                        "QCA needs at least two")
    else:
        try:
            res = qca_analyze(df, ws.outcome, conds, **QCA_SETTINGS)
            sol = res.parsimonious or res.complex
            if sol is not None and sol.models:
                best = sol.models[0]
                out["solution"] = {"type": sol.solution_type, "expression": best.expression,
                                   "inclS": best.incl, "covS": best.cov,
                                   "models": len(sol.models)}
            else:
                out["solution"] = None
        except AnalysisError as exc:
            out["error"] = str(exc)
    paths = ws.theories[tid].paths
    if paths:
        names = path_indicators(paths)
        problem = _path_problem(ws, tid, names)
        if problem:
            out["expected"] = {"expression": paths, "error": problem}
            return out
        pf = theory_frame(ws, tid, extra=tuple(names))["frame"]
        if pf[ws.outcome].nunique() < 2:
            out["expected"] = {"expression": paths, "cases": len(pf),
                               "error": f"the {len(pf)} cases that code the path all have the "
                                        "same outcome: consistency would be trivial"}
            return out
        try:
            fit = sufficiency(paths, pf[[*names, ws.outcome]], ws.outcome)
            out["expected"] = {"expression": paths, "inclS": fit.incl, "covS": fit.cov,
                               "cases": len(pf)}
        except AnalysisError as exc:
            out["expected"] = {"expression": paths, "error": str(exc)}
    return out


def theory_frame(ws: Workspace, tid: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """A theory's QCA data: conditions coded in enough cases, complete cases, the outcome.

    ``extra`` names indicators that must be kept whatever their share (e.g. those of the
    theory's expected path). Returns ``frame`` (a DataFrame indexed by case id, conditions
    plus the outcome), ``conditions``, ``dropped`` ({indicator: coded share}) and ``left_out``
    (cases with an unknown among the kept conditions).
    """
    import pandas as pd

    m = theory_matrices(ws, [tid])
    x = m.data[tid]
    all_conds = list(m.indicators[tid])
    share = 1.0 - np.isnan(x).mean(axis=0)
    keep = share >= MIN_CODED_SHARE
    if keep.sum() < 2:
        keep = np.zeros_like(keep)
        keep[np.argsort(-share, kind="stable")[:2]] = True
    for name in extra:
        if name in all_conds:
            keep[all_conds.index(name)] = True
    conds = [c for c, k in zip(all_conds, keep, strict=True) if k]
    complete = ~np.isnan(x[:, keep]).any(axis=1)
    cases = [c for c, ok in zip(m.cases, complete, strict=True) if ok]
    frame = pd.DataFrame(x[complete][:, keep], index=cases, columns=conds)
    frame[ws.outcome] = m.outcome[complete]
    return {
        "frame": frame,
        "conditions": conds,
        "dropped": {c: round(float(sh), 2) for c, sh, k in zip(all_conds, share, keep,
                                                                 strict=True) if not k},
        "left_out": int((~complete).sum()),
    }


def _path_problem(ws: Workspace, tid: str, names: list[str]) -> str | None:
    """Why a theory's expected path cannot be tested across cases, or ``None``."""
    after = [n for n in names if n in ws.indicators and not ws.indicators[n].predictor]
    if after:
        return (f"the path uses {', '.join(after)}, which describe the intervention or can be "
                "n/a (not observable before the decision in every case): it cannot be tested "
                "across cases")
    preds = {p for p, _ in ws.predictors_of(tid)}
    foreign = [n for n in names if n not in preds]
    if foreign:
        return (f"the path names indicators that are not among the theory's implications: "
                f"{', '.join(foreign)}")
    return None


def path_indicators(expression: str) -> list[str]:
    """Indicator ids named in a Boolean path expression (``"a*~b + c"`` -> a, b, c)."""
    import re

    return sorted(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expression)))


def evaluate_workspace(ws: Workspace, *, same_cases: bool = False) -> list[dict[str, Any]]:
    """Theory evaluation for every default theory with ``paths``, side by side.

    For each theory: the QCA of its own conditions (:func:`theory_frame`, with the path's
    indicators kept) gives the empirical solution S (parsimonious, else complex); the theory's
    expected path T is intersected with it (T·S, T·~S, ~T·S, ~T·~S), as SetMethods'
    ``theory.evaluation`` does (Schneider & Wagemann 2012), with consistency, coverage and
    member cases of each area.

    With ``same_cases`` the theories that can be tested on their own cases (at least two,
    with and without the outcome) are evaluated on the same cases: those coded in the data
    of every one of them (:func:`casusbelli.cross.qca_checks.same_cases`), so rival theories
    are compared on identical cases rather than on what listwise deletion leaves for each;
    a theory that cannot be tested even on its own cases does not shrink the others'. A
    condition constant on those cases is left out of that theory's QCA (listed under
    ``constant``). Each row then carries ``same_cases: true`` and ``compared_with``.
    """
    from casusbelli.cross.evaluate import evaluate_theory
    from casusbelli.cross.qca import analyze as qca_analyze
    from casusbelli.cross.qca_checks import same_cases as common_cases

    out: list[dict[str, Any]] = []
    ready: dict[str, tuple[list[str], dict[str, Any]]] = {}
    for tid in ws.theory_ids:
        th = ws.theories[tid]
        if not th.paths:
            out.append({"theory_id": tid, "error": "the theory states no expected path"})
            continue
        names = path_indicators(th.paths)
        problem = _path_problem(ws, tid, names)
        if problem:
            out.append({"theory_id": tid, "theory": th.paths, "error": problem})
            continue
        ready[tid] = (names, theory_frame(ws, tid, extra=tuple(names)))
        out.append({"theory_id": tid})
    common = None
    testable = {tid: tf for tid, (_, tf) in ready.items()
                if len(tf["frame"]) >= 2 and tf["frame"][ws.outcome].nunique() >= 2}
    if same_cases and testable:
        common = common_cases(*(tf["frame"] for tf in testable.values()), names=list(testable))
    for i, row in enumerate(out):
        tid = row["theory_id"]
        if tid not in ready or "error" in row:
            continue
        th = ws.theories[tid]
        names, tf = ready[tid]
        df = tf["frame"]
        conds = list(tf["conditions"])
        extra: dict[str, Any] = {}
        if common is not None and tid in testable:
            df = df.loc[list(common.cases)]
            constant = [c for c in conds if df[c].nunique() < 2]
            conds = [c for c in conds if c not in constant]
            extra = {"same_cases": True, "compared_with": list(common.names),
                     "constant": constant}
        out[i] = _evaluate_one(ws, tid, th.paths or "", names, df, conds, tf, extra,
                               qca_analyze, evaluate_theory)
    return out


def _evaluate_one(
    ws: Workspace, tid: str, paths: str, names: list[str], df: Any, conds: list[str],
    tf: dict[str, Any], extra: dict[str, Any], qca_analyze: Any, evaluate_theory: Any,
) -> dict[str, Any]:
    """One theory's evaluation row (or its error) on the cases in ``df``."""
    base = {"theory_id": tid, "theory": paths, **extra}
    if len(df) < 2:
        return {**base, "cases": len(df),
                "error": f"only {len(df)} case(s) code the theory's indicators"
                + (" and those of every other theory" if extra else "")}
    if df[ws.outcome].nunique() < 2:
        only = "interventions" if df[ws.outcome].iloc[0] >= 0.5 else "negative cases"
        if extra:
            return {**base, "cases": len(df),
                    "error": f"the {len(df)} cases coded by every theory ("
                             f"{', '.join(extra['compared_with'])}) are all {only}: compare "
                             "with --no-same-cases, or code more negative cases"}
        return {**base, "cases": len(df),
                "error": f"the {len(df)} cases that code every indicator of the path are "
                         f"all {only}: the path cannot be tested until negative cases "
                         f"code {', '.join(names)}"}
    if not conds:
        return {**base, "cases": len(df), "error": "every condition is constant on these cases"}
    try:
        res = qca_analyze(df, ws.outcome, conds, **QCA_SETTINGS)
        sol = res.parsimonious or res.complex
        if sol is None or not sol.models:
            raise AnalysisError("the QCA found no solution")
        ev = evaluate_theory(paths, sol.models[0], df, ws.outcome, theory_id=tid)
    except AnalysisError as exc:
        return {**base, "error": str(exc)}
    d = ev.to_dict()
    d.update(cases=len(df), conditions=conds, dropped=tf["dropped"], **extra)
    return d


def _evaluation(ws: Workspace) -> Any:
    """The theory-evaluation table of every theory."""
    return evaluate_workspace(ws)


def cross_section(
    ws: Workspace, store_url: str | None, progress: Progress | None = None,
    *, settings: ModelSettings | None = None,
) -> dict[str, Any]:
    """QCA per theory and the theory evaluation for ``casus analyze`` (``store_url``,
    ``progress`` and ``settings`` are accepted for the section interface and not used)."""
    ids = ws.theory_ids
    lines: list[str] = []
    tables: list[dict[str, Any]] = []
    qca_rows = []
    qca: list[dict[str, Any]] = []
    for tid in ids:
        if not ws.predictors_of(tid):
            qca.append({"theory": tid, "error": "no cross-case predictor (no indicator "
                        "observable before the decision and codeable for every case)"})
            continue
        r = _qca_theory(ws, tid)
        qca.append(r)
        sol = r.get("solution") or {}
        exp = r.get("expected") or {}
        if r.get("error"):
            lines.append(f"QCA {tid}: {r['error']}")
        if r.get("dropped_conditions"):
            lines.append(f"QCA {tid}: left out (coded in too few cases): " + ", ".join(
                f"{c} ({sh:.0%} coded)" for c, sh in r["dropped_conditions"].items()))
        if exp.get("error"):
            lines.append(f"expected path of {tid}: {exp['error']}")
        qca_rows.append([tid, r["cases"], r["left_out"],
                         sol.get("expression", "—" if r.get("error") else "no solution"),
                         sol.get("inclS"), sol.get("covS"),
                         exp.get("expression"), exp.get("inclS"), exp.get("covS")])
    tables.append({
        "title": f"QCA per theory (parsimonious solution, incl_cut {QCA_SETTINGS['incl_cut']}, "
                 f"conditions coded in at least {MIN_CODED_SHARE:.0%} of cases, cases with an unknown "
                 "among them left out) and each theory's expected path",
        "columns": ["theory", "cases", "left out", "solution", "inclS", "covS",
                    "expected path", "path inclS", "path covS"],
        "rows": qca_rows,
    })
    evaluation = None
    try:
        evaluation = _evaluation(ws)
    except AnalysisError as exc:
        lines.append(f"theory evaluation: {exc}")
    if evaluation:
        ev_rows = []
        for ev in evaluation:
            if "error" in ev:
                lines.append(f"theory evaluation {ev['theory_id']}: {ev['error']}")
                continue
            areas = {a["area"]: a for a in ev["intersections"]}
            ev_rows.append([
                ev["theory_id"], ev["cases"], ev["theory"], ev["solution"],
                ev["theory_inclS"], ev["theory_covS"],
                ", ".join(areas["T*S"]["cases_in_outcome"]) or "—",
                ", ".join(areas["T*~S"]["cases_in_outcome"]) or "—",
                ", ".join(areas["~T*S"]["cases_in_outcome"]) or "—",
                ", ".join(areas["T*~S"]["cases_not_in_outcome"]
                          + areas["T*S"]["cases_not_in_outcome"]) or "—",
            ])
        tables.append({
            "title": "Theory evaluation: expected path T against the empirical solution S "
                     "(cases with membership > 0.5)",
            "columns": ["theory", "cases", "T (expected path)", "S (solution)", "T inclS",
                        "T covS", "T·S & outcome", "T·~S & outcome", "~T·S & outcome",
                        "T but no intervention"],
            "rows": ev_rows,
        })
    lines.append("The per-theory models, their weights with intervals and the checks they "
                 "pass are in the verdict (the audit, `casus audit`); `casus compare` refits "
                 "the models with NUTS as a check on the audit's fast fits.")
    return {
        "title": "Cross-case analysis",
        "qca": qca,
        "qca_settings": dict(QCA_SETTINGS),
        "evaluation": evaluation,
        "tables": tables,
        "lines": lines,
    }
