"""The cache of loaded workspaces (analysis/load_cache.py): same workspace, invalidated by any
byte of a workspace file, never trusted when damaged, never inside the workspace folder."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from casusbelli.analysis import load_cache
from casusbelli.analysis.measured import load_workspace, validate_workspace
from casusbelli.workspace.load import resolve_workspace

FIELDS = [f.name for f in dataclasses.fields(load_cache.Workspace)]


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASUS_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _same(a, b) -> None:
    for name in FIELDS:
        assert getattr(a, name) == getattr(b, name), name


def test_a_cached_load_equals_a_load_from_the_files(tmp_path: Path):
    root = tmp_path / "ws"
    shutil.copytree(resolve_workspace("russia"), root, ignore=shutil.ignore_patterns(".casus"))
    first = load_workspace(root)
    digest = load_cache.files_digest(root)
    assert load_cache.read_cached(root, digest) is not None
    fresh, problems = validate_workspace(root)
    assert not problems
    _same(load_workspace(root), fresh)
    _same(first, fresh)


def test_any_byte_of_a_workspace_file_invalidates_the_entry(make_workspace):
    root = make_workspace()
    load_workspace(root)
    before = load_cache.files_digest(root)
    case = sorted((root / "cases").glob("*.yaml"))[0]
    case.write_text(case.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    after = load_cache.files_digest(root)
    assert after != before
    assert load_cache.read_cached(root, after) is None


def test_a_damaged_entry_is_ignored_and_rewritten(make_workspace, _data_dir: Path):
    root = make_workspace()
    good = load_workspace(root)
    (entry,) = (_data_dir / "load-cache").glob("*.json")
    doc = json.loads(entry.read_text(encoding="utf-8"))
    first_case = next(iter(doc["cases"]))
    doc["cases"][first_case]["codings"] = "not a mapping"
    entry.write_text(json.dumps(doc), encoding="utf-8")
    assert load_cache.read_cached(root, load_cache.files_digest(root)) is None
    _same(load_workspace(root), good)
    assert load_cache.read_cached(root, load_cache.files_digest(root)) is not None


def test_entries_live_outside_the_workspace_folder(make_workspace, _data_dir: Path):
    root = make_workspace()
    load_workspace(root)
    assert list((_data_dir / "load-cache").glob("*.json"))
    assert not [p for p in root.rglob("*.json")]


def test_a_workspace_with_errors_is_not_cached(make_workspace, _data_dir: Path):
    root = make_workspace({"casus.toml": "[workspace]\nname = 3\n"})
    with pytest.raises(Exception):
        load_workspace(root)
    assert not (_data_dir / "load-cache").exists() or not list(
        (_data_dir / "load-cache").glob("*.json"))
