"""Tests for scripts/crosscheck.py on a small synthetic workspace and the shared data."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from casusbelli.analysis.measured import load_workspace
from casusbelli.errors import SourceError

REPO = Path(__file__).resolve().parents[2]
BUILTIN = REPO / "src" / "casusbelli" / "workspace" / "builtin" / "russia"


def _module():
    spec = importlib.util.spec_from_file_location("crosscheck", REPO / "scripts" / "crosscheck.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["crosscheck"] = mod
    spec.loader.exec_module(mod)
    return mod


cc = _module()

CASE = """name: {name}
actor: USSR
target: {target}
start: {start}
end: {end}
kind: {kind}
codings: {{}}
"""


@pytest.fixture()
def small_ws(tmp_path: Path):
    """A copy of the built-in workspace's config and indicators with three synthetic cases."""
    root = tmp_path / "ws"
    root.mkdir()
    for name in ("casus.toml", "indicators.yaml", "sources.yaml"):
        shutil.copy(BUILTIN / name, root / name)
    shutil.copytree(BUILTIN / "theories", root / "theories")
    shutil.copytree(BUILTIN / "frames", root / "frames")  # the measured indicator needs them
    shutil.copytree(BUILTIN / "measures", root / "measures")
    cases = root / "cases"
    cases.mkdir()
    specs = {
        "hungary-1956": ("Hungary 1956", "Hungary", "1956-10-24", "1956-11-10", "intervention"),
        "poland-1980": ("Poland 1980-81", "Poland", "1980-08", "1981-12", "negative"),
        "atlantis-1999": ("Atlantis 1999", "Atlantis", "1999", "1999", "negative"),
    }
    for cid, (name, target, start, end, kind) in specs.items():
        (cases / f"{cid}.yaml").write_text(
            CASE.format(name=name, target=target, start=start, end=end, kind=kind)
        )
    return load_workspace(root)


@pytest.fixture()
def psdir(shared_data: Path) -> Path:
    return shared_data / "conflict" / "peacesciencer"


def test_target_codes_maps_names_and_regions():
    assert cc.target_codes("Czechoslovakia") == [315]
    assert cc.target_codes("Nagorno-Karabakh") == [371, 373]
    assert cc.target_codes("East Germany") == [265]
    assert cc.target_codes("Atlantis") == []


def test_intervention_matches_hungary_mid_and_ucdp(small_ws, psdir):
    rows = cc.crosscheck(small_ws, psdir)
    hun = [r for r in rows if r["case"] == "hungary-1956"]
    found = {(r["dataset"], r["episode"]) for r in hun}
    assert ("CoW MID", "606") in found
    assert ("UCDP ACD", "250") in found
    assert all(r["verdict"] == "agree" for r in hun)


def test_negative_case_without_episode_is_no_match(small_ws, psdir):
    rows = cc.crosscheck(small_ws, psdir)
    pol = [r for r in rows if r["case"] == "poland-1980"]
    assert len(pol) == 1
    assert pol[0]["verdict"] == "no match"
    assert "CoW MID" in pol[0]["dataset"]


def test_unknown_target_is_reported_not_dropped(small_ws, psdir):
    rows = cc.crosscheck(small_ws, psdir)
    (atl,) = [r for r in rows if r["case"] == "atlantis-1999"]
    assert atl["verdict"] == "no country code"


def test_unmatched_force_episodes_are_listed_from_1956(small_ws, psdir):
    rows = cc.crosscheck(small_ws, psdir)
    extra = [r for r in rows if r["section"] == "episode"]
    ids = {(r["dataset"], r["episode"]) for r in extra}
    assert ("CoW MID", "346") in ids  # Czechoslovakia 1968 is not in this small case base
    assert ("CoW MID", "606") not in ids  # matched by hungary-1956
    assert all(r["verdict"] == "not in the case base" for r in extra)
    assert all(int(r["years"].split("-")[-1]) >= 1956 for r in extra)


def test_markdown_has_both_tables_and_escapes_pipes(small_ws, psdir):
    rows = cc.crosscheck(small_ws, psdir)
    rows.append({**rows[0], "detail": "a|b"})
    text = cc.render_markdown(rows)
    assert "## Cases" in text and "match no case" in text
    assert "a\\|b" in text


def test_missing_data_folder_gives_clear_error(small_ws, tmp_path):
    with pytest.raises(SourceError, match="data folder not found") as info:
        cc.crosscheck(small_ws, tmp_path / "nope")
    assert info.value.hint and "peacesciencer" in info.value.hint


def test_missing_file_names_the_file(small_ws, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="missing dataset file") as info:
        cc.crosscheck(small_ws, tmp_path / "empty")
    assert info.value.file and info.value.file.endswith(".csv")


def test_missing_column_and_bad_number_are_located(small_ws, psdir, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(psdir, bad)
    f = bad / "cow_mid_dirdisps_ccode1_365.csv"
    f.write_text("dispnum,ccode1\n1,365\n")
    with pytest.raises(SourceError, match="missing column") as info:
        cc.crosscheck(small_ws, bad)
    assert info.value.line == 1
    header = (psdir / "cow_mid_dirdisps_ccode1_365.csv").read_text().splitlines()[0]
    cols = header.split(",")
    row = ["x" if c == "year" else "1" for c in cols]
    f.write_text(header + "\n" + ",".join(row) + "\n")
    with pytest.raises(SourceError) as info:
        cc.crosscheck(small_ws, bad)
    assert info.value.line == 2 and info.value.field == "year"


def test_main_writes_report(psdir, tmp_path, small_ws):
    out = tmp_path / "cc.md"
    assert (
        cc.main(["--workspace", str(small_ws.root), "--data", str(psdir), "--out", str(out)]) == 0
    )
    assert out.read_text().startswith("# Cross-check")
    assert (
        cc.main(
            ["--workspace", str(small_ws.root), "--data", str(tmp_path / "x"), "--out", str(out)]
        )
        == 1
    )


def test_mid_matching_is_by_day_not_year(small_ws, psdir, tmp_path):
    """Georgia Nov 2003: MID 4242 (2001-2005, attack) matches; 4416 (Feb 2003) does not."""
    root = small_ws.root
    (root / "cases" / "georgia-2003.yaml").write_text(
        CASE.format(
            name="Georgia 2003",
            target="Georgia",
            start="2003-11-03",
            end="2003-11-23",
            kind="negative",
        )
    )
    ws = load_workspace(root)
    rows = [r for r in cc.crosscheck(ws, psdir) if r["case"] == "georgia-2003"]
    found = {(r["dataset"], r["episode"]): r["verdict"] for r in rows}
    assert found[("CoW MID", "4242")] == "disagree"
    assert ("CoW MID", "4416") not in found
    assert ("GML MID", "4416") not in found
