"""The audit's cache key follows what the model fits read (issue #15: an edited question
re-runs the forecasts, not the audit)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from casusbelli.analysis.audit import AuditSettings, audit_key, audit_workspace
from casusbelli.analysis.measured import load_workspace
from casusbelli.workspace.load import resolve_workspace


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(resolve_workspace("russia"), root, ignore=shutil.ignore_patterns(".casus"))
    return root


def _key(root: Path) -> tuple[str, str]:
    ws = load_workspace(root)
    return ws.content_hash, audit_key(ws, AuditSettings(), ws.theory_ids)


def test_a_question_edit_keeps_the_key_and_a_coding_edit_changes_it(tmp_path):
    root = _copy(tmp_path)
    hash0, key0 = _key(root)
    q = sorted((root / "questions").glob("*.yaml"))[0]
    q.write_text(q.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    hash1, key1 = _key(root)
    assert hash1 != hash0 and key1 == key0
    case = root / "cases" / "syria-2015.yaml"
    text = case.read_text(encoding="utf-8")
    new, n = re.subn(r"(  opening:\n    value: )0\.67", r"\g<1>0.33", text, count=1)
    assert n == 1
    case.write_text(new, encoding="utf-8")
    _, key2 = _key(root)
    assert key2 != key0


def test_a_cached_audit_gets_the_current_hash_and_fresh_forecast_checks(tmp_path):
    root = _copy(tmp_path)
    for folder in ("questions", "signposts"):  # signposts name questions
        shutil.rmtree(root / folder)
    ws = load_workspace(root)
    audit = audit_workspace(ws)  # the shipped audit: computed with the questions present
    assert audit.cached
    assert audit.content_hash == ws.content_hash
    assert not [c for c in audit.checks if c.check == "forecast-sample"]
