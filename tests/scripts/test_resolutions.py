"""Tests for scripts/resolutions.py: every intercoder disagreement is resolved in the workspace."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "intercoder"

# Sampled cells (by `n` in docs/intercoder/second-coding.yaml) whose disagreement is not yet
# adjudicated; each would be named here so that the gap stays visible. All are resolved.
NOT_YET_RESOLVED: set[int] = set()


def _module():
    spec = importlib.util.spec_from_file_location("resolutions", REPO / "scripts" / "resolutions.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["resolutions"] = mod
    spec.loader.exec_module(mod)
    return mod


res = _module()


def _ws(values: dict[tuple[str, str], float | None]) -> SimpleNamespace:
    cases: dict[str, SimpleNamespace] = {}
    for (case, ind), v in values.items():
        cases.setdefault(case, SimpleNamespace(codings={})).codings[ind] = SimpleNamespace(value=v)
    return SimpleNamespace(cases=cases)


def test_every_disagreement_in_the_builtin_workspace_is_resolved_to_its_current_value():
    report = res.check()
    assert report["mismatched"] == []
    assert set(report["unresolved"]) <= NOT_YET_RESOLVED
    # the allow-list only shrinks: a cell resolved since must leave it
    assert NOT_YET_RESOLVED <= set(report["unresolved"])


def test_resolution_entries_are_complete_and_counted():
    from ruamel.yaml import YAML
    log = YAML(typ="safe").load((DOCS / "resolutions.yaml").read_text(encoding="utf-8"))
    assert len({e["n"] for e in log}) == len(log)
    for e in log:
        assert {"n", "case", "indicator", "first", "current", "second", "resolved", "reason",
                "sources"} <= set(e)
        assert e["reason"].strip() and e["sources"]
        assert not res.same(e["current"], e["second"])
    report = res.check()
    assert sum(report["counts"].values()) == len(log)


def test_a_disagreement_without_an_entry_or_with_a_stale_entry_is_reported(tmp_path):
    second = tmp_path / "second.yaml"
    second.write_text(
        "- {n: 1, case: a, indicator: x, value: 1}\n"
        "- {n: 2, case: a, indicator: y, value: 0.33}\n"
        "- {n: 3, case: b, indicator: x, value: null}\n"
        "- {n: 4, case: b, indicator: y, value: 0}\n", encoding="utf-8")
    log = tmp_path / "log.yaml"
    log.write_text(
        "- {n: 2, case: a, indicator: y, first: 0, current: 0, second: 0.33, resolved: 0.33,"
        " reason: r, sources: [s]}\n"
        "- {n: 3, case: b, indicator: x, first: 1, current: 1, second: null, resolved: 1,"
        " reason: r, sources: [s]}\n", encoding="utf-8")
    ws = _ws({("a", "x"): 0.67, ("a", "y"): 0.33, ("b", "x"): 0.67, ("b", "y"): 0})
    report = res.check(ws, second, log)
    assert report["unresolved"] == [1]          # 1 != 0.67 and no entry; 4 agrees
    assert report["mismatched"] == [3]          # resolved 1 but the workspace holds 0.67
    assert report["counts"] == {"kept current": 1, "adopted second": 1, "other": 0,
                                "left unknown": 0}
