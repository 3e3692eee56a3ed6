"""Forecast operations on a small workspace: view, issue, resolve, score, signposts, observe."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from casusbelli.analysis.forecast_ops import (
    forecast_view,
    issue_forecasts,
    observe_signpost,
    rank_signposts,
    resolve_question,
    score_forecasts,
)
from casusbelli.errors import ForecastError
from casusbelli.analysis.forecasts import forecast_section
from casusbelli.store import registry as reg
from casusbelli.workspace import load_workspace

NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def ws(forecast_ws):
    return load_workspace(forecast_ws())


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'store' / 'casus.db'}"


def test_view_shows_open_questions_with_equal_weights_and_a_warning(ws, url):
    v = forecast_view(ws, url, now=NOW)
    assert {r.question for r in v.rows} == {"live", "count", "which"}
    assert v.weights.source == "equal" and v.weights.warnings
    live = {r.scenario: r for r in v.rows if r.question == "live"}
    assert live["base"].ensemble == pytest.approx(0.5)
    assert live["base"].spread["p"]["low"] == 0.2 and live["base"].spread["p"]["high"] == 0.8
    # beta states no forecast under 'shock': its base value is used and flagged
    assert live["shock"].ensemble == pytest.approx(0.55) and live["shock"].assumed == ("beta",)
    which = next(r for r in v.rows if r.question == "which")
    assert which.ensemble == pytest.approx({"x": 0.4, "y": 0.3, "z": 0.3})


def test_view_filters_and_unknown_names(ws, url):
    v = forecast_view(ws, url, question="closed", scenario="base", now=NOW)
    assert [(r.question, r.status) for r in v.rows] == [("closed", "closed")]
    with pytest.raises(ForecastError, match="unknown question 'lve'") as e:
        forecast_view(ws, url, question="lve", now=NOW)
    assert "live" in (e.value.hint or "")
    with pytest.raises(ForecastError, match="no scenario 'calm'"):
        forecast_view(ws, url, question="live", scenario="calm", now=NOW)


def test_issue_appends_theory_and_ensemble_rows_and_skips_closed(ws, url):
    report = issue_forecasts(ws, url, now=NOW)
    keys = {(f.question, f.forecaster, f.scenario) for f in report.issued}
    assert ("live", "alpha", "shock") in keys and ("live", "beta", "shock") not in keys
    assert ("live", "ensemble", "shock") in keys and ("count", "ensemble", "base") in keys
    assert dict(report.skipped) == {"closed": "closed", "past": "resolved"}
    assert all(f.content_hash == ws.content_hash for f in report.issued)
    again = issue_forecasts(ws, url, question="live", now=NOW)
    store = reg.journal_store(url)
    assert len(reg.read_forecasts(store, "live")) == 2 * len(again.issued)
    store.dispose()


def test_issuing_after_close_is_refused(ws, url):
    with pytest.raises(ForecastError, match="cannot be issued after a question's close date"):
        issue_forecasts(ws, url, question="closed", now=NOW)
    late = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ForecastError, match="closed on 2030-12-31"):
        issue_forecasts(ws, url, question="live", now=late)
    # the last day is still open
    assert issue_forecasts(ws, url, question="live",
                           now=dt.datetime(2030, 12, 31, 23, 0, tzinfo=dt.UTC)).issued


def test_a_probability_outside_unit_interval_is_refused(forecast_ws, url):
    from tests.forecast.conftest import FORECAST_FILES

    bad = FORECAST_FILES["questions/live.yaml"].replace("value: 0.8", "value: 1.5")
    ws = load_workspace(forecast_ws({"questions/live.yaml": bad}))
    with pytest.raises(ForecastError, match=r"probability 1.5 is outside \[0, 1\]") as e:
        issue_forecasts(ws, url, question="live", now=NOW)
    assert e.value.field == "forecasts.alpha"


def test_resolve_records_once_and_checks_its_input(ws, url):
    with pytest.raises(ForecastError, match="unknown question 'nope'"):
        resolve_question(ws, url, "nope", "yes", "src1", now=NOW)
    with pytest.raises(ForecastError, match="binary: outcome must be yes or no, got '0.7'"):
        resolve_question(ws, url, "live", "0.7", "src1", now=NOW)
    with pytest.raises(ForecastError, match="not one of its options"):
        resolve_question(ws, url, "which", "w", "src1", now=NOW)
    with pytest.raises(ForecastError, match="numeric: outcome must be a number"):
        resolve_question(ws, url, "count", "many", "src1", now=NOW)
    with pytest.raises(ForecastError, match="needs a --source"):
        resolve_question(ws, url, "live", "yes", " ", now=NOW)
    with pytest.raises(ForecastError, match="already resolved in its file"):
        resolve_question(ws, url, "past", "no", "src1", now=NOW)
    with pytest.raises(ForecastError, match="YYYY-MM-DD"):
        resolve_question(ws, url, "live", "yes", "src1", on="March", now=NOW)
    r = resolve_question(ws, url, "closed", "no", "https://example.org/report", on="2026-12-01",
                         now=NOW)
    assert (r.question, r.outcome, r.resolved_on) == ("closed", False, "2026-12-01")
    with pytest.raises(ForecastError, match="already resolved as False"):
        resolve_question(ws, url, "closed", "yes", "src1", now=NOW)


def test_score_uses_workspace_forecasts_for_backtests(ws, url):
    report = score_forecasts(ws, url)
    by = {(s.question, s.forecaster): s for s in report.scores}
    # past resolved yes: alpha 0.7 -> Brier 0.09, log -ln 0.7; beta 0.4 -> 0.36
    assert by[("past", "alpha")].brier == pytest.approx(0.09)
    assert by[("past", "alpha")].log == pytest.approx(-math.log(0.7))
    assert by[("past", "beta")].brier == pytest.approx(0.36)
    assert by[("past", "ensemble")].brier == pytest.approx((0.55 - 1) ** 2)
    assert by[("past", "alpha")].source == "workspace" and by[("past", "alpha")].retrospective
    assert {s["group"] for s in report.summary} == {"backtest"}
    assert report.warnings  # too few for calibration


def test_score_time_averages_registry_forecasts(forecast_ws, url):
    from tests.forecast.conftest import FORECAST_FILES

    # a live question open 1-31 January 2027, closing on the 31st
    q = FORECAST_FILES["questions/live.yaml"].replace("'2026-01-01'", "'2027-01-01'").replace(
        "'2030-12-31'", "'2027-01-31'")
    ws = load_workspace(forecast_ws({"questions/live.yaml": q}))
    issue_forecasts(ws, url, question="live", now=dt.datetime(2027, 1, 11, tzinfo=dt.UTC))
    ws2 = load_workspace(forecast_ws({"questions/live.yaml": q.replace("value: 0.8",
                                                                       "value: 0.9")}, "ws2"))
    issue_forecasts(ws2, url, question="live", now=dt.datetime(2027, 1, 21, tzinfo=dt.UTC))
    resolve_question(ws, url, "live", "yes", "src1", on="2027-02-01",
                     now=dt.datetime(2027, 2, 1, tzinfo=dt.UTC))
    report = score_forecasts(ws, url)
    alpha = next(s for s in report.scores if (s.question, s.forecaster) == ("live", "alpha"))
    # days 1-10 ignorance (0.25), 11-20 p=0.8 (0.04), 21-31 p=0.9 (0.01): 31 days in all
    assert alpha.brier == pytest.approx((10 * 0.25 + 10 * 0.04 + 11 * 0.01) / 31)
    assert alpha.n_forecasts == 2 and alpha.source == "registry" and not alpha.retrospective
    assert any(s["group"] == "live" for s in report.summary)


def test_observe_updates_weights_by_bayes_and_issues_ensemble_forecasts(ws, url):
    report = observe_signpost(ws, url, "sig", "observed", "src2", on="2027-02-20", now=NOW)
    o = report.observation
    assert o.weights_before == {"alpha": 0.5, "beta": 0.5}
    assert o.weights_after == pytest.approx({"alpha": 0.8, "beta": 0.2})
    assert o.likelihoods == {"alpha": 0.8, "beta": 0.2}
    live = next(s for s in report.shifts if s["question"] == "live")
    # 0.5 -> 0.8 * 0.8 + 0.2 * 0.2 = 0.68
    assert (live["before"], live["after"]) == (pytest.approx(0.5), pytest.approx(0.68))
    assert report.issued and {f.forecaster for f in report.issued} == {"ensemble"}
    assert all(f.source == "observe:sig" for f in report.issued)
    v = forecast_view(ws, url, question="live", scenario="base", now=NOW)
    assert v.rows[0].ensemble == pytest.approx(0.68)
    assert v.weights.observations == ("sig",)
    with pytest.raises(ForecastError, match="already recorded as observed"):
        observe_signpost(ws, url, "sig", "not-observed", "src2", now=NOW)


def test_observe_checks_its_input(ws, url):
    with pytest.raises(ForecastError, match="unknown signpost 'sgn'"):
        observe_signpost(ws, url, "sgn", "observed", "src1", now=NOW)
    with pytest.raises(ForecastError, match="observed or not-observed"):
        observe_signpost(ws, url, "sig", "maybe", "src1", now=NOW)
    with pytest.raises(ForecastError, match="needs a --source"):
        observe_signpost(ws, url, "sig", "observed", "", now=NOW)


def test_likelihoods_cannot_change_after_an_observation(forecast_ws, url):
    from tests.forecast.conftest import FORECAST_FILES

    ws = load_workspace(forecast_ws())
    observe_signpost(ws, url, "sig", "not-observed", "src1", on="2027-01-01", now=NOW)
    edited = FORECAST_FILES["signposts/sig.yaml"].replace("alpha: 0.8", "alpha: 0.9")
    ws2 = load_workspace(forecast_ws({"signposts/sig.yaml": edited}, "ws2"))
    for call in (lambda: forecast_view(ws2, url, now=NOW),
                 lambda: issue_forecasts(ws2, url, now=NOW),
                 lambda: rank_signposts(ws2, url, now=NOW)):
        with pytest.raises(ForecastError, match="likelihoods cannot change") as e:
            call()
        assert e.value.field == "likelihoods.alpha"
        assert e.value.file == "signposts/sig.yaml"


def test_signposts_rank_by_expected_change(ws, url):
    ranked = rank_signposts(ws, url, now=NOW)
    assert [r.signpost for r in ranked] == ["sig", "dull"]
    top = ranked[0]
    # P(o) = 0.5; live moves 0.5 -> 0.68 or 0.32: expected change 0.18
    assert top.value == pytest.approx(0.18) and top.p_observed == pytest.approx(0.5)
    assert top.line().startswith("watch for A telling event (sig)")
    assert ranked[1].value == pytest.approx(0.0)
    only = rank_signposts(ws, url, question="which", now=NOW)
    assert [r.signpost for r in only] == ["dull"]


def test_analyze_section_has_tables_and_lines(ws, url):
    section = forecast_section(ws, url)
    titles = [t.title for t in section.tables]
    assert len(titles) == 2 and "Scores" in titles[1]
    assert any("equal theory weights" in line for line in section.lines)
    assert section.scores.resolved == ("past",)


def test_forecasts_do_not_borrow_the_intervention_model_weights(ws, url, monkeypatch):
    import casusbelli.analysis.weights as cw

    monkeypatch.setattr(cw, "weights", lambda ws, store_url: {"alpha": 3.0, "beta": 1.0})
    v = forecast_view(ws, url, question="live", scenario="base", now=NOW)
    assert v.weights.source == "equal"
    assert v.weights.base == {"alpha": 0.5, "beta": 0.5}
    assert "different question" in v.weights.warnings[0]
    assert v.rows[0].ensemble == pytest.approx(0.5 * 0.8 + 0.5 * 0.2)
