"""The shipped audit of the built-in workspace is current, and equals a fresh computation."""

from __future__ import annotations

import json

import pytest

from casusbelli.analysis.audit import (
    AuditSettings,
    audit_key,
    audit_workspace,
    read_shipped,
    run_audit,
    runtime_versions,
    shipped_path,
)
from casusbelli.analysis.measured import load_workspace


def test_shipped_audit_is_current():
    ws = load_workspace()
    doc = json.loads(shipped_path(ws).read_text(encoding="utf-8"))
    assert doc["code_key"] == audit_key(ws, AuditSettings(), ws.theory_ids, versions=False), (
        "the shipped audit was computed from other workspace content, settings or engine code: "
        "run scripts/ship_audit.py")
    key = audit_key(ws, AuditSettings(), ws.theory_ids)
    # used only under the library versions it was computed with (else the audit runs)
    assert (read_shipped(ws, key) is not None) == (doc["versions"] == runtime_versions())


def test_a_changed_key_never_reads_the_shipped_audit():
    ws = load_workspace()
    other = audit_key(ws, AuditSettings(placebos=7), ws.theory_ids)
    assert read_shipped(ws, other) is None


def test_audit_workspace_uses_the_shipped_audit_and_fills_the_store_cache(tmp_path):
    from casusbelli.store.build import build_store

    ws = load_workspace()
    url = f"sqlite:///{tmp_path / 'casus.db'}"
    build_store(ws, url)
    first = audit_workspace(ws, url)
    shipped = json.loads(shipped_path(ws).read_text(encoding="utf-8"))
    assert first.cached == (shipped["versions"] == runtime_versions())  # no model fitted
    again = audit_workspace(ws, url)
    assert again.cached and again.to_dict()["verdict"] == first.to_dict()["verdict"]


@pytest.mark.slow
def test_shipped_audit_equals_a_fresh_run():
    ws = load_workspace()
    st = AuditSettings()
    doc = json.loads(shipped_path(ws).read_text(encoding="utf-8"))
    fresh = run_audit(ws, settings=st, theories=ws.theory_ids).to_dict()
    shipped = doc["result"]
    assert [c["check"] for c in shipped["checks"]] == [c["check"] for c in fresh["checks"]]
    if doc["versions"] == runtime_versions():  # same code, same libraries: the same numbers
        for key in ("checks", "verdict", "cases", "outcome", "counts"):
            assert json.dumps(shipped[key], sort_keys=True) == json.dumps(
                fresh[key], sort_keys=True), key
    else:  # other library versions: the same statuses, numbers within Monte Carlo error
        for a, b in zip(shipped["verdict"], fresh["verdict"], strict=True):
            assert a["theory"] == b["theory"]
            assert a["elpd_diff_vs_base"] == pytest.approx(b["elpd_diff_vs_base"], abs=0.5)
