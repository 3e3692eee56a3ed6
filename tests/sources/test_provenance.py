"""Provenance: file hashes and records."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from casusbelli.errors import SourceError
from casusbelli.sources.provenance import Provenance, sha256_file


def test_sha256_matches_hashlib_across_chunks(tmp_path: Path) -> None:
    data = bytes(range(256)) * 10_000  # 2.5 MB, several 1 MiB chunks
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_provenance_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("x", encoding="utf-8")
    record = Provenance.of_file(path, ingested_at="2024-01-01T00:00:00Z")
    assert record.path == str(path.resolve())
    assert record.sha256 == hashlib.sha256(b"x").hexdigest()
    assert Provenance.from_dict(record.to_dict()) == record


def test_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read file") as info:
        sha256_file(tmp_path / "absent")
    assert info.value.file == str(tmp_path / "absent")
