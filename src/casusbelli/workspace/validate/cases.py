"""``cases/*.yaml``: every coding names a known, hand-coded indicator and cites known sources."""

from __future__ import annotations

from casusbelli.workspace.validate.parsed import Parsed

__all__ = ["check_cases"]


def check_cases(ws: Parsed) -> None:
    """Check each case's sources and codings against ``indicators.yaml`` and the sources."""
    col = ws.col
    for cid, case in ws.cases.items():
        rel, marks = ws.docs["case"][cid]
        for j, ref in enumerate(case.sources):
            ws.check_ref(ref, rel, marks, ("sources", j))
        for ind_id, coding in case.codings.items():
            if ind_id not in ws.indicators:
                col.unknown(rel, marks, ("codings", ind_id), "indicator", ind_id, ws.indicators)
                continue
            if ws.indicators[ind_id].measured is not None:
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
