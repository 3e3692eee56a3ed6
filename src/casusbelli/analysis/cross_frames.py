"""The theory data a cross-case call reads: each theory's QCA frame and QCA, computed once.

:func:`theory_frame` selects a theory's conditions (coded in enough cases), its complete cases
and the outcome; :class:`TheoryFrames` is the per-call memo that :func:`casusbelli.analysis.
cross.cross_section` passes around so that each frame and each QCA is computed once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from casusbelli.cross.qca import DEFAULT_INCL_CUT
from casusbelli.errors import AnalysisError
from casusbelli.workspace.load import Workspace

if TYPE_CHECKING:
    from casusbelli.analysis.weights import TheoryMatrices

__all__ = ["MIN_CODED_SHARE", "QCA_SETTINGS", "TheoryFrames", "theory_frame"]

#: QCA settings used for every theory in ``casus analyze``.
QCA_SETTINGS: dict[str, Any] = {"incl_cut": DEFAULT_INCL_CUT, "n_cut": 1}

#: A theory's indicator enters its QCA only if at least this share of cases code it.
MIN_CODED_SHARE = 0.75


class TheoryFrames:
    """The theory data of one call, each piece computed once: a per-call memo, passed explicitly.

    :func:`~casusbelli.analysis.cross.cross_section` needs a theory's data three times (its
    QCA, its expected path's fit and its theory evaluation) and the QCA of the same cases twice
    (the solution and the evaluation's S). One ``TheoryFrames`` made for the call reads each
    theory's codings from the workspace once
    (:func:`~casusbelli.analysis.weights.theory_matrices`), selects a frame once per distinct
    set of kept conditions (:func:`theory_frame`), and runs the QCA
    (:func:`casusbelli.cross.qca.analyze` with :data:`QCA_SETTINGS`) once per distinct
    conditions and cases. It belongs to one call on one workspace and is dropped with it: a
    workspace edited afterwards needs a new one. Callers must not modify what it returns.
    """

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._matrices: dict[str, TheoryMatrices] = {}
        self._frames: dict[tuple[str, tuple[bool, ...]], dict[str, Any]] = {}
        self._qca: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Any] = {}

    def matrices(self, tid: str) -> TheoryMatrices:
        """The theory's case x predictor matrix and outcome (read from the workspace once)."""
        if tid not in self._matrices:
            from casusbelli.analysis.weights import theory_matrices

            self._matrices[tid] = theory_matrices(self.ws, [tid])
        return self._matrices[tid]

    def frame(self, tid: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
        """:func:`theory_frame` of ``tid`` with ``extra`` kept (built once per kept set)."""
        m = self.matrices(tid)
        keep, share = _kept_conditions(m, tid, extra)
        key = (tid, tuple(bool(k) for k in keep))
        if key not in self._frames:
            self._frames[key] = _frame(m, tid, keep, share, self.ws.outcome)
        return self._frames[key]

    def qca(self, tid: str, df: Any, conds: list[str]) -> Any:
        """The QCA (:data:`QCA_SETTINGS`) of ``conds`` on ``df``, a selection of ``tid``'s
        frame; run once per distinct conditions and cases (an error is raised again)."""
        from casusbelli.cross.qca import analyze as qca_analyze

        key = (tid, tuple(conds), tuple(str(c) for c in df.index))
        if key not in self._qca:
            try:
                self._qca[key] = qca_analyze(df, self.ws.outcome, conds, **QCA_SETTINGS)
            except AnalysisError as exc:
                self._qca[key] = exc
        res = self._qca[key]
        if isinstance(res, AnalysisError):
            raise res
        return res


def theory_frame(
    ws: Workspace, tid: str, extra: tuple[str, ...] = (), *, frames: TheoryFrames | None = None,
) -> dict[str, Any]:
    """A theory's QCA data: conditions coded in enough cases, complete cases, the outcome.

    ``extra`` names indicators that must be kept whatever their share (e.g. those of the
    theory's expected path). Returns ``frame`` (a DataFrame indexed by case id, conditions
    plus the outcome), ``conditions``, ``dropped`` ({indicator: coded share}) and ``left_out``
    (cases with an unknown among the kept conditions). ``frames`` (a :class:`TheoryFrames` of
    ``ws``) reuses the data a call has already read.
    """
    return (frames if frames is not None else TheoryFrames(ws)).frame(tid, extra)


def _kept_conditions(
    m: TheoryMatrices, tid: str, extra: tuple[str, ...],
) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``tid``'s predictors enter its QCA (see :func:`theory_frame`), and the share
    of cases coding each."""
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
    return keep, share


def _frame(m: TheoryMatrices, tid: str, keep: np.ndarray, share: np.ndarray,
           outcome: str) -> dict[str, Any]:
    """The :func:`theory_frame` dictionary of the conditions ``keep`` selects."""
    import pandas as pd

    x = m.data[tid]
    all_conds = list(m.indicators[tid])
    conds = [c for c, k in zip(all_conds, keep, strict=True) if k]
    complete = ~np.isnan(x[:, keep]).any(axis=1)
    cases = [c for c, ok in zip(m.cases, complete, strict=True) if ok]
    frame = pd.DataFrame(x[complete][:, keep], index=cases, columns=conds)
    frame[outcome] = m.outcome[complete]
    return {
        "frame": frame,
        "conditions": conds,
        "dropped": {c: round(float(sh), 2) for c, sh, k in zip(all_conds, share, keep,
                                                                 strict=True) if not k},
        "left_out": int((~complete).sum()),
    }
