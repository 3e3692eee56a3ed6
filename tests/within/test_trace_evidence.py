"""Dependence-aware process tracing: clusters, interpretations, pre-decision view, sensitivity."""

from __future__ import annotations

import json
import math
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from casusbelli.cli import app
from casusbelli.errors import AnalysisError
from casusbelli.within.bayes import clusters_of, trace, trace_evidence, worst_case
from casusbelli.analysis.within import case_trace
from casusbelli.workspace import load_workspace
from casusbelli.workspace.load import validate_workspace

runner = CliRunner()


def _logodds(p: np.ndarray) -> float:
    return math.log(p[0] / p[1])


# --------------------------------------------------------------------------- dependence
def test_five_restatements_of_one_source_move_the_posterior_as_one_item():
    one = [0.8, 0.2]
    lk = [one] * 5
    res = trace_evidence(lk, sources=[["speech"]] * 5, hypotheses=["a", "b"])
    assert len(res.clusters) == 1 and res.clusters[0].items == ("E1", "E2", "E3", "E4", "E5")
    assert res.posterior == pytest.approx(trace([one]).posterior)  # 0.8, exactly one item
    assert res.posterior_independent[0] == pytest.approx(4**5 / (4**5 + 1))  # what it was


def test_a_cluster_of_differing_restatements_moves_no_more_than_its_strongest_item():
    # an independent item (own source) and five items restating one speech
    lk = np.array([[0.6, 0.4], [0.9, 0.1], [0.8, 0.3], [0.7, 0.2], [0.9, 0.2], [0.55, 0.45]])
    srcs = [["report"]] + [["speech", f"other{k}"] for k in range(5)]
    res = trace_evidence(lk, sources=srcs)
    assert [c.items for c in res.clusters] == [("E1",), ("E2", "E3", "E4", "E5", "E6")]
    shift = _logodds(res.posterior) - math.log(0.6 / 0.4)
    strongest = max(abs(math.log(a / b)) for a, b in lk[1:])
    assert abs(shift) <= strongest + 1e-12
    assert abs(shift) < _logodds(res.posterior_independent) - math.log(0.6 / 0.4)


def test_depends_on_and_shared_sources_join_transitively():
    ids = ["a", "b", "c", "d", "e"]
    groups = clusters_of(
        ids, [["s1"], ["s1", "s2"], ["s2"], ["s3"], ["s4"]], [[], [], [], ["e"], []]
    )
    assert groups == ((0, 1, 2), (3, 4))


# --------------------------------------------------------------------------- interpretations
def test_interpretations_are_shown_but_left_out_by_default():
    lk = [[0.7, 0.3], [0.95, 0.05]]
    kinds = ["observation", "interpretation"]
    res = trace_evidence(lk, kinds=kinds, item_ids=["obs", "thesis"])
    assert res.in_likelihood == (True, False)
    assert res.posterior == pytest.approx([0.7, 0.3])
    d = res.to_dict()
    assert d["excluded"] == ["thesis"] and d["items"][1]["interpretation"] is True
    assert d["items"][1]["cluster"] is None
    back = trace_evidence(lk, kinds=kinds, item_ids=["obs", "thesis"], with_interpretations=True)
    assert back.in_likelihood == (True, True)
    assert back.to_dict()["items"][1]["interpretation"] is True  # still marked
    assert back.posterior[0] == pytest.approx(0.7 * 0.95 / (0.7 * 0.95 + 0.3 * 0.05))


def test_only_interpretations_is_a_clear_error():
    with pytest.raises(AnalysisError, match="every item is an interpretation"):
        trace_evidence([[0.6, 0.4]], kinds=["interpretation"])


# --------------------------------------------------------------------------- pre-decision
def test_pre_decision_posterior_uses_only_items_knowable_before_the_date():
    lk = np.array([[0.8, 0.2], [0.3, 0.6], [0.1, 0.9], [0.2, 0.7], [0.9, 0.5]])
    knowable = ["2021-12", "2022-02-23", "2022-02", "2022-03-01", None]
    ids = ["early", "eve", "feb", "after", "undated"]
    res = trace_evidence(lk, item_ids=ids, knowable=knowable, decision_date="2022-02-24")
    # "2022-02" may mean 28 February: not shown to be before; an unknown date never is
    assert res.items_before_decision == ("early", "eve")
    assert res.posterior_before_decision == pytest.approx(trace(lk[:2]).posterior)
    # later items do not touch it
    changed = lk.copy()
    changed[2:] = [[0.99, 0.01]] * 3
    again = trace_evidence(changed, item_ids=ids, knowable=knowable, decision_date="2022-02-24")
    assert again.posterior_before_decision == pytest.approx(res.posterior_before_decision)
    assert not np.allclose(again.posterior, res.posterior)


def test_pre_decision_restricts_a_cluster_to_its_early_items():
    lk = [[0.8, 0.2], [0.1, 0.9]]
    res = trace_evidence(
        lk,
        sources=[["speech"], ["speech"]],
        knowable=["2020-01-01", "2020-06-01"],
        decision_date="2020-03",
    )
    assert len(res.clusters) == 1
    assert res.posterior_before_decision == pytest.approx([0.8, 0.2])


def test_no_decision_date_means_no_pre_decision_posterior():
    res = trace_evidence([[0.6, 0.4]])
    assert res.posterior_before_decision is None and res.to_dict()["decision_date"] is None


# --------------------------------------------------------------------------- sensitivity
def _brute_force(lc: np.ndarray, prior: np.ndarray, leader: int, k: int) -> float:
    best = 1.0
    for drop in combinations(range(lc.shape[0]), k):
        keep = [c for c in range(lc.shape[0]) if c not in drop]
        logp = np.log(prior) + lc[keep].sum(axis=0)
        p = np.exp(logp - logp.max())
        best = min(best, float(p[leader] / p.sum()))
    return best


def test_worst_case_is_exact_on_a_small_set():
    rng = np.random.default_rng(13)
    lk = rng.uniform(0.05, 1.0, size=(8, 3))
    prior = np.array([0.5, 0.3, 0.2])
    res = trace_evidence(lk, prior=prior)
    lead = int(np.argmax(res.posterior))
    lc = np.log(lk)
    for w in res.sensitivity.worst_case:
        assert w.method == "exact" and w.subsets == math.comb(8, w.k)
        at_most = min(_brute_force(lc, prior, lead, j) for j in range(1, w.k + 1))
        assert w.posterior == pytest.approx(at_most)
        assert len(w.removed) <= w.k
    assert [w.k for w in res.sensitivity.worst_case] == [1, 2, 3, 4, 5]
    values = [w.posterior for w in res.sensitivity.worst_case]
    assert values == sorted(values, reverse=True)  # removing more can only do more harm


def test_worst_case_falls_back_to_a_stated_greedy_bound():
    rng = np.random.default_rng(7)
    lc = np.log(rng.uniform(0.05, 1.0, size=(10, 2)))
    prior = np.array([0.5, 0.5])
    value, removed, method, count = worst_case(lc, prior, 0, 3, exact_limit=10)
    assert method == "greedy" and count == math.comb(10, 3) and len(set(removed)) == 3
    assert value >= _brute_force(lc, prior, 0, 3) - 1e-12  # an upper bound on the minimum
    res = trace_evidence(np.exp(lc), exact_limit=10)
    d = res.to_dict()["sensitivity"]["worst_case"][2]
    assert d["method"] == "greedy" and d["bound"].startswith("upper bound")


def test_tempering_pulls_the_posterior_toward_the_prior():
    res = trace_evidence([[0.9, 0.1], [0.8, 0.3]])
    (p1, half), (p2, quarter) = res.sensitivity.tempered
    assert (p1, p2) == (0.5, 0.25)
    assert res.posterior[0] > half[0] > quarter[0] > 0.5
    lo, hi = res.sensitivity.leader_band
    assert lo <= quarter[0] and hi == pytest.approx(res.posterior[0])


def test_analyst_spread_appears_only_with_several_analysts():
    lk = [[0.7, 0.3], [0.6, 0.4]]
    per = [lk, [[0.3, 0.7], [0.6, 0.4]]]
    res = trace_evidence(lk, analyst_likelihoods=per, analysts=["alice", "bob"])
    spread = res.to_dict()["sensitivity"]["analysts"]
    assert set(spread["analysts"]) == {"alice", "bob"}
    assert spread["min"]["H1"] == pytest.approx(0.6 * 0.3 / (0.6 * 0.3 + 0.4 * 0.7))
    assert trace_evidence(lk, analyst_likelihoods=[lk]).sensitivity.analysts is None


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 7).flatmap(
        lambda n: st.tuples(
            st.lists(
                st.lists(st.floats(0.01, 1.0), min_size=3, max_size=3), min_size=n, max_size=n
            ),
            st.lists(st.sampled_from(["s1", "s2", "s3", "s4"]), min_size=n, max_size=n),
            st.lists(
                st.sampled_from(["2019", "2020-05", "2021-01-02", None]), min_size=n, max_size=n
            ),
        )
    )
)
def test_every_posterior_sums_to_one(args):
    lk, src, know = args
    res = trace_evidence(lk, sources=[[s] for s in src], knowable=know, decision_date="2020-06")
    posts = [
        res.posterior,
        res.flat_posterior,
        res.posterior_independent,
        res.posterior_before_decision,
        *(p for _, p in res.sensitivity.tempered),
        *(c.posterior_after for c in res.clusters),
    ]
    for p in posts:
        assert p.sum() == pytest.approx(1.0) and (p >= 0).all()
    for w in res.sensitivity.worst_case:
        assert 0.0 <= w.posterior <= 1.0


# --------------------------------------------------------------------------- workspace glue
EVIDENCE = """case: one
decision_date: 2020-03
items:
  - id: e1
    text: A thing observed.
    kind: observation
    date: 2020-01-10
    sources: [{source: src1}]
    ratings: {alpha: C, beta: I}
    likelihoods: {alpha: 0.8, beta: 0.2}
  - id: e2
    text: The same thing reported again.
    kind: fact
    date: 2020-04
    sources: [{source: src2}]
    depends_on: [e1]
    ratings: {alpha: C, beta: I}
    likelihoods: {alpha: 0.8, beta: 0.2}
  - id: e3
    text: A reading of it.
    kind: interpretation
    date: null
    sources: [{source: src2}]
    ratings: {alpha: CC, beta: II}
    likelihoods: {alpha: 0.95, beta: 0.05}
"""


def test_case_trace_reads_kinds_dates_and_depends_on(make_workspace):
    ws = load_workspace(make_workspace({"evidence/one.yaml": EVIDENCE}))
    tr = case_trace(ws, "one", prior="flat")
    assert [c.items for c in tr.clusters] == [("e1", "e2")]
    assert tr.posterior == pytest.approx([0.8, 0.2])
    assert tr.items_before_decision == ("e1",)
    assert tr.kinds == ("observation", "observation", "interpretation")
    later = case_trace(ws, "one", prior="flat", before="2021")
    assert later.items_before_decision == ("e1", "e2")
    with pytest.raises(AnalysisError, match="expected a date"):
        case_trace(ws, "one", before="soon")


def test_user_workspace_warns_about_missing_metadata_and_unknown_dates(make_workspace):
    no_meta = EVIDENCE.replace("    kind: observation\n    date: 2020-01-10\n", "")
    ws, problems = validate_workspace(make_workspace({"evidence/one.yaml": no_meta}))
    assert problems == [] and ws is not None
    msgs = [str(w) for w in ws.warnings]
    assert any("'e1' does not state when it became knowable" in m for m in msgs)
    assert any("'e1' does not state its kind" in m for m in msgs)
    assert any("'e3': date unknown" in m and "one.yaml:20" in m for m in msgs)


def test_depends_on_an_unknown_item_names_file_line_and_field(make_workspace):
    bad = EVIDENCE.replace("depends_on: [e1]", "depends_on: [e9]")
    _, problems = validate_workspace(make_workspace({"evidence/one.yaml": bad}))
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("evidence/one.yaml", 16, "items[1].depends_on[0]")
    ]
    assert "unknown evidence item id 'e9'" in problems[0].message


def test_builtin_workspace_states_metadata_and_decision_dates():
    from casusbelli.workspace import resolve_workspace

    ws, problems = validate_workspace(resolve_workspace(None))
    assert problems == [] and ws is not None
    for cid in ("ukraine-2014", "syria-2015", "ukraine-2022"):
        ev = ws.evidence[cid]
        assert ev.decision_date is not None
        assert all(
            i.kind in ("observation", "official_statement", "interpretation") for i in ev.items
        )
    # only the seed thread's items have no date, and they are said to be unknown
    undated = {(c, i.id) for c, ev in ws.evidence.items() for i in ev.items if i.date is None}
    assert all(
        i.sources[0].source == "seedthread"
        for c, ev in ws.evidence.items()
        for i in ev.items
        if (c, i.id) in undated
    )


def test_cli_trace_json_on_ukraine_2022_gives_both_posteriors_and_the_band():
    r = runner.invoke(app, ["trace", "ukraine-2022", "--json"])
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["decision_date"] == "2022-02-24"
    assert d["items_before_decision"] == [f"e{k:02d}" for k in range(1, 11)]
    assert set(d["excluded"]) == {"e25", "e26", "e27", "e28"}
    big = [c for c in d["clusters"] if len(c["items"]) > 1]
    assert sorted(c["id"] for c in big) == ["e04+e08+e09+e13", "e11+e12"]
    s = d["sensitivity"]
    assert set(s["tempered"]) == {"0.5", "0.25"} and [w["k"] for w in s["worst_case"]] == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert all(w["method"] == "exact" for w in s["worst_case"])
    assert sum(d["posterior_before_decision"].values()) == pytest.approx(1.0)
    r = runner.invoke(app, ["trace", "ukraine-2022", "--before", "2022-01-01", "--json"])
    d2 = json.loads(r.stdout)
    assert d2["items_before_decision"] == [f"e{k:02d}" for k in range(1, 6)] + ["e07"]
    r = runner.invoke(app, ["trace", "ukraine-2022"])
    assert r.exit_code == 0 and "before 2022-02-24 (10 items)" in r.stdout


def test_builtin_workspace_requires_the_metadata(make_workspace, monkeypatch):
    import casusbelli.workspace.validate.evidence as evidence_checks

    monkeypatch.setattr(evidence_checks, "is_builtin", lambda root: True)
    no_meta = EVIDENCE.replace("    kind: observation\n    date: 2020-01-10\n", "")
    ws, problems = validate_workspace(make_workspace({"evidence/one.yaml": no_meta}))
    assert ws is None
    assert [(p.line, p.field) for p in problems] == [(4, "items[0].date"), (4, "items[0].kind")]
