"""The forecast commands through typer's CliRunner on a small workspace."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from casusbelli.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CASUS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CASUS_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "200")


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_forecast_table_and_json(forecast_ws):
    root = str(forecast_ws())
    r = invoke("forecast", root)
    assert r.exit_code == 0, r.output
    assert "live" in r.stdout and "shock" in r.stdout and "(0.20)" in r.stdout
    r = invoke("forecast", root, "--question", "live", "--scenario", "base", "--json")
    doc = json.loads(r.stdout)
    assert doc["weights"]["source"] == "equal"
    assert doc["forecasts"][0]["ensemble"] == pytest.approx(0.5)
    assert doc["forecasts"][0]["theories"] == {"alpha": 0.8, "beta": 0.2}


def test_forecast_issue_is_a_separate_command(forecast_ws):
    r = invoke("forecast", "issue")
    assert r.exit_code == 1 and "casus issue" in r.output


def test_issue_resolve_score_observe_signposts(forecast_ws):
    root = str(forecast_ws())
    r = invoke("issue", root, "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert {s["question"] for s in doc["skipped"]} == {"closed", "past"}
    r = invoke("issue", root, "--question", "closed")
    assert r.exit_code == 1
    assert "Error: " in r.output and "cannot be issued after a question's close date" in r.output

    r = invoke("resolve", "closed", "--outcome", "no", "--source", "src1", "--date",
               "2026-12-01", "-w", root)
    assert r.exit_code == 0 and "Resolved closed: False" in r.stdout
    r = invoke("resolve", "live", "--outcome", "1.5", "--source", "src1", "-w", root)
    assert r.exit_code == 1 and "binary: outcome must be yes or no" in r.output
    r = invoke("resolve", "nope", "--outcome", "yes", "--source", "src1", "-w", root)
    assert r.exit_code == 1 and "unknown question 'nope'" in r.output

    r = invoke("score", root, "--json")
    doc = json.loads(r.stdout)
    assert set(doc["resolved"]) == {"past", "closed"}
    assert {s["forecaster"] for s in doc["summary"]} == {"alpha", "beta", "ensemble"}
    r = invoke("score", root)
    assert r.exit_code == 0 and "backtest" in r.stdout and "Calibration" in r.stdout

    r = invoke("signposts", root)
    assert r.exit_code == 0 and r.stdout.splitlines()[0].startswith("watch for A telling event")
    r = invoke("observe", "sig", "--status", "observed", "--source", "src2", "-w", root)
    assert r.exit_code == 0, r.output
    assert "0.800" in r.stdout and "live" in r.stdout
    r = invoke("observe", "sig", "--status", "observed", "--source", "src2", "-w", root)
    assert r.exit_code == 1 and "already recorded" in r.output
    r = invoke("signposts", root, "--json")
    assert [s["observed"] for s in json.loads(r.stdout)] == [None, "observed"]


def test_observe_refuses_a_bad_status(forecast_ws):
    r = invoke("observe", "sig", "--status", "seen", "--source", "x", "-w", str(forecast_ws()))
    assert r.exit_code == 1 and "observed or not-observed" in r.output


def test_registry_lists_what_issue_registered(forecast_ws):
    root = str(forecast_ws())
    r = invoke("registry", root)
    assert r.exit_code == 0 and "registry is empty" in r.stdout
    r = invoke("issue", root)
    assert r.exit_code == 0, r.output
    issued = invoke("issue", root, "--json")
    ids = [f["id"] for f in json.loads(issued.stdout)["issued"]]
    assert f"ids 1–{len(ids)}" in r.stdout  # the first run's ids; the second's follow
    assert ids == list(range(len(ids) + 1, 2 * len(ids) + 1))
    doc = json.loads(invoke("registry", root, "--json").stdout)
    rows = doc["forecasts"]
    assert [f["id"] for f in rows] == list(range(1, max(ids) + 1))
    assert {(f["question"], f["forecaster"], f["scenario"]) for f in rows} >= {
        ("live", "alpha", "base"), ("live", "ensemble", "shock")}
    live = next(f for f in rows if f["question"] == "live" and f["forecaster"] == "beta")
    assert live["value"] == 0.2 and live["issued_at"]
    r = invoke("registry", root, "--question", "which")
    assert r.exit_code == 0, r.output
    assert "Forecast registry" in r.stdout and "live" not in r.stdout
    assert "z 0.50" in r.stdout  # beta's most likely option, with its probability
    assert "issued at" in r.stdout
