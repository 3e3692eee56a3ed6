"""Out-of-sample scoring: the computed sample split, paired bootstrap intervals for score
differences, and the registry's refusal of back-dated issue times."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from casusbelli.analysis.forecast_ops import (
    IN_SAMPLE,
    OUT_OF_SAMPLE,
    issue_forecasts,
    question_sample,
    score_forecasts,
)
from casusbelli.analysis.measured import load_workspace
from casusbelli.errors import ForecastError
from casusbelli.forecast.scoring import paired_bootstrap
from casusbelli.store import registry as reg

NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)

BACKTEST = """title: Did case two's crisis end in intervention?
criteria: Yes if it did, as recorded in cases/two.yaml.
opens: '2019-01-01'
closes: '2019-06-30'
resolves: '2019-12-31'
retrospective: true
forecasts:
  alpha: {value: 0.6, rationale: Judgement.}
  beta: {value: 0.3, rationale: Judgement.}
resolution:
  outcome: false
  date: '2019-12-31'
  sources: [{source: src2}]
"""

RULED_LIVE = """title: Will it recur by 2030?
criteria: Yes if it recurs by 31 December 2030.
opens: '2026-01-01'
closes: '2030-12-31'
resolves: '2031-06-30'
forecasts:
  alpha:
    rationale: Rule.
    rule: {kind: linear, case: two, path: a, base: 0.1, slope: 0.8}
  beta: {value: 0.3, rationale: Judgement.}
"""


@pytest.fixture
def ws(forecast_ws):
    return load_workspace(forecast_ws({"questions/bt-two.yaml": BACKTEST,
                                       "questions/ruled.yaml": RULED_LIVE}))


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'store' / 'casus.db'}"


def test_sample_is_computed_from_case_names_and_rules(ws):
    assert question_sample(ws, ws.questions["bt-two"])[0] == IN_SAMPLE  # names case two
    assert question_sample(ws, ws.questions["ruled"])[0] == IN_SAMPLE  # its rule reads codings
    assert question_sample(ws, ws.questions["past"])[0] == OUT_OF_SAMPLE  # names no case
    assert question_sample(ws, ws.questions["live"])[0] == OUT_OF_SAMPLE


def test_score_json_reports_in_sample_and_out_of_sample_apart(ws, url):
    doc = score_forecasts(ws, url).to_dict()
    assert doc["samples"]["bt-two"]["sample"] == IN_SAMPLE
    assert doc["samples"]["past"]["sample"] == OUT_OF_SAMPLE
    by = {(s["sample"], s["forecaster"]): s for s in doc["summary"]}
    assert by[IN_SAMPLE, "alpha"]["n"] == 1 and by[OUT_OF_SAMPLE, "alpha"]["n"] == 1
    # alpha said 0.6 on a 'no' (in-sample), 0.7 on a 'yes' (out-of-sample)
    assert by[IN_SAMPLE, "alpha"]["brier"] == pytest.approx(0.36)
    assert by[OUT_OF_SAMPLE, "alpha"]["brier"] == pytest.approx(0.09)
    assert {s["sample"] for s in doc["scores"]} == {IN_SAMPLE, OUT_OF_SAMPLE}
    diffs = {(d["sample"], d["rule"], d["a"], d["b"]): d for d in doc["differences"]}
    d = diffs[OUT_OF_SAMPLE, "brier", "alpha", "beta"]
    assert d["mean"] == pytest.approx(0.09 - 0.36) and d["low"] == d["high"] == d["mean"]
    assert doc["bootstrap"]["n_boot"] == 2000


def test_score_warns_when_no_out_of_sample_question_resolved(forecast_ws, url):
    ws = load_workspace(forecast_ws({"questions/past.yaml": None,
                                     "questions/bt-two.yaml": BACKTEST}))
    report = score_forecasts(ws, url)
    assert any("no out-of-sample question" in w for w in report.warnings)


def test_bootstrap_interval_contains_the_observed_difference_and_is_seeded():
    rng = np.random.default_rng(1)
    a, b = rng.uniform(0, 0.5, 30), rng.uniform(0, 0.5, 30)
    d = paired_bootstrap(a, b, np.random.default_rng(7))
    assert d.low < d.mean < d.high and d.mean == pytest.approx(float(np.mean(a - b)))
    assert d == paired_bootstrap(a, b, np.random.default_rng(7))
    # a forecaster better on every question by the same margin: interval collapses on it
    same = paired_bootstrap(a, a + 0.1, np.random.default_rng(7))
    assert same.low == pytest.approx(-0.1) and same.high == pytest.approx(-0.1)


def test_registry_refuses_an_issue_time_before_the_latest_registered(ws, url):
    issue_forecasts(ws, url, question="live", now=NOW)
    with pytest.raises(ForecastError, match="earlier than the latest already registered") as e:
        issue_forecasts(ws, url, question="live", now=NOW - dt.timedelta(days=1))
    assert e.value.field == "issued_at"
    store = reg.journal_store(url)
    try:
        n = len(reg.read_forecasts(store, "live"))
        issue_forecasts(ws, url, question="live", now=NOW)  # the same time is not back-dated
        assert len(reg.read_forecasts(store, "live")) == 2 * n
    finally:
        store.dispose()


def test_issue_refuses_a_time_before_the_clock_less_tolerance(forecast_ws, url):
    long = RULED_LIVE.replace("2030-12-31", "2099-12-31").replace("2031-06-30", "2100-06-30")
    ws = load_workspace(forecast_ws({"questions/long.yaml": long}))
    past = reg.utc_now() - reg.CLOCK_TOLERANCE - dt.timedelta(minutes=1)
    with pytest.raises(ForecastError, match="back-dated"):
        issue_forecasts(ws, url, question="long", now=past)
    # within the tolerance is accepted
    assert issue_forecasts(ws, url, question="long",
                           now=reg.utc_now() - dt.timedelta(minutes=1)).issued


def test_performance_weights_follow_the_exponential_formula_with_a_floor():
    from casusbelli.forecast.ensemble import performance_weights

    w = performance_weights({"a": 0.1, "b": 0.3}, 10, learning_rate=1.0, floor=0.05)
    ea, eb = np.exp(-1.0), np.exp(-3.0)
    assert w["a"] == pytest.approx(0.95 * ea / (ea + eb) + 0.025)
    assert sum(w.values()) == pytest.approx(1.0)
    # a theory far behind keeps the floor's share
    assert performance_weights({"a": 0.0, "b": 1.0}, 1000)["b"] == pytest.approx(0.025)


def test_weights_stay_equal_until_enough_out_of_sample_questions_resolve(ws, url, monkeypatch):
    from casusbelli.analysis import forecast_weights as service
    from casusbelli.analysis.forecast_ops import current_weights

    w = current_weights(ws, url)  # one out-of-sample question ('past') has resolved
    assert w.source == "equal"
    assert any("1 of the 20 resolved out-of-sample questions" in m for m in w.warnings)
    monkeypatch.setattr(service, "MIN_PERFORMANCE_QUESTIONS", 1)
    w = current_weights(ws, url)
    assert w.source == "performance"
    # 'past': alpha 0.7 and beta 0.4 on a yes -> Brier 0.09 and 0.36; the in-sample 'bt-two'
    # (where beta scores better) does not enter
    ea, eb = np.exp(-0.09), np.exp(-0.36)
    assert w.base["alpha"] == pytest.approx(0.95 * ea / (ea + eb) + 0.025)
