"""The pipeline's progress reports: each step is announced when it starts (issue #15, item 4)."""

from __future__ import annotations

from casusbelli.pipeline import analyze


def test_progress_names_the_step_that_is_running(make_workspace, tmp_path):
    calls: list[tuple[int, str]] = []
    totals: set[int | None] = set()

    def cb(advance: int, total: int | None, label: str) -> None:
        calls.append((advance, label))
        totals.add(total)

    analyze(make_workspace(), db=f"sqlite:///{tmp_path / 'p.db'}", sections=["within"],
            progress=cb)
    labels = [label for _, label in calls]
    # announced (advance 0) before it is counted done (advance 1)
    for running, done in [("building the store...", "built store"), ("within...", "within done")]:
        assert (0, running) in calls and (1, done) in calls
        assert labels.index(running) < labels.index(done)
    # the bar ends full: every step counted once, against one total
    (total,) = totals
    assert sum(a for a, _ in calls) == total
