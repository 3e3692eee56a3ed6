"""The discourse section of ``casus analyze``: frame rates by year and measured indicators."""

from __future__ import annotations

from typing import Any

from casusbelli.discourse.service import frame_rates, load_frame_counts

__all__ = ["discourse_section"]


def discourse_section(ws: Any, store_url: str, progress: Any = None) -> dict[str, Any]:
    """Frame rates per year in each shipped corpus, and every measured indicator per case."""
    del store_url, progress
    measured = [i for i in ws.indicators.values() if i.measured is not None]
    corpora = sorted({i.measured.corpus for i in measured})
    tables: list[dict[str, Any]] = []
    data: dict[str, Any] = {"corpora": {}, "measured": {}}
    for corpus in corpora:
        counts = load_frame_counts(ws, corpus)
        lang = next((i.measured.lang for i in measured if i.measured.corpus == corpus), None)
        if lang and "lang" in counts.columns:
            counts = counts[counts["lang"] == lang]
        frames = [f for f in ws.frames if f in counts.columns]
        records = frame_rates(counts, frames, "year")
        data["corpora"][corpus] = records
        years = sorted({r["window"] for r in records})
        rows = []
        for y in years:
            by = {r["frame"]: r for r in records if r["window"] == y}
            first = next(iter(by.values()))
            rows.append(
                [
                    y,
                    first["n_docs"],
                    first["tokens"],
                    *(None if by[f]["rate"] is None else round(by[f]["rate"], 1) for f in frames),
                ]
            )
        tables.append(
            {
                "title": f"Frame rates per 10,000 tokens by year — corpus {corpus}"
                + (f" ({lang})" if lang else ""),
                "columns": ["year", "docs", "tokens", *frames],
                "rows": rows,
            }
        )
    for ind in measured:
        rows = []
        values = {}
        for cid, case in ws.cases.items():
            cd = case.codings.get(ind.id)
            values[cid] = None if cd is None else cd.value
            if cd is not None and cd.value is not None:
                rows.append(
                    [cid, case.start, cd.value, cd.rationale.split("; ratio ")[-1].split(",")[0]]
                )
        data["measured"][ind.id] = values
        known = sum(v is not None for v in values.values())
        tables.append(
            {
                "title": f"Measured indicator {ind.id} ({known} of {len(values)} cases covered by "
                f"the corpus; the rest unknown)",
                "columns": ["case", "start", "membership", "rate ratio"],
                "rows": rows,
            }
        )
    if not measured:
        return {
            "title": "Discourse frames",
            **data,
            "lines": ["No measured indicator: declare one with `measured:` in indicators.yaml."],
        }
    return {"title": "Discourse frames", **data, "tables": tables}
