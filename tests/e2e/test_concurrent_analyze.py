"""Issue #15: several ``casus analyze`` processes started at once on one fresh store.

Users run a web app, a CLI and notebooks side by side. Four processes that analyse the same
workspace into the same, not yet existing store must all succeed and print the same document
(the build's wall time aside): one of them builds, the others wait for its lock and read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casusbelli.workspace.load import resolve_workspace
from tests.conftest import REPO

pytestmark = pytest.mark.slow

N_PROCESSES = 4


def _without_timings(doc: dict[str, Any]) -> dict[str, Any]:
    doc = dict(doc)
    doc["build"] = {k: v for k, v in doc["build"].items() if k != "seconds"}
    return doc


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_store(request, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_database"))
    return f"sqlite:///{tmp_path / 'store' / 'casus.db'}"


def test_four_analyze_runs_at_once_on_a_fresh_store_agree(tmp_path: Path, fresh_store: str):
    ws = tmp_path / "ws"
    shutil.copytree(resolve_workspace("russia"), ws, ignore=shutil.ignore_patterns(".casus"))
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), HOME=str(tmp_path / "home"),
               NO_COLOR="1")
    env.pop("CASUS_WORKSPACE", None)
    cmd = [sys.executable, "-m", "casusbelli", "analyze", "-w", str(ws), "--db", fresh_store,
           "--json"]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(N_PROCESSES)]
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=900)
        assert p.returncode == 0, err[-2000:]
        outputs.append(_without_timings(json.loads(out)))
    assert all(o == outputs[0] for o in outputs[1:])
    assert outputs[0]["summary"]["counts"]["cases"] == len(list((ws / "cases").glob("*.yaml")))
    assert outputs[0]["audit"] is not None
