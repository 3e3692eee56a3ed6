"""Measured indicators: codings computed from a workspace's frame counts, not coded by hand.

Loading a workspace (:mod:`casusbelli.workspace.load`) is pure and runs no engine; this module
is the orchestration step that fills in the codings of every indicator declared with
``measured:`` in ``indicators.yaml``. It reads ``measures/<corpus>.parquet`` and asks the
discourse engine (:func:`casusbelli.discourse.counts.measure_case`) for each case's value:
the rate of the indicator's frames in a window after the case's start against a baseline
before it, calibrated into [0, 1] by the direct method (Ragin, C. C. (2008). *Redesigning
Social Inquiry: Fuzzy Sets and Beyond*. University of Chicago Press).

Measuring then computes every rule-based forecast from the (measured) codings
(:func:`casusbelli.analysis.forecast_rules.apply_rules`), so a workspace marked ``measured`` has
both. Every command loads through :func:`load_workspace` (or :func:`validate_workspace`) here,
so the store, ``casus analyze``, the audit, ``casus validate`` and ``casus show`` all see the
same measured values and forecasts.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from casusbelli.analysis.forecast_rules import apply_rules
from casusbelli.errors import CasusError, Problem, WorkspaceError
from casusbelli.workspace.load import Workspace, resolve_workspace
from casusbelli.workspace.load import validate_workspace as _validate_files
from casusbelli.workspace.models import Case, Coding, Indicator, SourceRef
from casusbelli.workspace.validate import error_of

__all__ = ["load_workspace", "measure_workspace", "measured_codings", "validate_workspace"]


def load_workspace(path: str | Path | None = None) -> Workspace:
    """Load and validate a workspace (``None``: the built-in ``russia``) and measure it.

    A workspace whose files and loading code are unchanged since it last loaded is read from
    :mod:`casusbelli.analysis.load_cache` (JSON, validated again by pydantic) instead of its
    YAML; ``casus validate`` (:func:`validate_workspace`) always reads the files.

    Raises
    ------
    WorkspaceError
        With every problem found (as :func:`casusbelli.workspace.load.load_workspace`), or
        the frame counts a measured indicator needs cannot be read.
    """
    from casusbelli.analysis.load_cache import files_digest, read_cached, write_cached

    root = resolve_workspace(path)
    digest = files_digest(root)
    if digest is not None and (hit := read_cached(root, digest)) is not None:
        return hit
    ws, problems = validate_workspace(root)
    if ws is None:
        raise error_of(problems)
    if digest is not None:
        write_cached(root, digest, ws)
    return ws


def validate_workspace(path: str | Path) -> tuple[Workspace | None, list[Problem]]:
    """:func:`casusbelli.workspace.load.validate_workspace`, then :func:`measure_workspace`;
    a measurement that fails is one more located problem."""
    ws, problems = _validate_files(path)
    if ws is None:
        return None, problems
    try:
        return measure_workspace(ws), []
    except WorkspaceError as exc:
        return None, list(exc.problems) or [exc.to_problem()]


def measure_workspace(ws: Workspace) -> Workspace:
    """``ws`` with the codings of its measured indicators added to every case, and the value
    of every rule-based forecast computed from the codings.

    Returns ``ws`` itself when it is already measured (``ws.measured``), else a copy with
    ``measured=True``.

    Raises
    ------
    WorkspaceError
        Located at ``indicators.yaml`` when an indicator cannot be measured, or at the
        frame counts file when it cannot be read; located at the question's file, line and
        field when a rule cannot be evaluated or disagrees with a typed value.
    """
    if ws.measured:
        return ws
    done, problems = apply_rules(_with_measured_codings(ws))
    if done is None:
        raise error_of(problems)
    return dataclasses.replace(done, measured=True)


def _with_measured_codings(ws: Workspace) -> Workspace:
    """``ws`` with the codings of its measured indicators added to every case."""
    if not any(i.measured for i in ws.indicators.values()):
        return ws
    try:
        measured = measured_codings(ws)
    except CasusError as exc:
        problem = Problem(f"cannot measure indicators: {exc}", "indicators.yaml")
        raise error_of([problem]) from exc
    except (OSError, ValueError, TypeError) as exc:  # pyarrow's errors on a damaged file
        corpora = sorted({i.measured.corpus for i in ws.indicators.values() if i.measured})
        where = f"measures/{corpora[0]}.parquet" if len(corpora) == 1 else "measures"
        what = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise error_of([Problem(f"cannot read frame counts: {what}"[:300], where)]) from exc
    cases: dict[str, Case] = {
        cid: case.model_copy(update={"codings": {**case.codings, **measured.get(cid, {})}})
        for cid, case in ws.cases.items()
    }
    return dataclasses.replace(ws, cases=cases)


def measured_codings(ws: Workspace) -> dict[str, dict[str, Coding]]:
    """Codings of every measured indicator for every case: ``{case: {indicator: coding}}``.

    Each coding has a value (or ``None``, unknown, with the reason in its rationale), a
    rationale stating the numbers, and the indicator's source with the counts file as locator.
    A case whose start is known only to the year is unknown (a window cannot be placed).
    """
    from casusbelli.analysis.discourse_ops import load_frame_counts

    out: dict[str, dict[str, Coding]] = {}
    for ind in ws.indicators.values():
        spec = ind.measured
        if spec is None:
            continue
        counts = load_frame_counts(ws, spec.corpus)
        if spec.lang and "lang" in counts.columns:
            counts = counts[counts["lang"] == spec.lang]
        for cid, case in ws.cases.items():
            out.setdefault(cid, {})[ind.id] = _measure(ind, counts, case.start)
    return out


def _measure(ind: Indicator, counts: Any, start: str) -> Coding:
    """One measured coding of ``ind`` for a case starting at ``start``."""
    from casusbelli.discourse.counts import measure_case

    spec = ind.measured
    assert spec is not None
    sources = [SourceRef(source=spec.source, locator=f"measures/{spec.corpus}.parquet")]
    if len(start) == 4:  # a window cannot be placed on a start known to the year
        return Coding(
            value=None,
            rationale=f"unknown: the case's start is known only to the year ({start}), too "
                      f"coarse for a {spec.window_days}-day window",
            sources=sources,
        )
    m = measure_case(counts, spec, start)
    w, b = m["window"], m["baseline"]
    if m["value"] is None:
        rationale = (
            f"unknown: measured from {spec.corpus}; {m['reason']} "
            f"(window {w['start']}..{w['end']}: {w['n_docs']} docs; baseline "
            f"{b['start']}..{b['end']}: {b['n_docs']} docs)"
        )
    else:
        rationale = (
            f"measured: {'+'.join(spec.frames)} rate {w['rate']:.2f} per 10k tokens in "
            f"{w['start']}..{w['end']} ({w['n_docs']} docs) vs {b['rate']:.2f} in "
            f"{b['start']}..{b['end']} ({b['n_docs']} docs); ratio {m['raw']:.2f}, "
            f"calibrated with thresholds {list(spec.calibration)}"
        )
    return Coding(value=m["value"], rationale=rationale, sources=sources)
