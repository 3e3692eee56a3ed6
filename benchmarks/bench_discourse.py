"""Benchmark of the frame scan: Hyperscan vs pyahocorasick vs a Python ``re`` alternation.

The English Kremlin corpus 2000-2020 (shared/data/kremlin, ~19 MB of text) is repeated until it
holds >= 200 MB of UTF-8 text (``quick``: one copy, ~20 MB) and scanned with the built-in frames'
lexicon (all English and Russian forms in one automaton):

* (a)  Hyperscan (the chosen engine), (a') pyahocorasick, (b) one compiled ``re`` alternation of
  the same forms with the same boundary rule; the three must give identical matches (asserted).
  Timed: the engine's ``find`` over the normalised texts (normalisation and token counting are
  the same for every engine and timed separately as "normalise + tokens").
* (c)  ``grep -F -o -i -w -f forms.txt corpus.txt | wc -l`` on the same normalised text, for
  scale only (grep's -w and overlap rules differ, so its count is reported, not compared).
* Dask: the scan of the same corpus written as Parquet files, 2 worker processes vs 1
  (cluster start-up not timed).

Run ``python benchmarks/bench_discourse.py [--quick]`` to print the table.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CASUS_SHARED_DATA", REPO.parent / "shared" / "data"))
CORPUS = SHARED / "kremlin" / "kremlin_en_news_2000_2020.parquet"
FRAMES = REPO / "src" / "casusbelli" / "workspace" / "builtin" / "russia" / "frames"


def _row(
    case: str,
    n: Any,
    seconds: float,
    baseline: str,
    baseline_seconds: float,
    mb: float,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "case": case,
        "n": n,
        "seconds": round(seconds, 3),
        "baseline": baseline,
        "baseline_seconds": round(baseline_seconds, 3),
        "ratio": round(baseline_seconds / seconds, 2) if seconds > 0 else None,
        "mb_per_s": round(mb / seconds, 1) if seconds > 0 else None,
        **extra,
    }


def _timed(fn: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Run the benchmark; returns rows (case, n, seconds, baseline, baseline_seconds, ratio)."""
    if not CORPUS.is_file():
        return [
            {
                "case": "discourse scan (skipped: shared data absent)",
                "n": 0,
                "seconds": 0.0,
                "baseline": "",
                "baseline_seconds": 0.0,
                "ratio": None,
            }
        ]
    import numpy as np
    import pandas as pd

    from casusbelli.analysis.frames import load_frames
    from casusbelli.discourse.distributed import scan_parquet, write_partitioned
    from casusbelli.discourse.lexicon import build_lexicon, normalize_text
    from casusbelli.discourse.match import compile_matcher, count_tokens

    target = (15 if quick else 200) * 1_000_000  # quick: one copy (~20 MB)
    df = pd.read_parquet(CORPUS, columns=["id", "date", "title", "text", "lang"])
    texts = [t or "" for t in df["text"]]
    one_copy = sum(len(t.encode("utf-8")) for t in texts)
    reps = max(1, -(-target // one_copy))
    mb = reps * one_copy / 1e6

    lexicon = build_lexicon(load_frames(FRAMES))
    forms = lexicon.forms
    rows: list[dict[str, Any]] = []

    t_norm, normalised = _timed(lambda: [normalize_text(t) for t in texts])
    t_tok, _ = _timed(lambda: [count_tokens(t) for t in normalised])
    corpus = normalised * reps  # the same string objects, repeated

    t_compile_hs, hs = _timed(lambda: compile_matcher(forms, "hyperscan"))
    t_compile_ac, ac = _timed(lambda: compile_matcher(forms, "aho"))
    t_compile_re, rx = _timed(lambda: compile_matcher(forms, "regex"))

    t_hs, m_hs = _timed(lambda: [hs.find(t) for t in corpus])
    t_ac, m_ac = _timed(lambda: [ac.find(t) for t in corpus])
    t_re, m_re = _timed(lambda: [rx.find(t) for t in corpus])
    assert m_hs == m_re, "hyperscan and re alternation disagree"
    assert m_ac == m_re, "pyahocorasick and re alternation disagree"
    hits = sum(len(m) for m in m_re)
    del m_hs, m_ac, m_re

    n = f"{mb:.0f} MB ({reps}x{len(texts)} docs, {len(forms)} forms)"
    rows.append(_row("scan (a) hyperscan", n, t_hs, "(b) re alternation", t_re, mb, hits=hits))
    rows.append(_row("scan (a') pyahocorasick", n, t_ac, "(b) re alternation", t_re, mb, hits=hits))
    rows.append(_row("scan (a) hyperscan vs (a') aho", n, t_hs, "(a') pyahocorasick", t_ac, mb))
    rows.append(
        _row(
            "normalise + tokens (every engine)",
            f"{one_copy / 1e6:.0f} MB (1 copy)",
            t_norm + t_tok,
            "(a) hyperscan, 1 copy",
            t_hs / reps,
            one_copy / 1e6,
        )
    )
    rows.append(
        _row(
            "compile hyperscan",
            f"{len(forms)} forms",
            t_compile_hs,
            "compile pyahocorasick",
            t_compile_ac,
            0.0,
            re_compile_seconds=round(t_compile_re, 3),
        )
    )

    tmp = Path(tempfile.mkdtemp(prefix="bench-discourse-"))
    try:
        grep = shutil.which("grep")
        if grep:
            corpus_file = tmp / "corpus.txt"
            with open(corpus_file, "w", encoding="utf-8") as fh:
                for _ in range(reps):
                    for t in normalised:
                        fh.write(t)
                        fh.write("\n")
            (tmp / "forms.txt").write_text("\n".join(forms) + "\n", encoding="utf-8")
            env = {**os.environ, "LC_ALL": "C.UTF-8"}
            cmd = f"{grep} -F -o -i -w -f {tmp / 'forms.txt'} {corpus_file} | wc -l"
            t_grep, out = _timed(
                lambda: subprocess.run(
                    cmd, shell=True, env=env, capture_output=True, text=True, check=True
                )
            )
            rows.append(
                _row(
                    "(c) grep -F -o -i -w | wc -l",
                    n,
                    t_grep,
                    "(a) hyperscan",
                    t_hs,
                    mb,
                    hits=int(out.stdout.strip() or 0),
                )
            )
            corpus_file.unlink()

        # Dask: the repeated corpus as Parquet partitions, 1 vs 2 worker processes
        frame = pd.DataFrame(
            {
                "doc_id": df["id"].astype(str),
                "date": df["date"],
                "title": df["title"],
                "text": texts,
                "lang": df["lang"],
            }
        )
        parts = []
        for r in range(reps):
            copy = frame.assign(doc_id=frame["doc_id"] + f"-{r}")
            parts += write_partitioned(copy, tmp / f"copy{r}")
        from dask.distributed import Client, LocalCluster

        timings = {}
        results = {}
        for workers in (1, 2):
            with (
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                ) as cluster,
                Client(cluster) as client,
            ):
                timings[workers], results[workers] = _timed(
                    lambda c=client: scan_parquet(parts, lexicon, client=c)
                )
        assert np.array_equal(results[1].counts, results[2].counts)
        rows.append(
            _row(
                "dask scan, 2 worker processes",
                f"{mb:.0f} MB in {len(parts)} parquet files",
                timings[2],
                "dask, 1 worker process",
                timings[1],
                mb,
                hits=int(results[2].counts.sum()),
            )
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    table = run(quick=quick)
    keys = ["case", "n", "seconds", "baseline", "baseline_seconds", "ratio", "mb_per_s", "hits"]
    print(" | ".join(keys))
    for row in table:
        print(" | ".join(str(row.get(k, "")) for k in keys))
