"""Measured indicators, frame rates from shipped counts, and the ``casus frames``/``kwic`` CLI."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from casusbelli.analysis.discourse import discourse_section
from casusbelli.analysis.discourse_ops import load_frame_counts
from casusbelli.analysis.measured import load_workspace, validate_workspace
from casusbelli.cli import app
from casusbelli.discourse.counts import frame_rates
from casusbelli.errors import AnalysisError
from tests.conftest import MINI_FILES

FRAME = """label: Threat
terms:
  en: [fascism, nazi]
"""
MEASURED = MINI_FILES["indicators.yaml"] + """  - id: m
    label: Measured threat framing
    theory: alpha
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


def _counts(root, rows):
    (root / "measures").mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=["doc_id", "date", "title", "tokens", "threat"]).to_parquet(
        root / "measures" / "demo.parquet", index=False)


@pytest.fixture
def measured_ws(make_workspace):
    root = make_workspace({"frames/threat.yaml": FRAME, "indicators.yaml": MEASURED})
    # case one starts 2001-02-03: baseline 2001-01-04..2001-02-02, window 2001-02-03..2001-03-04
    _counts(root, [
        ("b1", "2001-01-10", "before", 10000, 2),
        ("w1", "2001-02-10", "after", 10000, 8),
        ("x", None, "undated", 500, 5),
    ])
    return root


def test_measured_indicator_is_computed_with_provenance(measured_ws):
    ws = load_workspace(measured_ws)
    c = ws.cases["one"].codings["m"]
    # rate 8 vs 2 per 10k tokens: ratio 4 -> above the inclusion threshold 3 -> > 0.95
    assert c.value is not None and c.value > 0.95
    assert "ratio 4.00" in c.rationale
    assert c.sources[0].source == "src1" and c.sources[0].locator == "measures/demo.parquet"
    # case two starts in "2005": a window cannot be placed on a year
    two = ws.cases["two"].codings["m"]
    assert two.value is None and "known only to the year (2005)" in two.rationale


def test_case_outside_the_corpus_is_unknown_with_the_reason(measured_ws):
    path = measured_ws / "cases" / "two.yaml"
    path.write_text(path.read_text().replace("start: 2005", "start: 2005-06-01"))
    two = load_workspace(measured_ws).cases["two"].codings["m"]
    assert two.value is None and two.rationale.startswith("unknown: measured from demo")
    assert "0 docs" in two.rationale


def test_hand_coding_a_measured_indicator_is_an_error(measured_ws):
    text = (measured_ws / "cases" / "two.yaml").read_text()
    (measured_ws / "cases" / "two.yaml").write_text(
        text + "  m: {value: 1, rationale: by hand, sources: [{source: src2}]}\n")
    ws, problems = validate_workspace(measured_ws)
    assert ws is None
    assert [(p.file, p.field) for p in problems] == [("cases/two.yaml", "codings.m")]
    assert "measured from frames, not coded by hand" in problems[0].message


def test_missing_counts_file_is_reported(measured_ws):
    (measured_ws / "measures" / "demo.parquet").unlink()
    ws, problems = validate_workspace(measured_ws)
    assert ws is None
    assert problems[0].field == "indicators[3].measured.corpus"
    assert problems[0].message == "no frame counts at measures/demo.parquet"


def test_frame_rates_by_year_and_bad_window(measured_ws):
    ws = load_workspace(measured_ws)
    counts = load_frame_counts(ws, "demo")
    rows = frame_rates(counts, ["threat"], "year")
    assert rows == [{"window": "2001", "frame": "threat", "hits": 10, "tokens": 20000,
                     "n_docs": 2, "rate": 5.0}]
    with pytest.raises(AnalysisError, match="unknown window 'week'"):
        frame_rates(counts, ["threat"], "week")


def test_discourse_section_lists_measured_values(measured_ws):
    sec = discourse_section(load_workspace(measured_ws), "", None)
    assert sec.measured["m"]["two"] is None
    assert sec.tables[-1].rows[0][0] == "one"


def test_cli_frames_on_shipped_counts_and_ingested_corpus(measured_ws, tmp_path, monkeypatch):
    monkeypatch.setenv("CASUS_DATA_DIR", str(tmp_path / "data"))
    r = runner.invoke(app, ["frames", "demo", "-w", str(measured_ws), "--json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)[0]["hits"] == 10
    corpus = tmp_path / "c.csv"
    corpus.write_text("id,date,text\n1,2020-01-01,The Nazi threat and fascism.\n"
                      "2,2021-01-01,Nothing here.\n", encoding="utf-8")
    r = runner.invoke(app, ["ingest", "corpus", str(corpus), "--name", "mine", "--text-col",
                            "text", "--date-col", "date", "--id-col", "id", "-w", str(measured_ws)])
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(app, ["frames", "mine", "-w", str(measured_ws), "--json"])
    rows = json.loads(r.stdout)
    assert [(x["window"], x["hits"]) for x in rows] == [("2020", 2), ("2021", 0)]
    r = runner.invoke(app, ["kwic", "threat", "mine", "-w", str(measured_ws), "--json"])
    lines = json.loads(r.stdout)
    assert [ln["match"] for ln in lines] == ["Nazi", "fascism"]
    r = runner.invoke(app, ["kwic", "threat", "nope", "-w", str(measured_ws)])
    assert r.exit_code == 1 and "no ingested corpus 'nope'" in r.stderr


def test_builtin_measured_indicator_covers_some_cases():
    ws = load_workspace()
    values = {cid: c.codings["threat_framing_measured"].value for cid, c in ws.cases.items()}
    known = {k: v for k, v in values.items() if v is not None}
    assert 3 <= len(known) < len(values)  # the corpus covers only some case windows
    assert all(0 <= v <= 1 for v in known.values())


def _strict_json(text):
    """Parse JSON refusing NaN/Infinity (json.loads accepts them; they are not JSON)."""
    def refuse(token):
        raise ValueError(f"{token} in JSON output")
    return json.loads(text, parse_constant=refuse)


def test_untitled_document_is_counted_and_shown_in_kwic(measured_ws, tmp_path, monkeypatch):
    from casusbelli.analysis.discourse_ops import corpus_documents, kwic_lines, scan_corpus
    from casusbelli.sources.corpus import CorpusStore

    monkeypatch.setenv("CASUS_DATA_DIR", str(tmp_path / "data"))
    corpus = tmp_path / "c.csv"
    corpus.write_text("id,date,title,text\n1,2020-01-01,Speech,The Nazi threat.\n"
                      "2,2020-02-01,,Fascism again.\n", encoding="utf-8")
    r = runner.invoke(app, ["ingest", "corpus", str(corpus), "--name", "mine", "--text-col",
                            "text", "--date-col", "date", "--id-col", "id", "--title-col",
                            "title", "-w", str(measured_ws)])
    assert r.exit_code == 0, r.stderr
    from casusbelli.config import workspace_data_dir

    store = CorpusStore(workspace_data_dir(measured_ws) / "corpora")
    assert store.names() == ["mine"]
    docs = corpus_documents(store, "mine")
    assert [(d.doc_id, d.title) for d in docs] == [("1", "Speech"), ("2", None)]
    ws = load_workspace(measured_ws)
    result = scan_corpus(ws, store, "mine", engine="regex")
    assert list(result.titles) == ["Speech", None]
    assert [int(n) for n in result.counts[:, 0]] == [1, 1]
    assert [(ln.doc_id, ln.title) for ln in kwic_lines(ws, store, "mine", "threat")] == [
        ("1", "Speech"), ("2", None)]
    r = runner.invoke(app, ["frames", "mine", "--by", "document", "-w", str(measured_ws),
                            "--json"])
    assert r.exit_code == 0, r.stderr
    rows = _strict_json(r.stdout)
    assert [(x["document"], x["title"], x["hits"]) for x in rows] == [
        ("1", "Speech", 1), ("2", None, 1)]
    r = runner.invoke(app, ["kwic", "threat", "mine", "-w", str(measured_ws), "--json"])
    assert r.exit_code == 0, r.stderr
    lines = _strict_json(r.stdout)
    assert [(ln["doc_id"], ln["title"], ln["match"]) for ln in lines] == [
        ("1", "Speech", "Nazi"), ("2", None, "Fascism")]
    r = runner.invoke(app, ["kwic", "threat", "mine", "-w", str(measured_ws)])
    assert r.exit_code == 0, r.stderr
    assert "2 line(s)" in r.stdout and "Fascism" in r.stdout


def test_frame_rates_by_document_gives_none_for_a_missing_title(measured_ws):
    counts = load_frame_counts(load_workspace(measured_ws), "demo")
    counts.loc[counts["doc_id"] == "b1", "title"] = None
    rows = frame_rates(counts, ["threat"], by="document")
    assert [(r["document"], r["title"]) for r in rows] == [
        ("b1", None), ("w1", "after"), ("x", "undated")]


@pytest.mark.slow
def test_dask_scan_of_an_ingested_corpus_reads_the_manifest_files_only(measured_ws, tmp_path,
                                                                      monkeypatch):
    """``casus frames CORPUS --engine dask`` on a corpus ingested by ``casus ingest corpus``:
    the store writes an ``id`` column, and a leftover Parquet file of a crashed ingest (not in
    the manifest) is not part of the corpus."""
    import shutil

    from casusbelli.analysis.discourse_ops import scan_corpus
    from casusbelli.config import workspace_data_dir
    from casusbelli.sources.corpus import CorpusStore

    monkeypatch.setenv("CASUS_DATA_DIR", str(tmp_path / "data"))
    corpus = tmp_path / "c.csv"
    corpus.write_text("id,date,title,text\n1,2020-01-01,Speech,The Nazi threat.\n"
                      "2,2020-02-01,,Fascism again and fascism.\n", encoding="utf-8")
    r = runner.invoke(app, ["ingest", "corpus", str(corpus), "--name", "mine", "--text-col",
                            "text", "--date-col", "date", "--id-col", "id", "--title-col",
                            "title", "-w", str(measured_ws)])
    assert r.exit_code == 0, r.stderr
    store = CorpusStore(workspace_data_dir(measured_ws) / "corpora")
    (listed,) = store.manifest("mine")["files"]
    part = store.root / "mine" / listed
    shutil.copy(part, part.with_name("part-leftover.parquet"))  # not in the manifest
    ws = load_workspace(measured_ws)
    local = scan_corpus(ws, store, "mine", engine="regex")
    dask = scan_corpus(ws, store, "mine", engine="dask")
    assert list(dask.doc_ids) == list(local.doc_ids) == ["1", "2"]
    assert dask.counts.tolist() == local.counts.tolist() == [[1], [2]]
    assert list(dask.titles) == ["Speech", None]
