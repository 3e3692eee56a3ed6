"""Per-document frame counts as tables: documents from corpus rows and thread posts, the
derived-counts table, rates per window, and the measured value of a case.

Pure: pandas and NumPy in, typed results out. Reading corpora, a workspace's shipped counts
(``measures/<corpus>.parquet``) and its frames is the orchestration layer's job
(:mod:`casusbelli.analysis.discourse_ops`), which hands the frames and arrays to this module.

Shipped frame counts hold *derived* numbers only (per document: id, date, title, URL, tokens,
hits per frame), so a workspace can compute measured indicators on a machine without the texts
(:mod:`casusbelli.analysis.measured` fills them in with :func:`measure_case`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from casusbelli.discourse.match import Document, ScanResult
from casusbelli.discourse.rates import frame_shift, window_keys, window_rates
from casusbelli.errors import AnalysisError

__all__ = [
    "frame_counts_table",
    "frame_documents",
    "frame_rates",
    "measure_case",
    "thread_documents",
]


def _text_or_none(value: Any) -> str | None:
    """A stored optional text (title, lang) as ``str``, or ``None`` when it is missing.

    pandas' ``str`` dtype (what DuckDB and ``read_parquet`` give) holds a Parquet null as
    NaN, and ``pd.NA`` has no truth value; both become ``None`` here.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def frame_documents(df: pd.DataFrame) -> list[Document]:
    """The rows of a corpus's documents table (``doc_id`` or ``id``, ``text``, ``date``, and
    optional ``title`` and ``lang``) as :class:`Document` tuples, in row order."""
    cols = set(df.columns)
    id_col = "doc_id" if "doc_id" in cols else "id"
    out = []
    for row in df.itertuples(index=False):
        d = row._asdict()
        date = d.get("date")
        out.append(
            Document(
                doc_id=str(d[id_col]),
                text=_text_or_none(d.get("text")) or "",
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
