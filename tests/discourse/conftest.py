"""Fixtures of the discourse tests: the built-in frames, their lexicon, real corpus samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casusbelli.analysis.frames import load_frames
from casusbelli.discourse.lexicon import Frame, Lexicon, build_lexicon
from casusbelli.discourse.match import Document

REPO = Path(__file__).resolve().parents[2]
FRAMES_DIR = REPO / "src" / "casusbelli" / "workspace" / "builtin" / "russia" / "frames"


@pytest.fixture(scope="session")
def builtin_frames() -> list[Frame]:
    return load_frames(FRAMES_DIR)


@pytest.fixture(scope="session")
def builtin_lexicon(
    builtin_frames: list[Frame], tmp_path_factory: pytest.TempPathFactory
) -> Lexicon:
    return build_lexicon(builtin_frames, cache_dir=tmp_path_factory.mktemp("lexicon-cache"))


@pytest.fixture(scope="session")
def english_docs(shared_data: Path) -> list[Document]:
    """All 7,235 documents of the English Kremlin corpus 2000-2020."""
    import pandas as pd

    df = pd.read_parquet(shared_data / "kremlin" / "kremlin_en_news_2000_2020.parquet")
    return [
        Document(
            str(r.id), r.text or "", r.date if isinstance(r.date, str) else None, r.title, "en"
        )
        for r in df.itertuples()
    ]


@pytest.fixture(scope="session")
def key_speeches(shared_data: Path) -> dict[str, dict]:
    """The rows of kremlin-key/speeches.jsonl by id."""
    rows = {}
    with open(shared_data / "kremlin-key" / "speeches.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            rows[row["id"]] = row
    return rows


@pytest.fixture(scope="session")
def key_docs(key_speeches: dict[str, dict]) -> list[Document]:
    return [
        Document(r["id"], r["text"], r["date"], r["title"], r["lang"])
        for r in key_speeches.values()
    ]
