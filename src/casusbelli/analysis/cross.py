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

Returns a typed :class:`CrossSection` (its ``tables`` and ``lines`` are what
:func:`casusbelli.cli.render.render_analysis` shows); the report and the web app read its fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from casusbelli.analysis.cross_frames import (
    MIN_CODED_SHARE,
    QCA_SETTINGS,
    TheoryFrames,
    theory_frame,
)
from casusbelli.analysis.sections import Section, Table
from casusbelli.errors import AnalysisError
from casusbelli.workspace.load import Workspace

if TYPE_CHECKING:
    from casusbelli.cross.models import ModelSettings

__all__ = ["QCA_SETTINGS", "CasePoint", "CrossSection", "PathFit", "QcaResult", "QcaSolution",
           "QcaTerm", "TheoryFrames", "cross_section", "evaluate_workspace", "path_indicators",
           "theory_frame"]

Progress = Callable[[int, "int | None", str], None]




@dataclass(frozen=True)
class CasePoint:
    """One case in an XY plot: membership in a solution or path (``x``) and in the outcome."""

    case: str
    x: float
    y: float

    def to_dict(self) -> dict[str, Any]:
        """``{"case", "x", "y"}``."""
        return {"case": self.case, "x": self.x, "y": self.y}


@dataclass(frozen=True)
class QcaTerm:
    """One term of a QCA solution with its fit (R QCA's ``pof``) and the cases it covers
    (membership > 0.5)."""

    term: str
    incl: float
    pri: float
    cov: float
    cov_unique: float
    cases: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON with R's names (inclS, PRI, covS, covU)."""
        return {"term": self.term, "inclS": self.incl, "PRI": self.pri, "covS": self.cov,
                "covU": self.cov_unique, "cases": list(self.cases)}


@dataclass(frozen=True)
class QcaSolution:
    """The first model of a theory's QCA solution (parsimonious, else complex).

    ``points`` are the cases of the theory's QCA with their membership in the solution and
    in the outcome, for the XY plot (Ragin 2008, ch. 3).
    """

    type: str
    expression: str
    incl: float
    pri: float
    cov: float
    models: int
    terms: tuple[QcaTerm, ...]
    points: tuple[CasePoint, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON (exact numbers)."""
        return {"type": self.type, "expression": self.expression, "inclS": self.incl,
                "PRI": self.pri, "covS": self.cov, "models": self.models,
                "terms": [t.to_dict() for t in self.terms],
                "points": [p.to_dict() for p in self.points]}


@dataclass(frozen=True)
class PathFit:
    """A theory's expected path as a sufficient condition for the outcome, on the cases that
    code its indicators (and the theory's kept conditions): computed once here, shown as it is
    by ``casus analyze``, the report and the web app.

    ``error`` says why the path cannot be tested (then ``incl`` and ``cov`` are ``None``).
    """

    expression: str
    incl: float | None
    cov: float | None
    cases: tuple[str, ...]
    points: tuple[CasePoint, ...] = ()
    error: str | None = None

    @property
    def n(self) -> int:
        """Number of cases the fit is computed on."""
        return len(self.cases)

    def to_dict(self) -> dict[str, Any]:
        """JSON (exact numbers)."""
        out: dict[str, Any] = {"expression": self.expression, "inclS": self.incl,
                               "covS": self.cov, "n": self.n, "cases": list(self.cases),
                               "points": [p.to_dict() for p in self.points]}
        if self.error is not None:
            out["error"] = self.error
        return out


@dataclass(frozen=True)
class QcaResult:
    """One theory's QCA: its conditions, the cases it runs on, its solution, its expected path.

    ``cases`` are the complete cases (an unknown among the kept conditions leaves a case out:
    ``left_out`` counts them); ``dropped_conditions`` maps an indicator coded in too few cases
    to its coded share.
    """

    theory: str
    conditions: tuple[str, ...]
    dropped_conditions: Mapping[str, float]
    cases: tuple[str, ...]
    left_out: int
    solution: QcaSolution | None = None
    expected: PathFit | None = None
    error: str | None = None

    @property
    def n(self) -> int:
        """Number of cases in the theory's QCA."""
        return len(self.cases)

    def to_dict(self) -> dict[str, Any]:
        """JSON (exact numbers)."""
        out: dict[str, Any] = {
            "theory": self.theory, "conditions": list(self.conditions),
            "dropped_conditions": dict(self.dropped_conditions), "n": self.n,
            "cases": list(self.cases), "left_out": self.left_out,
            "solution": None if self.solution is None else self.solution.to_dict(),
            "expected": None if self.expected is None else self.expected.to_dict()}
        if self.error is not None:
            out["error"] = self.error
        return out


@dataclass(frozen=True, kw_only=True)
class CrossSection(Section):
    """The cross-case section: one :class:`QcaResult` per theory and the theory evaluation.

    ``evaluation`` holds the JSON rows of :func:`evaluate_workspace` (shown through
    ``tables``); the per-theory models and weights are the audit's.
    """

    qca: tuple[QcaResult, ...] = ()
    qca_settings: Mapping[str, Any] = field(default_factory=dict)
    evaluation: tuple[Mapping[str, Any], ...] | None = None

    def theory(self, tid: str) -> QcaResult | None:
        """The QCA result of one theory (``None``: not analysed)."""
        return next((q for q in self.qca if q.theory == tid), None)

    def data(self) -> dict[str, Any]:
        return {"qca": [q.to_dict() for q in self.qca], "qca_settings": dict(self.qca_settings),
                "evaluation": None if self.evaluation is None else list(self.evaluation)}


def _points(expression: str, df: Any, outcome: str) -> tuple[CasePoint, ...]:
    """Each case's membership in ``expression`` and in the outcome (for an XY plot)."""
    from casusbelli.cross.boolean import expression_membership

    cols = {str(c): df[c].to_numpy(dtype=float) for c in df.columns}
    x = expression_membership(expression, cols)
    y = df[outcome].to_numpy(dtype=float)
    return tuple(CasePoint(case=str(c), x=float(a), y=float(b))
                 for c, a, b in zip(df.index, x, y, strict=True))


def _solution(frames: TheoryFrames, tid: str, df: Any, conds: list[str]) -> QcaSolution | None:
    """The theory's QCA solution on ``df`` (``None``: no solution)."""
    ws = frames.ws
    res = frames.qca(tid, df, conds)
    sol = res.parsimonious or res.complex
    if sol is None or not sol.models:
        return None
    best = sol.models[0]
    return QcaSolution(
        type=sol.solution_type, expression=best.expression, incl=best.incl, pri=best.pri,
        cov=best.cov, models=len(sol.models),
        terms=tuple(QcaTerm(term=f.term, incl=f.incl, pri=f.pri, cov=f.cov,
                            cov_unique=f.cov_unique, cases=tuple(f.cases)) for f in best.fits),
        points=_points(best.expression, df, ws.outcome))


def _path_fit(frames: TheoryFrames, tid: str, paths: str) -> PathFit:
    """The fit of a theory's expected path on the cases that code it (see :class:`PathFit`)."""
    from casusbelli.cross.qca import sufficiency

    ws = frames.ws
    names = path_indicators(paths)
    problem = _path_problem(ws, tid, names)
    if problem:
        return PathFit(expression=paths, incl=None, cov=None, cases=(), error=problem)
    pf = frames.frame(tid, extra=tuple(names))["frame"]
    cases = tuple(str(c) for c in pf.index)
    if len(pf) < 2 or pf[ws.outcome].nunique() < 2:
        only = ("interventions" if len(pf) and pf[ws.outcome].iloc[0] >= 0.5
                else "negative cases")
        why = (f"only {len(pf)} case(s) code every indicator of the path" if len(pf) < 2 else
               f"the {len(pf)} cases that code every indicator of the path are all {only}")
        return PathFit(expression=paths, incl=None, cov=None, cases=cases,
                       error=why + ": the path cannot be tested until more cases (with and "
                       f"without an intervention) code {', '.join(names)}")
    try:
        fit = sufficiency(paths, pf[[*names, ws.outcome]], ws.outcome)
    except AnalysisError as exc:
        return PathFit(expression=paths, incl=None, cov=None, cases=cases, error=str(exc))
    return PathFit(expression=paths, incl=fit.incl, cov=fit.cov, cases=cases,
                   points=_points(paths, pf[[*names, ws.outcome]], ws.outcome))


def _qca_theory(frames: TheoryFrames, tid: str) -> QcaResult:
    """QCA of one theory on the indicators most cases code, and its expected path's fit.

    QCA cannot use unknown memberships. Rather than drop every case with any unknown (which
    leaves almost nothing for sparsely documented theories), an indicator coded in fewer than
    :data:`MIN_CODED_SHARE` of the cases is left out of that theory's QCA (it is listed), and
    then cases with an unknown among the remaining conditions are left out (counted); see
    :func:`theory_frame`. The expected path is evaluated on the cases that code its own
    indicators.
    """
    ws = frames.ws
    tf = frames.frame(tid)
    df, conds = tf["frame"], list(tf["conditions"])
    base = dict(theory=tid, conditions=tuple(conds), dropped_conditions=dict(tf["dropped"]),
                cases=tuple(str(c) for c in df.index), left_out=tf["left_out"])
    paths = ws.theories[tid].paths
    expected = _path_fit(frames, tid, paths) if paths else None
    if len(df) < 2:
        return QcaResult(**base, expected=expected,
                         error=f"only {len(df)} case(s) code the indicators of {tid!r}; "
                               "QCA needs at least two")
    try:
        return QcaResult(**base, solution=_solution(frames, tid, df, conds), expected=expected)
    except AnalysisError as exc:
        return QcaResult(**base, expected=expected, error=str(exc))


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


def evaluate_workspace(
    ws: Workspace, *, same_cases: bool = False, frames: TheoryFrames | None = None,
) -> list[dict[str, Any]]:
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

    ``frames`` (a :class:`TheoryFrames` of ``ws``) reuses the frames and QCA results a call
    has already computed (:func:`cross_section` passes its own).
    """
    from casusbelli.cross.evaluate import evaluate_theory
    from casusbelli.cross.qca_checks import same_cases as common_cases

    frames = frames if frames is not None else TheoryFrames(ws)
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
        ready[tid] = (names, frames.frame(tid, extra=tuple(names)))
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
        out[i] = _evaluate_one(frames, tid, th.paths or "", names, df, conds, tf, extra,
                               evaluate_theory)
    return out


def _evaluate_one(
    frames: TheoryFrames, tid: str, paths: str, names: list[str], df: Any, conds: list[str],
    tf: dict[str, Any], extra: dict[str, Any], evaluate_theory: Any,
) -> dict[str, Any]:
    """One theory's evaluation row (or its error) on the cases in ``df``."""
    ws = frames.ws
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
        res = frames.qca(tid, df, conds)
        sol = res.parsimonious or res.complex
        if sol is None or not sol.models:
            raise AnalysisError("the QCA found no solution")
        ev = evaluate_theory(paths, sol.models[0], df, ws.outcome, theory_id=tid)
    except AnalysisError as exc:
        from casusbelli.cross.evaluate import theory_fit

        incl, cov = theory_fit(paths, df, ws.outcome)
        fit = f"inclS {incl:.3f}" if incl is not None else "inclS undefined"
        return {**base, "cases": len(df), "theory_inclS": incl, "theory_covS": cov,
                "error": f"{exc}; the expected path alone: {fit}, covS {cov:.3f}"}
    d = ev.to_dict()
    d.update(cases=len(df), conditions=conds, dropped=dict(tf["dropped"]), **extra)
    return d


def _qca_table(qca: list[QcaResult]) -> Table:
    rows = []
    for r in qca:
        sol, exp = r.solution, r.expected
        rows.append([r.theory, r.n, r.left_out,
                     sol.expression if sol else ("—" if r.error else "no solution"),
                     sol.incl if sol else None, sol.cov if sol else None,
                     exp.expression if exp else None,
                     exp.n if exp and exp.error is None else None,
                     exp.incl if exp else None, exp.cov if exp else None])
    return Table.of(
        f"QCA per theory (parsimonious solution, incl_cut {QCA_SETTINGS['incl_cut']}, "
        f"conditions coded in at least {MIN_CODED_SHARE:.0%} of cases, cases with an unknown "
        "among them left out) and each theory's expected path",
        ["theory", "cases", "left out", "solution", "inclS", "covS", "expected path",
         "path cases", "path inclS", "path covS"], rows)


def _qca_lines(r: QcaResult) -> list[str]:
    lines = []
    if r.error:
        lines.append(f"QCA {r.theory}: {r.error}")
    if r.dropped_conditions:
        lines.append(f"QCA {r.theory}: left out (coded in too few cases): " + ", ".join(
            f"{c} ({sh:.0%} coded)" for c, sh in r.dropped_conditions.items()))
    if r.expected is not None and r.expected.error:
        lines.append(f"expected path of {r.theory}: {r.expected.error}")
    return lines


def _evaluation_table(evaluation: list[dict[str, Any]], lines: list[str]) -> Table:
    ev_rows = []
    for ev in evaluation:
        if "error" in ev:
            if not ev["error"].startswith(("only ", "the ")):  # the path's own line says it
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
    return Table.of(
        "Theory evaluation: expected path T against the empirical solution S "
        "(cases with membership > 0.5)",
        ["theory", "cases", "T (expected path)", "S (solution)", "T inclS", "T covS",
         "T·S & outcome", "T·~S & outcome", "~T·S & outcome", "T but no intervention"], ev_rows)


def cross_section(
    ws: Workspace, store_url: str | None = None, progress: Progress | None = None,
    *, settings: ModelSettings | None = None,
) -> CrossSection:
    """QCA per theory and the theory evaluation for ``casus analyze`` (``store_url``,
    ``progress`` and ``settings`` are accepted for the section interface and not used)."""
    del store_url, progress, settings
    frames = TheoryFrames(ws)  # each theory's data and QCA computed once for this call
    lines: list[str] = []
    qca: list[QcaResult] = []
    for tid in ws.theory_ids:
        if not ws.predictors_of(tid):
            lines.append(f"QCA {tid}: no cross-case predictor (no indicator observable before "
                         "the decision and codeable for every case)")
            continue
        r = _qca_theory(frames, tid)
        qca.append(r)
        lines += _qca_lines(r)
    tables = [_qca_table(qca)]
    evaluation = None
    try:
        evaluation = evaluate_workspace(ws, frames=frames)
    except AnalysisError as exc:
        lines.append(f"theory evaluation: {exc}")
    if evaluation:
        tables.append(_evaluation_table(evaluation, lines))
    lines.append("The per-theory models, their weights with intervals and the checks they "
                 "pass are in the verdict (the audit, `casus audit`); `casus compare` refits "
                 "the models with NUTS as a check on the audit's fast fits.")
    return CrossSection(
        title="Cross-case analysis", qca=tuple(qca), qca_settings=dict(QCA_SETTINGS),
        evaluation=None if evaluation is None else tuple(evaluation),
        tables=tuple(tables), lines=tuple(lines))
