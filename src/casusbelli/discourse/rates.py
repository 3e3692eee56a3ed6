r"""Frame rates per window, and the measured indicator "frame shift around a date" (pure).

Inputs are plain arrays: ``counts`` (documents x frames hit counts), ``tokens`` (word tokens per
document) and ``dates`` (``numpy.datetime64[D]``, ``NaT`` when a document has no date), as
produced by :class:`casusbelli.discourse.match.ScanResult`. Nothing here reads files.

The rate of frame :math:`k` in a window :math:`W` (a set of documents) is hits per 10,000
tokens,

.. math:: r_k(W) = 10^4 \, \frac{\sum_{d \in W} h_{dk}}{\sum_{d \in W} n_d},

pooled over the window's documents (a long speech weighs more than a short greeting). A window
without tokens has no rate: it is reported as ``NaN`` in arrays and ``None`` in an
:class:`Indicator`, never as 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from casusbelli.errors import AnalysisError

__all__ = [
    "PER",
    "Indicator",
    "WindowRates",
    "WindowStats",
    "frame_shift",
    "rates",
    "to_dates",
    "window_keys",
    "window_rates",
]

#: Rates are hits per this many tokens.
PER = 10_000

Unit = Literal["year", "month", "document"]
Kind = Literal["ratio", "difference", "log_ratio"]


def to_dates(values: Sequence[str | None] | ArrayLike) -> np.ndarray:
    """Return ``values`` (``YYYY-MM-DD`` strings, ``None`` for unknown) as ``datetime64[D]``."""
    raw = [v if v not in (None, "") else "NaT" for v in np.asarray(values, dtype=object)]
    try:
        return np.array(raw, dtype="datetime64[D]")
    except ValueError as exc:
        raise AnalysisError(f"not a date: {exc}", field="dates") from exc


def _check(counts: ArrayLike, tokens: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    c = np.asarray(counts)
    t = np.asarray(tokens)
    if c.ndim == 1:
        c = c.reshape(-1, 1)
    if c.ndim != 2 or t.ndim != 1 or c.shape[0] != t.shape[0]:
        raise AnalysisError(
            f"counts must be (documents, frames) and tokens (documents,), got {c.shape} and "
            f"{t.shape}",
            field="counts",
        )
    if (c < 0).any() or (t < 0).any():
        raise AnalysisError("counts and tokens must be non-negative", field="counts")
    if (c.sum(axis=1) > t).any():
        raise AnalysisError("a document has more hits than tokens", field="counts")
    return c.astype(np.int64), t.astype(np.int64)


def rates(counts: ArrayLike, tokens: ArrayLike, per: int = PER) -> np.ndarray:
    r"""Rate per ``per`` tokens of each frame in each row.

    .. math:: r_{dk} = \text{per} \cdot h_{dk} / n_d

    Rows with no tokens give ``NaN``.
    """
    c, t = _check(counts, tokens)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = per * c / t[:, None]
    out[t == 0, :] = np.nan
    return out


def window_keys(dates: ArrayLike, unit: Unit = "year") -> np.ndarray:
    """Window label of each document: ``"2014"`` (year), ``"2014-03"`` (month), or its index.

    Undated documents (``NaT``) get the label ``""`` and are left out by
    :func:`window_rates`.
    """
    d = np.asarray(dates, dtype="datetime64[D]")
    if unit == "document":
        return np.array([str(i) for i in range(d.size)], dtype=object)
    if unit not in ("year", "month"):
        raise AnalysisError(
            f"unknown window unit {unit!r} (allowed: year, month, document)", field="unit"
        )
    code = "Y" if unit == "year" else "M"
    labels = d.astype(f"datetime64[{code}]").astype(str)
    labels = np.where(np.isnat(d), "", labels)
    return labels.astype(object)


@dataclass(frozen=True)
class WindowRates:
    """Hits, tokens, documents and rates per window (rows) and frame (columns)."""

    windows: tuple[str, ...]
    frame_ids: tuple[str, ...]
    hits: np.ndarray
    tokens: np.ndarray
    n_docs: np.ndarray
    rates: np.ndarray
    per: int = PER

    def as_records(self) -> list[dict[str, object]]:
        """One mapping per (window, frame): window, frame, hits, tokens, n_docs, rate."""
        out: list[dict[str, object]] = []
        for i, w in enumerate(self.windows):
            for k, f in enumerate(self.frame_ids):
                rate = float(self.rates[i, k])
                out.append(
                    {
                        "window": w,
                        "frame": f,
                        "hits": int(self.hits[i, k]),
                        "tokens": int(self.tokens[i]),
                        "n_docs": int(self.n_docs[i]),
                        "rate": None if math.isnan(rate) else rate,
                    }
                )
        return out


def window_rates(
    counts: ArrayLike,
    tokens: ArrayLike,
    keys: ArrayLike,
    frame_ids: Sequence[str],
    *,
    per: int = PER,
) -> WindowRates:
    r"""Pool documents by window label (``keys``, e.g. from :func:`window_keys`).

    .. math:: r_k(W) = \text{per} \cdot \sum_{d \in W} h_{dk} \,/\, \sum_{d \in W} n_d

    Documents whose key is ``""`` (undated) are left out. Windows are sorted by label.
    """
    c, t = _check(counts, tokens)
    k = np.asarray(keys, dtype=object)
    if k.shape[0] != t.shape[0]:
        raise AnalysisError("keys and tokens differ in length", field="keys")
    if c.shape[1] != len(frame_ids):
        raise AnalysisError("counts and frame_ids differ in width", field="frame_ids")
    keep = k != ""
    labels, inverse = np.unique(k[keep].astype(str), return_inverse=True)
    n = labels.size
    hits = np.zeros((n, c.shape[1]), dtype=np.int64)
    np.add.at(hits, inverse, c[keep])
    tok = np.bincount(inverse, weights=t[keep], minlength=n).astype(np.int64)
    docs = np.bincount(inverse, minlength=n).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = per * hits / tok[:, None]
    r[tok == 0, :] = np.nan
    return WindowRates(tuple(str(x) for x in labels), tuple(frame_ids), hits, tok, docs, r, per)


@dataclass(frozen=True)
class WindowStats:
    """Provenance of one window: its dates (inclusive), documents, tokens, hits and rate."""

    start: str
    end: str
    n_docs: int
    tokens: int
    hits: int
    rate: float | None


@dataclass(frozen=True)
class Indicator:
    """A measured indicator value with its provenance.

    ``value`` is ``None`` when it cannot be computed (a window without tokens, or a baseline
    rate of 0 for ``kind="ratio"``); ``reason`` then says why. ``ci95`` is the Wald 95%
    interval of the rate ratio (``kind`` ratio or log_ratio, on that scale), when defined.
    """

    kind: str
    frames: tuple[str, ...]
    value: float | None
    window: WindowStats
    baseline: WindowStats
    per: int = PER
    ci95: tuple[float, float] | None = None
    reason: str | None = None


def _stats(
    mask: np.ndarray,
    start: np.datetime64,
    end: np.datetime64,
    h: np.ndarray,
    t: np.ndarray,
    per: int,
) -> WindowStats:
    hits = int(h[mask].sum())
    tokens = int(t[mask].sum())
    rate = per * hits / tokens if tokens > 0 else None
    return WindowStats(str(start), str(end), int(mask.sum()), tokens, hits, rate)


def _check_shift(
    frame_ids: Sequence[str],
    frames: Sequence[str],
    kind: str,
    window_days: int,
    baseline_days: int,
    gap_days: int,
) -> None:
    """Refuse unknown or missing frames, an unknown ``kind`` and empty or negative windows."""
    unknown = [f for f in frames if f not in frame_ids]
    if unknown or not frames:
        raise AnalysisError(
            f"unknown frame(s) {unknown} (known: {', '.join(frame_ids)})"
            if unknown
            else "no frames given",
            field="frames",
        )
    if kind not in ("ratio", "difference", "log_ratio"):
        raise AnalysisError(
            f"unknown kind {kind!r} (allowed: ratio, difference, log_ratio)", field="kind"
        )
    if window_days <= 0 or baseline_days <= 0 or gap_days < 0:
        raise AnalysisError("window_days and baseline_days must be > 0, gap_days >= 0")


def _windows(
    d: np.ndarray,
    e: np.datetime64,
    h: np.ndarray,
    t: np.ndarray,
    window_days: int,
    baseline_days: int,
    gap_days: int,
    per: int,
) -> tuple[WindowStats, WindowStats]:
    """The window ``[e, e + window_days)`` and the baseline
    ``[e - gap_days - baseline_days, e - gap_days)``, pooled (see :func:`frame_shift`).

    Parameters
    ----------
    d
        Document dates (``datetime64[D]``; ``NaT`` is in neither window).
    e
        The event date.
    h, t
        Per document, the hits of the chosen frames and the tokens.

    Returns
    -------
    window, baseline : WindowStats
        Each with its inclusive dates, documents, tokens, hits and rate per ``per`` tokens.
    """
    one = np.timedelta64(1, "D")
    w0, w1 = e, e + window_days * one
    b1 = e - gap_days * one
    b0 = b1 - baseline_days * one
    dated = ~np.isnat(d)
    in_w = dated & (d >= w0) & (d < w1)
    in_b = dated & (d >= b0) & (d < b1)
    win = _stats(in_w, w0, w1 - one, h, t, per)
    base = _stats(in_b, b0, b1 - one, h, t, per)
    return win, base


def _rate_ratio_ci(
    win: WindowStats, base: WindowStats, w_rate: float, b_rate: float, kind: str
) -> tuple[float, float] | None:
    r"""Wald 95% interval of the rate ratio :math:`r_W / r_B`, on the log scale.

    .. math:: \exp\left(\log(r_W/r_B) \pm 1.96\sqrt{1/H_W + 1/H_B}\right)

    Defined when both hit counts are positive (else ``None``); for ``kind="ratio"`` the bounds
    are exponentiated, otherwise they stay on the log scale.

    Rothman, K. J., Greenland, S. & Lash, T. L. (2008). *Modern Epidemiology*, 3rd ed., ch. 14,
    rate ratio for person-time data.
    """
    ci: tuple[float, float] | None = None
    if win.hits > 0 and base.hits > 0:
        log_rr = math.log(w_rate / b_rate)
        se = math.sqrt(1 / win.hits + 1 / base.hits)
        lo, hi = log_rr - 1.96 * se, log_rr + 1.96 * se
        ci = (math.exp(lo), math.exp(hi)) if kind == "ratio" else (lo, hi)
    return ci


def frame_shift(
    counts: ArrayLike,
    tokens: ArrayLike,
    dates: ArrayLike,
    frame_ids: Sequence[str],
    frames: Sequence[str],
    event: str | np.datetime64,
    *,
    window_days: int = 30,
    baseline_days: int = 365,
    gap_days: int = 0,
    kind: Kind = "ratio",
    per: int = PER,
) -> Indicator:
    r"""Rate of a set of frames in a window after a date, relative to a baseline before it.

    The window is ``[event, event + window_days)``; the baseline is
    ``[event - gap_days - baseline_days, event - gap_days)``. With :math:`H` the pooled hits
    of the frames in ``frames`` (a hit of each counts) and :math:`N` the pooled tokens,

    .. math::

        r_W = \text{per} \, H_W / N_W, \qquad r_B = \text{per} \, H_B / N_B

        \text{ratio} = r_W / r_B, \qquad \text{difference} = r_W - r_B, \qquad
        \text{log\_ratio} = \log\frac{(H_W + 0.5)/N_W}{(H_B + 0.5)/N_B}

    The 95% interval of the rate ratio is the Wald interval on the log scale,
    :math:`\exp(\log(r_W/r_B) \pm 1.96\sqrt{1/H_W + 1/H_B})`, defined when both counts are
    positive (Rothman, K. J., Greenland, S. & Lash, T. L. (2008). *Modern Epidemiology*,
    3rd ed., ch. 14, rate ratio for person-time data). The 0.5 added in ``log_ratio`` is the
    usual continuity correction so that a zero count gives a finite value.

    Returns
    -------
    Indicator
        ``value`` and both windows' provenance (dates, documents, tokens, hits, rate).
    """
    c, t = _check(counts, tokens)
    d = np.asarray(dates, dtype="datetime64[D]")
    if d.shape[0] != t.shape[0]:
        raise AnalysisError("dates and tokens differ in length", field="dates")
    _check_shift(frame_ids, frames, kind, window_days, baseline_days, gap_days)
    cols = [list(frame_ids).index(f) for f in frames]
    h = c[:, cols].sum(axis=1)
    e = np.datetime64(event, "D")
    if np.isnat(e):
        raise AnalysisError("event date is not a date", field="event")
    win, base = _windows(d, e, h, t, window_days, baseline_days, gap_days, per)
    common = {"kind": kind, "frames": tuple(frames), "window": win, "baseline": base, "per": per}
    if win.tokens == 0 or base.tokens == 0:
        which = "window" if win.tokens == 0 else "baseline"
        return Indicator(value=None, reason=f"the {which} has no tokens", **common)
    w_rate = per * win.hits / win.tokens
    b_rate = per * base.hits / base.tokens
    ci = _rate_ratio_ci(win, base, w_rate, b_rate, kind)
    if kind == "difference":
        return Indicator(value=w_rate - b_rate, **common)
    if kind == "log_ratio":
        value = math.log(((win.hits + 0.5) / win.tokens) / ((base.hits + 0.5) / base.tokens))
        return Indicator(value=value, ci95=ci, **common)
    if base.hits == 0:
        return Indicator(value=None, reason="the baseline rate is 0", **common)
    return Indicator(value=w_rate / b_rate, ci95=ci, **common)
