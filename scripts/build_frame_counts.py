"""Build the built-in workspace's shipped frame counts from the Kremlin corpora in ../shared/data.

Writes ``src/casusbelli/workspace/builtin/russia/measures/kremlin.parquet``: one row per
document (id, date, lang, title, URL, word tokens, hits per frame) and no text — derived counts
from kremlin.ru content (CC BY 4.0, attribution: President of Russia, kremlin.ru).

Usage: python scripts/build_frame_counts.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from casusbelli.discourse.match import Document, FrameScanner
from casusbelli.analysis.discourse_ops import workspace_lexicon
from casusbelli.discourse.counts import frame_counts_table
from casusbelli.workspace import builtin_path, load_workspace

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args(argv)
    en = pd.read_parquet(args.data / "kremlin" / "kremlin_en_news_2000_2020.parquet")
    key = pd.read_json(args.data / "kremlin-key" / "speeches.jsonl", lines=True)
    en = en.assign(doc_id="kremlin-en-" + en["id"].astype(str), lang="en")
    key = key.assign(doc_id=key["id"].astype(str))
    both = pd.concat([en[["doc_id", "date", "lang", "title", "url", "text"]],
                      key[["doc_id", "date", "lang", "title", "url", "text"]]], ignore_index=True)
    both = both.drop_duplicates("doc_id")
    both["date"] = pd.to_datetime(both["date"], errors="coerce").dt.strftime("%Y-%m-%d")
    ws = load_workspace(builtin_path("russia"))
    lex = workspace_lexicon(ws)
    docs = [Document(r.doc_id, r.text or "", r.date if isinstance(r.date, str) else None,
                     r.title, r.lang) for r in both.itertuples(index=False)]
    result = FrameScanner(lex).scan(docs)
    table = frame_counts_table(result, urls=dict(zip(both["doc_id"], both["url"], strict=True)))
    table.insert(2, "lang", both.set_index("doc_id").loc[table["doc_id"], "lang"].to_numpy())
    out = builtin_path("russia") / "measures" / "kremlin.parquet"
    out.parent.mkdir(exist_ok=True)
    table.sort_values(["date", "doc_id"], na_position="first").to_parquet(out, index=False)
    print(f"wrote {out}: {len(table)} documents, {int(table['tokens'].sum())} tokens")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
