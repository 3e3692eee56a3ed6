"""``cross_section`` reads each theory's codings once and runs each distinct QCA once (#14),
with the same results as the calls made one by one."""

from __future__ import annotations

from collections import Counter

import pytest

from casusbelli.analysis.cross import (
    TheoryFrames,
    cross_section,
    evaluate_workspace,
    path_indicators,
    theory_frame,
)
from casusbelli.analysis.measured import load_workspace
from casusbelli.analysis.weights import theory_matrices
from casusbelli.cross import qca
from casusbelli.errors import AnalysisError
from tests.web.test_consistency import _init_workspace


@pytest.fixture(scope="module", params=["casus-init", "russia"])
def ws(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A ``casus init`` workspace with enough cases for QCA, and the built-in one."""
    if request.param == "russia":
        return load_workspace(None)
    return load_workspace(_init_workspace(tmp_path_factory.mktemp("init")))


def _qca_input(call) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[float, ...], ...]]:
    df, _outcome, conds = call.args[:3]
    return tuple(conds), tuple(df.index), tuple(map(tuple, df.to_numpy().tolist()))


def test_cross_section_reads_each_theorys_codings_once(ws, spy) -> None:
    matrices = spy(theory_matrices)
    sec = cross_section(ws)
    analysed = [q.theory for q in sec.qca]
    assert analysed, "the workspace has theories to analyse"
    read = Counter(tid for call in matrices.call_args_list for tid in call.args[1])
    assert read == Counter(analysed)  # once per theory (it was three times)


def test_cross_section_runs_each_distinct_qca_once(ws, spy) -> None:
    analyze = spy(qca.analyze)
    sec = cross_section(ws)
    inputs = [_qca_input(c) for c in analyze.call_args_list]
    assert inputs, "some theory has a QCA"
    assert len(inputs) == len(set(inputs)), "a QCA was run twice on the same data"
    # a theory whose path keeps no other condition has one QCA for its solution and its
    # theory evaluation
    for q in sec.qca:
        paths = ws.theories[q.theory].paths
        same = paths is None or (theory_frame(ws, q.theory)["conditions"] == theory_frame(
            ws, q.theory, extra=tuple(path_indicators(paths)))["conditions"])
        if same:
            assert sum(i[0] == q.conditions for i in inputs) <= 1, q.theory


def test_shared_work_gives_the_results_of_separate_calls(ws) -> None:
    sec = cross_section(ws)
    assert sec.evaluation == tuple(evaluate_workspace(ws))  # its own TheoryFrames
    for q in sec.qca:
        tf = theory_frame(ws, q.theory)
        assert q.conditions == tuple(tf["conditions"])
        assert q.cases == tuple(tf["frame"].index)
        assert dict(q.dropped_conditions) == tf["dropped"]


def test_theory_frames_selects_a_frame_once_per_kept_set(ws) -> None:
    frames = TheoryFrames(ws)
    tid = next(q.theory for q in cross_section(ws).qca)
    first = frames.frame(tid)
    assert frames.frame(tid) is first
    kept = tuple(first["conditions"][:1])  # already kept: the same frame
    assert frames.frame(tid, extra=kept) is first
    fresh = theory_frame(ws, tid)
    assert fresh is not first and fresh["frame"].equals(first["frame"])


def test_a_failed_qca_fails_again_without_running_twice(ws, spy, monkeypatch) -> None:
    frames = TheoryFrames(ws)
    tid = next(q.theory for q in cross_section(ws).qca)
    tf = frames.frame(tid)
    analyze = spy(qca.analyze)
    bad = [*tf["conditions"], "not_a_condition"]
    for _ in range(2):
        with pytest.raises(AnalysisError):
            frames.qca(tid, tf["frame"], bad)
    assert analyze.call_count == 1
