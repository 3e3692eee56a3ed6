"""The built-in ``russia`` workspace meets its content bar (DESIGN.md, issues #3, #4, #7)."""

from __future__ import annotations

import datetime as dt

import pytest

from casusbelli.workspace import load_workspace


@pytest.fixture(scope="module")
def ws():
    return load_workspace()


def test_case_counts(ws):
    kinds = [c.kind for c in ws.cases.values()]
    assert kinds.count("intervention") >= 25
    assert kinds.count("negative") >= 10
    assert min(c.start for c in ws.cases.values()) <= "1956-12"


def test_every_case_codes_every_indicator_with_rationale_and_source(ws):
    coded = [i for i, ind in ws.indicators.items() if ind.measured is None]
    for cid, case in ws.cases.items():
        missing = [i for i in coded if i not in case.codings]
        assert not missing, f"{cid} does not code {missing}"
        for ind, cd in case.codings.items():
            assert cd.rationale.strip(), f"{cid}.{ind} has no rationale"
            assert cd.sources, f"{cid}.{ind} cites no source"
            if cd.value is None and cd.applicable:
                assert cd.rationale.lower().startswith("unknown"), (
                    f"{cid}.{ind} is null but its rationale does not say unknown")
            if not cd.applicable:
                assert cd.rationale.lower().startswith("not applicable"), (
                    f"{cid}.{ind} is n/a but its rationale does not say not applicable")


def test_no_predictor_rationale_argues_from_the_outcome(ws):
    from casusbelli.workspace.design import argues_from_outcome

    bad = [f"{cid}.{ind}: {cd.rationale}" for cid, case in ws.cases.items()
           for ind, cd in case.codings.items()
           if ws.indicators[ind].predictor and argues_from_outcome(cd.rationale)]
    assert not bad, "\n".join(bad)


def test_indicators_that_need_an_intervention_are_na_in_negative_cases(ws):
    needs = [i for i, ind in ws.indicators.items() if ind.applies == "intervention"]
    assert set(needs) >= {"risk_beyond_gain", "status_quo_defence"}
    for cid, case in ws.cases.items():
        for ind in needs:
            if case.kind == "negative":
                assert not case.codings[ind].applicable, f"{cid}.{ind} should be n/a"
            else:
                assert case.codings[ind].applicable, f"{cid}.{ind} is n/a in an intervention"


def test_justification_indicators_are_never_predictors(ws):
    after = {"great_power_claim", "threat_framing", "gpw_imagery", "risk_beyond_gain",
             "core_base_appeal", "threat_framing_measured", "status_quo_defence"}
    assert after <= {i for i, ind in ws.indicators.items() if ind.timing == "after"}
    for tid in ws.theory_ids:
        assert not after & {p for p, _ in ws.predictors_of(tid)}, tid


def test_outcome_matches_case_kind(ws):
    for cid, case in ws.cases.items():
        expected = 1.0 if case.kind == "intervention" else 0.0
        assert case.codings["INTERVENTION"].value == expected, cid


def test_every_source_has_author_title_and_year_or_says_why_not(ws):
    for sid, src in ws.sources.items():
        assert src.title.strip(), sid
        people = (src.author or []) + (src.editor or [])
        assert people and all(p.family or p.literal for p in people), f"{sid} has no author"
        if src.year() is None:
            assert "date not printed" in (src.note or "") or src.type in ("post", "dataset"), (
                f"{sid} has no year and no note saying the date is not printed")


def test_every_source_records_where_it_was_checked(ws):
    unchecked = [sid for sid, s in ws.sources.items() if not (s.verified_at or "").strip()]
    assert not unchecked


def test_the_thesis_under_test_never_sources_a_coding(ws):
    # The seed thread states the thesis being tested (issue #12): it may stand
    # behind interpretation items of an evidence set, never behind a coding or
    # behind the likelihood of an observation or statement.
    coded = [f"{cid}.{ind}" for cid, case in ws.cases.items()
             for ind, cd in case.codings.items()
             if any(r.source == "seedthread" for r in cd.sources)]
    assert not coded, coded
    items = [f"{cid}.{item.id}" for cid, ev in ws.evidence.items() for item in ev.items
             if item.category != "interpretation"
             and any(r.source == "seedthread" for r in item.sources)]
    assert not items, items


def test_seed_thread_locators_name_existing_posts(ws):
    import re

    refs = []
    for case in ws.cases.values():
        for cd in case.codings.values():
            refs += [r for r in cd.sources if r.source == "seedthread"]
    for ev in ws.evidence.values():
        for item in ev.items:
            refs += [r for r in item.sources if r.source == "seedthread"]
    assert refs
    for r in refs:
        numbers = [int(n) for n in re.findall(r"\d+", r.locator or "")]
        assert numbers and all(1 <= n <= 12 for n in numbers), r.locator


@pytest.mark.parametrize("case_id", ["ukraine-2014", "syria-2015", "ukraine-2022"])
def test_evidence_sets_are_a_fair_test(ws, case_id):
    if case_id not in ws.evidence:
        pytest.fail(f"no evidence set for {case_id}")
    ev = ws.evidence[case_id]
    assert len(ev.items) >= 15
    theories = set(ws.theory_ids)
    for item in ev.items:
        assert set(item.ratings) >= theories, item.id
        assert item.sources
    # the thesis' own claims enter as interpretation citing the thread
    thesis = [i for i in ev.items if any(s.source == "seedthread" for s in i.sources)]
    assert thesis and all(i.kind == "interpretation" for i in thesis)
    # and some items cut against it
    assert any(i.ratings["legacy"] in ("I", "II") for i in ev.items)


def test_questions_cover_the_thesis_forecasts(ws):
    today = dt.date(2026, 11, 26).isoformat()
    open_q = [q for q in ws.questions.values() if not q.retrospective]
    resolved = [q for q in ws.questions.values() if q.retrospective]
    assert len(open_q) >= 8
    assert all(q.resolves >= "2027" and q.opens <= today for q in open_q)
    assert len(resolved) >= 10
    assert all(q.resolution is not None for q in resolved)
    outcomes = {bool(q.resolution.outcome) for q in resolved}
    assert outcomes == {True, False}
    for q in ws.questions.values():
        assert set(q.forecasts) >= set(ws.theory_ids), q.title


def test_signposts_have_likelihoods_for_every_theory(ws):
    assert len(ws.signposts) >= 5
    for sp in ws.signposts.values():
        assert set(sp.likelihoods) == set(ws.theory_ids)
