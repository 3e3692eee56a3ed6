"""Narrative-frame measurement over corpora in English and Russian.

* :mod:`~casusbelli.discourse.lexicon` expands the terms of frames (read and validated by the
  workspace, converted by :mod:`casusbelli.analysis.frames`) into inflected surface forms
  (pymorphy3 for Russian, cached);
* :mod:`~casusbelli.discourse.match` scans documents for all frames in one pass (Hyperscan or
  Aho-Corasick, same counts as a regex alternation);
* :mod:`~casusbelli.discourse.rates` turns counts into rates per 10,000 tokens and window, and
  the "frame shift around a date" indicator (pure maths);
* :mod:`~casusbelli.discourse.counts` turns scan results and corpus rows into per-document
  count tables, rates per window and a case's measured value;
* :mod:`~casusbelli.discourse.kwic` shows hits in context;
* :mod:`~casusbelli.discourse.distributed` runs the scan over Parquet partitions on Dask;
* :mod:`~casusbelli.discourse.embed` (optional) compares sentence embeddings with the lexicon.

Reading a workspace's frames and corpora is the orchestration layer's job
(:mod:`casusbelli.analysis.discourse_ops`).
"""

from __future__ import annotations

from casusbelli.discourse.kwic import KwicLine, kwic
from casusbelli.discourse.lexicon import (
    Example,
    Frame,
    Lexicon,
    build_lexicon,
    normalize_text,
)
from casusbelli.discourse.match import (
    Document,
    FrameScanner,
    Match,
    ScanResult,
    count_tokens,
    scan_documents,
)
from casusbelli.discourse.rates import Indicator, WindowRates, frame_shift, window_rates

__all__ = [
    "Document",
    "Example",
    "Frame",
    "FrameScanner",
    "Indicator",
    "KwicLine",
    "Lexicon",
    "Match",
    "ScanResult",
    "WindowRates",
    "build_lexicon",
    "count_tokens",
    "frame_shift",
    "kwic",
    "normalize_text",
    "scan_documents",
    "window_rates",
]
