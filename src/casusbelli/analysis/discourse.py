"""The discourse section of ``casus analyze``: frame rates by year and measured indicators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from casusbelli.analysis.sections import Section, Table

__all__ = ["DiscourseSection", "FrameRate", "discourse_section"]

TITLE = "Discourse frames"


@dataclass(frozen=True)
class FrameRate:
    """Hits of one frame in one window of a corpus, per 10,000 tokens (``None``: no tokens)."""

    window: str
    frame: str
    hits: int
    tokens: int
    n_docs: int
    rate: float | None


@dataclass(frozen=True, kw_only=True)
class DiscourseSection(Section):
    """Frame rates per corpus and year, and each measured indicator's value per case."""

    corpora: Mapping[str, tuple[FrameRate, ...]] = field(default_factory=dict)
    #: indicator -> case -> membership (``None``: the corpus does not cover the case)
    measured: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        return {"corpora": {c: [asdict(r) for r in recs] for c, recs in self.corpora.items()},
                "measured": {i: dict(v) for i, v in self.measured.items()}}


def _round1(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def _corpus_table(corpus: str, lang: str | None, records: tuple[FrameRate, ...],
                  frames: list[str]) -> Table:
    rows = []
    for y in sorted({r.window for r in records}):
        by = {r.frame: r for r in records if r.window == y}
        first = next(iter(by.values()))
        rows.append([y, first.n_docs, first.tokens,
                     *(_round1(by[f].rate) for f in frames)])
    return Table.of(f"Frame rates per 10,000 tokens by year — corpus {corpus}"
                    + (f" ({lang})" if lang else ""),
                    ["year", "docs", "tokens", *frames], rows)


def discourse_section(ws: Any, store_url: str | None = None,
                      progress: Any = None) -> DiscourseSection:
    """Frame rates per year in each shipped corpus, and every measured indicator per case."""
    from casusbelli.analysis.discourse_ops import load_frame_counts
    from casusbelli.discourse.counts import frame_rates

    del store_url, progress
    measured = [i for i in ws.indicators.values() if i.measured is not None]
    if not measured:
        return DiscourseSection(title=TITLE, lines=(
            "No measured indicator: declare one with `measured:` in indicators.yaml.",))
    tables: list[Table] = []
    corpora: dict[str, tuple[FrameRate, ...]] = {}
    for corpus in sorted({i.measured.corpus for i in measured}):
        counts = load_frame_counts(ws, corpus)
        lang = next((i.measured.lang for i in measured if i.measured.corpus == corpus), None)
        if lang and "lang" in counts.columns:
            counts = counts[counts["lang"] == lang]
        frames = [f for f in ws.frames if f in counts.columns]
        records = tuple(FrameRate(window=str(r["window"]), frame=str(r["frame"]),
                                  hits=int(r["hits"]), tokens=int(r["tokens"]),
                                  n_docs=int(r["n_docs"]), rate=r["rate"])
                        for r in frame_rates(counts, frames, "year"))
        corpora[corpus] = records
        tables.append(_corpus_table(corpus, lang, records, frames))
    values_by: dict[str, dict[str, float | None]] = {}
    for ind in measured:
        rows = []
        values: dict[str, float | None] = {}
        for cid, case in ws.cases.items():
            cd = case.codings.get(ind.id)
            values[cid] = None if cd is None else cd.value
            if cd is not None and cd.value is not None:
                rows.append(
                    [cid, case.start, cd.value, cd.rationale.split("; ratio ")[-1].split(",")[0]])
        values_by[ind.id] = values
        known = sum(v is not None for v in values.values())
        tables.append(Table.of(
            f"Measured indicator {ind.id} ({known} of {len(values)} cases covered by the "
            "corpus; the rest unknown)", ["case", "start", "membership", "rate ratio"], rows))
    return DiscourseSection(title=TITLE, corpora=corpora, measured=values_by,
                            tables=tuple(tables))
