"""Round trip: workspace files -> store -> ``export --workspace`` -> the same data."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casusbelli.store import build_store, export_workspace, open_store, read_workspace
from casusbelli.store.export import yaml_dump
from casusbelli.workspace import load_workspace

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s != "")
IDS = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
VALUE = st.one_of(st.none(), st.floats(0, 1, allow_nan=False), st.sampled_from([0, 0.33, 0.67, 1]))


@st.composite
def workspaces(draw):
    ind_ids = draw(st.lists(IDS, min_size=1, max_size=5, unique=True))
    case_ids = draw(st.lists(IDS.map(lambda s: "c" + s), min_size=1, max_size=4, unique=True))
    sources = [{"id": "s1", "type": "book", "title": draw(TEXT)}]
    indicators = [{"id": i, "label": draw(TEXT), "theory": "t1"} for i in ind_ids]
    indicators.append({"id": "Y", "label": "Outcome", "theory": "outcome", "kind": "crisp"})
    cases = {}
    for cid in case_ids:
        codings = {}
        for i in ind_ids:
            if draw(st.booleans()):
                codings[i] = {"value": draw(VALUE), "rationale": draw(TEXT),
                              "sources": [{"source": "s1", "locator": draw(TEXT)}]}
        cases[cid] = {
            "name": draw(TEXT), "actor": draw(TEXT), "target": draw(TEXT),
            "start": draw(st.sampled_from(["1956", "1968-08", "2014-02-27"])),
            "kind": draw(st.sampled_from(["intervention", "negative"])),
            "summary": draw(st.one_of(st.just(""), TEXT)),
            "codings": codings,
        }
    return {"sources": sources, "indicators": indicators, "cases": cases}


def _write(root: Path, spec) -> None:
    (root / "cases").mkdir(parents=True)
    (root / "theories").mkdir()
    (root / "casus.toml").write_text('[workspace]\nname = "rt"\noutcome = "Y"\n')
    (root / "sources.yaml").write_text(yaml_dump(spec["sources"]), encoding="utf-8")
    (root / "indicators.yaml").write_text(yaml_dump({"indicators": spec["indicators"]}),
                                          encoding="utf-8")
    (root / "theories" / "t1.yaml").write_text("name: T1\n")
    for cid, case in spec["cases"].items():
        (root / "cases" / f"{cid}.yaml").write_text(yaml_dump(case), encoding="utf-8")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=workspaces())
def test_workspace_store_export_round_trip(spec):
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        _write(tmp_path / "ws", spec)
        ws = load_workspace(tmp_path / "ws")
        url = f"sqlite:///{tmp_path / 'casus.db'}"
        build_store(ws, url)
        export_workspace(read_workspace(open_store(url)), tmp_path / "out")
        again = load_workspace(tmp_path / "out")
        assert again.cases == ws.cases
        assert again.indicators == ws.indicators
        assert again.sources == ws.sources
        assert again.theories == ws.theories
        assert again.config == ws.config
