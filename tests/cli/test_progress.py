"""Progress output of the CLI when stderr is not a terminal (logs, CI): one line per step."""

from __future__ import annotations

import pytest

from casusbelli.cli import plain_eta, progress_bar, state


def test_plain_eta_from_the_rate_so_far():
    assert plain_eta(0, 10, 5.0) == ""
    assert plain_eta(10, 10, 5.0) == ""
    assert plain_eta(2, 10, 4.0) == ", ETA 16 s"
    assert plain_eta(1, 100, 60.0) == ", ETA 99 min"


def test_piped_progress_prints_one_line_per_new_step_with_counts(capsys: pytest.CaptureFixture):
    state.quiet = False
    with progress_bar("audit") as cb:
        cb(0, 4, "placebos")
        cb(1, 4, "placebos")
        cb(1, 4, "permutations")
        cb(1, 4, "permutations")
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "audit: placebos (0/4)"
    assert lines[1].startswith("audit: permutations (2/4, ETA ")
    assert len(lines) == 2


def test_quiet_prints_nothing(capsys: pytest.CaptureFixture):
    state.quiet = True
    try:
        with progress_bar("audit") as cb:
            cb(1, 2, "x")
    finally:
        state.quiet = False
    assert capsys.readouterr().err == ""
