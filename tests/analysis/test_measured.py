"""Measured indicators are computed by the orchestration layer, not by loading a workspace.

Loading (``casusbelli.workspace``) is pure and leaves measured codings out; every consumer
(the store build, ``casus analyze``, ``casus validate`` and ``casus show``) loads through
:mod:`casusbelli.analysis.measured` and sees the same values, which are those of the discourse
engine's :func:`~casusbelli.discourse.counts.measure_case` for each case.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from casusbelli.analysis import measured
from casusbelli.analysis.discourse_ops import load_frame_counts
from casusbelli.cli import app
from casusbelli.discourse.counts import measure_case
from casusbelli.errors import WorkspaceError
from casusbelli.store.build import build_store
from casusbelli.store.db import Store
from casusbelli.store.queries import case_matrix
from casusbelli.workspace import load
from tests.conftest import MINI_FILES, REPO

FRAME = "label: Threat\nterms:\n  en: [fascism, nazi]\n"
INDICATORS = MINI_FILES["indicators.yaml"] + """  - id: m
    label: Measured threat framing
    theory: alpha
    timing: after
    measured:
      frames: [threat]
      corpus: demo
      source: src1
      window_days: 30
      baseline_days: 30
      min_docs: 1
      min_coverage: 0.5
      calibration: [1.0, 1.5, 3.0]
"""
runner = CliRunner()


@pytest.fixture
def measured_root(make_workspace):
    root = make_workspace({"frames/threat.yaml": FRAME, "indicators.yaml": INDICATORS})
    (root / "measures").mkdir()
    # case one starts 2001-02-03: baseline 2001-01-04..2001-02-02, window 2001-02-03..2001-03-04
    pd.DataFrame(
        [("b1", "2001-01-10", "before", 10000, 2), ("w1", "2001-02-10", "after", 10000, 8)],
        columns=["doc_id", "date", "title", "tokens", "threat"],
    ).to_parquet(root / "measures" / "demo.parquet", index=False)
    return root


def _values(ws, indicator):
    return {cid: c.codings[indicator].value for cid, c in ws.cases.items()}


def test_loading_leaves_measured_codings_out(measured_root):
    pure = load.load_workspace(measured_root)
    assert not pure.measured
    assert all("m" not in c.codings for c in pure.cases.values())
    full = measured.measure_workspace(pure)
    assert full.measured and full.content_hash == pure.content_hash
    assert set(_values(full, "m")) == {"one", "two"}
    assert measured.measure_workspace(full) is full


def test_workspace_package_imports_no_engine():
    engines = ("casusbelli.discourse", "casusbelli.analysis", "casusbelli.cross",
               "casusbelli.within", "casusbelli.store", "casusbelli.pipeline")
    found = []
    for path in (REPO / "src" / "casusbelli" / "workspace").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [(path.name, n) for n in names if n.startswith(engines)]
    assert found == []


def test_loading_the_builtin_workspace_imports_no_discourse_module():
    code = (
        "import sys\n"
        "from casusbelli.workspace import load_workspace\n"
        "ws = load_workspace()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('casusbelli.discourse', "
        "'casusbelli.analysis'))), ws.measured)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO)
    assert out.stdout.split() == ["[]", "False"]


def test_builtin_measured_values_are_the_engines_for_every_case():
    ws = measured.load_workspace()
    spec = ws.indicators["threat_framing_measured"].measured
    counts = load_frame_counts(ws, spec.corpus)
    counts = counts[counts["lang"] == spec.lang]
    known = 0
    for cid, case in ws.cases.items():
        coding = case.codings["threat_framing_measured"]
        expected = None if len(case.start) == 4 else measure_case(counts, spec, case.start)["value"]
        assert coding.value == expected, cid
        assert coding.sources[0].locator == "measures/kremlin.parquet"
        known += coding.value is not None
    assert 0 < known < len(ws.cases)


def test_the_public_api_loads_and_measures(measured_root):
    import casusbelli

    assert casusbelli.load_workspace(measured_root).measured
    ws, problems = casusbelli.validate_workspace(measured_root)
    assert problems == [] and ws is not None and ws.measured


def test_build_store_refuses_an_unmeasured_workspace(measured_root, tmp_path):
    with pytest.raises(WorkspaceError) as info:
        build_store(load.load_workspace(measured_root), f"sqlite:///{tmp_path / 'x.db'}")
    assert (info.value.file, info.value.field) == ("indicators.yaml", "measured")
    assert not (tmp_path / "x.db").exists()


def test_every_consumer_sees_the_same_measured_values(measured_root, tmp_path):
    from casusbelli.pipeline import analyze

    expected = _values(measured.load_workspace(measured_root), "m")
    assert expected["one"] is not None and expected["two"] is None
    url = f"sqlite:///{tmp_path / 'casus.db'}"
    # the store, built by `casus build`
    r = runner.invoke(app, ["build", "-w", str(measured_root), "--db", url, "--json"])
    assert r.exit_code == 0, r.stderr
    matrix = case_matrix(Store(url))
    col = matrix.indicator_ids.index("m")
    assert dict(zip(matrix.case_ids, (row[col] for row in matrix.values))) == expected
    # `casus show`
    r = runner.invoke(app, ["show", "one", "two", "-w", str(measured_root), "--json"])
    assert r.exit_code == 0, r.stderr
    shown = {d["id"]: d["codings"]["m"]["value"] for d in json.loads(r.stdout)}
    assert shown == expected
    # `casus validate` counts the measured codings (one of them unknown)
    r = runner.invoke(app, ["validate", str(measured_root), "--json"])
    counts = json.loads(r.stdout)["counts"]
    assert (counts["codings"], counts["unknown_codings"]) == (8, 2)
    # `casus analyze`'s own load, store and discourse section
    result = analyze(measured_root, db=f"sqlite:///{tmp_path / 'b.db'}", sections=["discourse"])
    assert result.ws is not None and _values(result.ws, "m") == expected
    assert dict(result.sections["discourse"].measured["m"]) == expected


def test_damaged_frame_counts_are_a_located_problem(measured_root):
    (measured_root / "measures" / "demo.parquet").write_bytes(b"PAR1 not parquet" * 64)
    assert load.validate_workspace(measured_root)[1] == []  # loading does not read them
    ws, problems = measured.validate_workspace(measured_root)
    assert ws is None and len(problems) == 1
    assert problems[0].file == "measures/demo.parquet"
    assert problems[0].message.startswith("cannot read frame counts: ArrowInvalid")
    with pytest.raises(WorkspaceError, match="cannot read frame counts"):
        measured.load_workspace(measured_root)
