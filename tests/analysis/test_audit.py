"""The audit cannot be fooled: planted outcome-coded predictors and noise theories.

Each test copies the built-in workspace, plants a theory through the workspace files (as a
user would), and audits only the planted theory and one real one, with small placebo and
bootstrap counts so the suite stays fast.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from ruamel.yaml import YAML

from casusbelli.analysis.audit import Audit, AuditSettings, audit_workspace, run_audit
from casusbelli.analysis.measured import load_workspace
from casusbelli.errors import AnalysisError
from casusbelli.workspace.load import builtin_path

SMALL = AuditSettings(placebos=20, bootstrap=60, draws=800, placebo_draws=400)


def _plant(tmp_path: Path, name: str, values: dict[str, list[float | None]]) -> Path:
    """Copy the built-in workspace and add theory ``name`` with one indicator per entry of
    ``values`` (case id -> list of values, in the order of ``values``' keys)."""
    root = tmp_path / "ws"
    shutil.copytree(builtin_path("russia"), root, ignore=shutil.ignore_patterns(".casus"))
    for folder in ("signposts", "evidence", "questions"):  # these must rate every theory
        shutil.rmtree(root / folder, ignore_errors=True)
    inds = list(values)
    with (root / "indicators.yaml").open("a", encoding="utf-8") as fh:
        for ind in inds:
            fh.write(f"\n  - id: {ind}\n    label: Planted {ind}\n    theory: {name}\n")
    (root / "theories" / f"{name}.yaml").write_text(
        f"name: Planted {name}\nimplications:\n"
        + "".join(f"  - {{indicator: {i}, expect: high}}\n" for i in inds),
        encoding="utf-8")
    yaml = YAML()
    for path in sorted((root / "cases").glob("*.yaml")):
        doc = yaml.load(path)
        for ind in inds:
            v = values[ind][path.stem] if isinstance(values[ind], dict) else None
            doc["codings"][ind] = {"value": v, "rationale": "planted by a test",
                                   "sources": [{"source": "seedthread"}]}
        yaml.dump(doc, path)
    return root


def _outcomes() -> dict[str, float]:
    ws = load_workspace(builtin_path("russia"))
    return {cid: c.codings["INTERVENTION"].value for cid, c in ws.cases.items()}


def test_outcome_coded_indicator_makes_its_theory_suspect(tmp_path: Path) -> None:
    y = _outcomes()
    root = _plant(tmp_path, "planted", {"leak": dict(y)})
    ws = load_workspace(root)
    audit = run_audit(ws, settings=SMALL, theories=["planted", "influence"])
    sep = [c for c in audit.checks if c.check == "separation" and c.indicator == "leak"]
    assert sep and sep[0].status == "fail" and sep[0].value == pytest.approx(1.0)
    planted = audit.theory("planted")
    assert planted.status == "suspect"
    assert any("leak" in f for f in planted.flags)
    # the leak does not make the honest theory suspect
    assert audit.theory("influence").status != "suspect"


@pytest.mark.slow
def test_noise_theory_with_legacy_unknown_pattern_is_never_supported(tmp_path: Path) -> None:
    ws0 = load_workspace(builtin_path("russia"))
    pattern = {ind: {cid: c.codings[ind].value is None for cid, c in ws0.cases.items()}
               for ind, _ in ws0.predictors_of("legacy")}
    statuses = []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        values = {
            f"noise{j}": {cid: (None if unknown else float(rng.choice([0, 0.33, 0.67, 1])))
                          for cid, unknown in pat.items()}
            for j, pat in enumerate(pattern.values())
        }
        root = _plant(tmp_path / f"s{seed}", "noise", values)
        audit = run_audit(load_workspace(root), settings=SMALL, theories=["noise", "legacy"])
        statuses.append(audit.theory("noise").status)
    assert "supported" not in statuses


def test_audit_json_round_trip_and_cache(tmp_path: Path) -> None:
    y = _outcomes()
    root = _plant(tmp_path, "planted", {"leak": dict(y)})
    ws = load_workspace(root)
    url = f"sqlite:///{tmp_path / 'casus.db'}"
    from casusbelli.store.build import build_store

    build_store(ws, url)
    first = audit_workspace(ws, url, settings=SMALL, theories=["planted", "legacy"])
    second = audit_workspace(ws, url, settings=SMALL, theories=["planted", "legacy"])
    assert not first.cached and second.cached
    assert second.to_dict()["verdict"] == first.to_dict()["verdict"]
    doc = json.loads(json.dumps(first.to_dict(), allow_nan=False))  # standard JSON
    assert set(doc) >= {"schema_version", "checks", "verdict"}
    row = doc["verdict"][0]
    assert set(row) >= {"theory", "status", "elpd_diff_vs_base", "se", "weight",
                        "weight_interval", "flags"}
    assert Audit.from_dict(doc).verdict == first.verdict


def test_weights_carry_intervals_that_contain_them() -> None:
    ws = load_workspace(builtin_path("russia"))
    audit = run_audit(ws, settings=SMALL, theories=["opportunism", "influence"])
    total = 0.0
    for v in audit.verdict:
        lo, hi = v.weight_interval
        assert 0.0 <= lo <= hi <= 1.0
        assert v.se > 0 and math.isfinite(v.elpd_diff_vs_base)
        assert v.status in ("supported", "inconclusive", "not supported", "suspect")
        total += v.weight
    assert total == pytest.approx(1.0)


def test_unknown_theory_names_the_workspace() -> None:
    ws = load_workspace(builtin_path("russia"))
    with pytest.raises(AnalysisError, match="unknown theory 'security' in workspace 'russia'"):
        audit_workspace(ws, None, settings=SMALL, theories=["security"])


def test_after_indicators_never_enter_the_models() -> None:
    ws = load_workspace(builtin_path("russia"))
    audit = run_audit(ws, settings=AuditSettings(placebos=0, bootstrap=20, draws=500),
                      theories=["legacy"])
    legacy = audit.theory("legacy")
    assert "risk_beyond_gain" in legacy.excluded
    assert "risk_beyond_gain" not in legacy.predictors
    assert all(ws.indicators[i].timing == "before" for i in legacy.predictors)


def test_within_case_and_forecast_checks_cover_every_evidence_set() -> None:
    from casusbelli.analysis.audit import _forecast_checks, _within_checks

    ws = load_workspace(builtin_path("russia"))
    checks = _within_checks(ws)
    for cid in ws.evidence:
        kinds = {c.check for c in checks if c.case == cid}
        assert kinds == {"trace-pre-decision", "trace-sensitivity"}, cid
    # ukraine-2022: legacy leads on all evidence, not on what was knowable before the decision
    (pre,) = [c for c in checks if c.case == "ukraine-2022" and c.check == "trace-pre-decision"]
    assert pre.status == "warn" and "leader changes" in pre.detail
    (fc,) = _forecast_checks(ws)
    assert fc.status == "warn" and fc.value == 0.0  # every resolved question is in-sample
