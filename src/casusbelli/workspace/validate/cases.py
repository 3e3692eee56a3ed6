"""``cases/*.yaml``: every coding names a known, hand-coded indicator and cites known sources.

A known value of a cross-case predictor must cite where it comes from (an error); an explicit
unknown (``value: null``) may cite the sources read, or none, its rationale saying why. A known
value of another indicator without a source, and a case that leaves indicators out, are
warnings (``casus validate --strict`` makes them errors).
"""

from __future__ import annotations

from casusbelli.workspace.models import Case, Coding, Indicator
from casusbelli.workspace.validate.parsed import Parsed
from casusbelli.workspace.yamlio import Marks

__all__ = ["check_cases"]


def check_cases(ws: Parsed) -> None:
    """Check each case's sources and codings against ``indicators.yaml`` and the sources."""
    col = ws.col
    for cid, case in ws.cases.items():
        rel, marks = ws.docs["case"][cid]
        for j, ref in enumerate(case.sources):
            ws.check_ref(ref, rel, marks, ("sources", j))
        for ind_id, coding in case.codings.items():
            spec = ws.indicators.get(ind_id)
            if spec is None:
                col.unknown(rel, marks, ("codings", ind_id), "indicator", ind_id, ws.indicators)
                continue
            if spec.measured is not None:
                col.add_at(
                    rel,
                    marks,
                    ("codings", ind_id),
                    f"indicator {ind_id!r} is measured from frames, not coded by hand; "
                    "remove this coding",
                    "schema",
                    key=True,
                )
                continue
            for j, ref in enumerate(coding.sources):
                ws.check_ref(ref, rel, marks, ("codings", ind_id, "sources", j))
            _check_sourced(ws, rel, marks, spec, coding)
        _check_complete(ws, rel, marks, cid, case)


def _check_sourced(ws: Parsed, rel: str, marks: Marks | None, spec: Indicator,
                   coding: Coding) -> None:
    """A known value cites at least one source: an error for a predictor, else a warning."""
    if coding.value is None or coding.sources:
        return
    loc = ("codings", spec.id, "sources")
    given = "sources: []" if "sources" in coding.model_fields_set else "no sources"
    what = "predictor" if spec.predictor else "indicator"
    message = (
        f"{what} {spec.id!r} is coded {coding.value:g} with {given}; cite where the value "
        "comes from (sources: [{source: ID, locator: ...}]), or code it null when unknown"
    )
    if spec.predictor:
        ws.col.add_at(rel, marks, loc, message, "missing")
    else:
        ws.col.warn_at(rel, marks, loc, message)


def _check_complete(ws: Parsed, rel: str, marks: Marks | None, cid: str, case: Case) -> None:
    """A warning listing the hand-coded indicators that ``case`` does not code."""
    missing = [i for i, spec in ws.indicators.items()
               if spec.measured is None and i not in case.codings]
    if missing:
        ws.col.warn_at(
            rel, marks, ("codings",),
            f"case {cid!r} does not code {len(missing)} indicator(s): {', '.join(missing)} "
            "(code each one, null when unknown, n/a when it does not apply)",
        )
