"""Frame measurement on a workspace: lexicon from its frames, scans of its corpora, measured
indicators.

This is the I/O edge of :mod:`casusbelli.discourse`: it reads corpora (the Parquet/DuckDB
corpus store, or a workspace's shipped frame counts in ``measures/<corpus>.parquet``) and hands
plain arrays to the pure functions in :mod:`~casusbelli.discourse.rates`.

Shipped frame counts hold *derived* numbers only (per document: id, date, title, URL, tokens,
hits per frame), so a workspace can compute measured indicators on a machine without the texts
(:mod:`casusbelli.analysis.measured` fills them in with :func:`measure_case`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from casusbelli.discourse.kwic import KwicLine, kwic
from casusbelli.discourse.lexicon import Frame as LexFrame
from casusbelli.discourse.lexicon import Lexicon, build_lexicon
from casusbelli.discourse.match import Document, FrameScanner, ScanResult
from casusbelli.discourse.rates import frame_shift, window_keys, window_rates
from casusbelli.errors import AnalysisError, SourceError

__all__ = [
    "corpus_documents",
    "frame_counts_table",
    "frame_rates",
    "kwic_lines",
    "load_frame_counts",
    "measure_case",
    "scan_corpus",
    "scan_documents",
    "thread_documents",
    "workspace_lexicon",
]


def workspace_lexicon(
    ws: Any, cache_dir: Path | None = None, frames: Iterable[str] | None = None
) -> Lexicon:
    """Expand the workspace's frames (all, or the ids in ``frames``) into a lexicon."""
    wanted = list(frames) if frames is not None else list(ws.frames)
    unknown = [f for f in wanted if f not in ws.frames]
    if unknown:
        raise AnalysisError(
            f"unknown frame id {unknown[0]!r}; frames: {', '.join(ws.frames)}", field="--frames"
        )
    if not wanted:
        raise AnalysisError("the workspace has no frames (frames/<id>.yaml)")
    lex_frames = [
        LexFrame(
            id=fid,
            label=ws.frames[fid].label,
            description=ws.frames[fid].description,
            terms={k: tuple(v) for k, v in ws.frames[fid].terms.items()},
        )
        for fid in wanted
    ]
    return build_lexicon(lex_frames, cache_dir=cache_dir)


def _text_or_none(value: Any) -> str | None:
    """A stored optional text (title, lang) as ``str``, or ``None`` when it is missing.

    pandas' ``str`` dtype (what DuckDB and ``read_parquet`` give) holds a Parquet null as
    NaN, and ``pd.NA`` has no truth value; both become ``None`` here.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def corpus_documents(
    store: Any, name: str, start: str | None = None, end: str | None = None
) -> list[Document]:
    """The documents of an ingested corpus as :class:`Document` tuples, in date order."""
    df = store.documents(name, start=start, end=end)
    cols = set(df.columns)
    id_col = "doc_id" if "doc_id" in cols else "id"
    out = []
    for row in df.itertuples(index=False):
        d = row._asdict()
        date = d.get("date")
        out.append(
            Document(
                doc_id=str(d[id_col]),
                text=str(d.get("text") or ""),
                date=None
                if date is None or (isinstance(date, float) and math.isnan(date))
                else str(date)[:10],
                title=_text_or_none(d.get("title")),
                lang=_text_or_none(d.get("lang")),
            )
        )
    return out


def thread_documents(doc: dict[str, Any], lang: str | None = None) -> list[Document]:
    """The posts of an ingested thread (its JSON document) as :class:`Document` tuples.

    Each post is one document with id ``"post N"`` (the locator it is cited by) and the
    thread's date, so that frames are counted per post and per thread as in a corpus.
    """
    date = doc.get("date")
    if not date:
        dated = [p.get("created_at") for p in doc.get("posts", []) if p.get("created_at")]
        date = dated[0] if dated else None
    return [
        Document(
            doc_id=f"post {p['n']}",
            text=str(p["text"]),
            date=str(p.get("created_at") or date)[:10] if (p.get("created_at") or date) else None,
            title=None,
            lang=lang,
        )
        for p in doc.get("posts", [])
    ]


def scan_documents(
    ws: Any,
    documents: list[Document],
    *,
    engine: str = "auto",
    frames: Iterable[str] | None = None,
    cache_dir: Path | None = None,
    keep_matches: bool = False,
    progress: Any = None,
) -> ScanResult:
    """Count every frame in ``documents`` (e.g. a thread's posts) with the workspace's frames."""
    if engine == "dask":
        raise AnalysisError(
            "the dask engine scans Parquet corpora only; use auto, hyperscan, aho or regex",
            field="--engine",
        )
    lex = workspace_lexicon(ws, cache_dir, frames)
    return FrameScanner(lex, engine).scan(documents, keep_matches=keep_matches, progress=progress)


def scan_corpus(
    ws: Any,
    store: Any,
    name: str,
    *,
    engine: str = "auto",
    frames: Iterable[str] | None = None,
    cache_dir: Path | None = None,
    keep_matches: bool = False,
    scheduler: str | None = None,
    progress: Any = None,
) -> ScanResult:
    """Count every frame in every document of corpus ``name`` (locally, or on Dask)."""
    lex = workspace_lexicon(ws, cache_dir, frames)
    if engine == "dask":
        from casusbelli.discourse.distributed import scan_parquet

        # only the files the manifest lists: a crashed ingest's leftovers are not the corpus
        files = [store.root / name / f for f in store.manifest(name)["files"]]
        if not files:
            raise AnalysisError(f"corpus {name!r} has no documents", field="corpus")
        return scan_parquet(files, lex, scheduler=scheduler)  # type: ignore[no-any-return]
    docs = corpus_documents(store, name)
    return FrameScanner(lex, engine).scan(docs, keep_matches=keep_matches, progress=progress)


def frame_counts_table(result: ScanResult, urls: dict[str, str] | None = None) -> pd.DataFrame:
    """Per-document derived counts (no text): doc_id, date, title, url, tokens, one column per
    frame."""
    df = pd.DataFrame(
        {
            "doc_id": list(result.doc_ids),
            "date": list(result.dates),
            "title": list(result.titles),
            "tokens": np.asarray(result.tokens, dtype=np.int64),
        }
    )
    if urls is not None:
        df["url"] = [urls.get(d) for d in result.doc_ids]
    for k, fid in enumerate(result.frame_ids):
        df[fid] = np.asarray(result.counts)[:, k].astype(np.int64)
    return df


def load_frame_counts(ws: Any, corpus: str) -> pd.DataFrame:
    """Read ``measures/<corpus>.parquet`` of a workspace."""
    path = Path(ws.root) / "measures" / f"{corpus}.parquet"
    if not path.exists():
        raise SourceError(
            f"no frame counts for corpus {corpus!r} (measures/{corpus}.parquet)",
            hint="scripts/build_frame_counts.py or `casus frames CORPUS --save` writes them",
        )
    return pd.read_parquet(path)


def frame_rates(
    counts: pd.DataFrame, frame_ids: list[str], by: str = "year"
) -> list[dict[str, Any]]:
    """Hits and rate per 10,000 tokens per frame and window (``year``, ``month`` or
    ``document``)."""
    if by not in ("year", "month", "document"):
        raise AnalysisError(
            f"unknown window {by!r}; expected year, month or document", field="--by"
        )
    missing = [f for f in frame_ids if f not in counts.columns]
    if missing:
        raise AnalysisError(f"frame {missing[0]!r} is not counted in this corpus")
    dates = counts["date"].astype("string").fillna("").tolist()
    if by == "document":
        rows = []
        for i, r in enumerate(counts.itertuples(index=False)):
            tok = int(r.tokens)
            for f in frame_ids:
                hits = int(getattr(r, f))
                rows.append(
                    {
                        "frame": f,
                        "document": r.doc_id,
                        "date": dates[i] or None,
                        "title": _text_or_none(r.title),
                        "hits": hits,
                        "tokens": tok,
                        "rate": hits * 10000 / tok if tok else None,
                    }
                )
        return rows
    keys = window_keys(dates, by)  # type: ignore[arg-type]  # checked above
    wr = window_rates(counts[frame_ids].to_numpy(), counts["tokens"].to_numpy(), keys, frame_ids)
    return wr.as_records()


def kwic_lines(
    ws: Any,
    store: Any,
    corpus: str,
    frame: str,
    *,
    limit: int = 20,
    width: int = 60,
    cache_dir: Path | None = None,
    documents: list[Document] | None = None,
) -> list[KwicLine]:
    """Keyword-in-context lines of ``frame`` in an ingested corpus (or in ``documents``,
    e.g. a thread's posts, when given)."""
    lex = workspace_lexicon(ws, cache_dir)
    if frame not in lex.frame_ids:
        raise AnalysisError(f"unknown frame id {frame!r}", field="FRAME")
    scanner = FrameScanner(lex)
    docs = documents if documents is not None else corpus_documents(store, corpus)
    return kwic(docs, scanner, frames=[frame], width=width, limit=limit)


# --------------------------------------------------------------------------- measured indicators
def measure_case(counts: pd.DataFrame, spec: Any, start: str) -> dict[str, Any]:
    """The measured value of one case: rate ratio of the spec's frames after ``start`` against
    the baseline before it, calibrated into [0, 1] with the spec's thresholds.

    Returns a mapping with ``value`` (``None`` when the corpus does not cover both windows),
    ``raw`` (the rate ratio) and the windows' provenance.
    """
    from casusbelli.cross.calibrate import calibrate

    frame_ids = [
        c for c in counts.columns if c not in ("doc_id", "date", "title", "tokens", "url", "lang")
    ]
    dated = counts[counts["date"].notna()]
    ind = frame_shift(
        dated[frame_ids].to_numpy(),
        dated["tokens"].to_numpy(),
        dated["date"].astype(str).to_numpy(),
        frame_ids,
        list(spec.frames),
        start[:10]
        if len(start) >= 10
        else (start + "-01")[:10]
        if len(start) == 7
        else start + "-01-01",
        window_days=spec.window_days,
        baseline_days=spec.baseline_days,
        kind="ratio",
    )
    out: dict[str, Any] = {
        "raw": ind.value,
        "window": vars(ind.window),
        "baseline": vars(ind.baseline),
        "reason": ind.reason,
    }
    out["baseline_coverage"] = _month_coverage(
        dated["date"].astype(str), ind.baseline.start, ind.baseline.end
    )
    out["window_coverage"] = _month_coverage(
        dated["date"].astype(str), ind.window.start, ind.window.end
    )
    if min(out["baseline_coverage"], out["window_coverage"]) < spec.min_coverage:
        out["value"] = None
        out["reason"] = (
            f"the corpus covers {out['window_coverage']:.0%} of the window's months "
            f"and {out['baseline_coverage']:.0%} of the baseline's (needs "
            f"{spec.min_coverage:.0%})"
        )
        return out
    if (
        ind.value is None
        or ind.window.n_docs < spec.min_docs
        or ind.baseline.n_docs < spec.min_docs
    ):
        out["value"] = None
        if ind.reason is None:
            out["reason"] = (
                f"fewer than {spec.min_docs} documents in the window "
                f"({ind.window.n_docs}) or the baseline ({ind.baseline.n_docs})"
            )
        return out
    out["value"] = round(float(calibrate([ind.value], list(spec.calibration))[0]), 3)
    return out


def _month_coverage(dates: pd.Series, start: str, end: str) -> float:
    """Share of the calendar months in [start, end] that have at least one document."""
    months = pd.period_range(start[:7], end[:7], freq="M").astype(str)
    have = set(dates.str[:7])
    return sum(1 for m in months if m in have) / len(months) if len(months) else 0.0
