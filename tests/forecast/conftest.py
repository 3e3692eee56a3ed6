"""A small workspace with questions and signposts (on top of tests/conftest.py's mini one)."""

from __future__ import annotations

import pytest

FORECAST_FILES: dict[str, str] = {
    "questions/live.yaml": """title: Will it happen by 2030?
criteria: Yes if it happens by 31 December 2030.
opens: '2026-01-01'
closes: '2030-12-31'
resolves: '2031-06-30'
forecasts:
  alpha:
    value: 0.8
    rationale: Alpha expects it.
    scenarios:
      shock: 0.9
  beta:
    value: 0.2
    rationale: Beta does not.
""",
    "questions/past.yaml": """title: Did it happen in 2020?
criteria: Yes if it happened in the first half of 2020.
opens: '2020-01-01'
closes: '2020-06-30'
resolves: '2020-12-31'
retrospective: true
forecasts:
  alpha: {value: 0.7, rationale: Rule.}
  beta: {value: 0.4, rationale: Rule.}
resolution:
  outcome: true
  date: '2020-12-31'
  sources: [{source: src1}]
""",
    "questions/closed.yaml": """title: Closed but not resolved
criteria: Yes if so.
opens: '2021-01-01'
closes: '2021-06-30'
resolves: '2031-12-31'
forecasts:
  alpha: {value: 0.6, rationale: R.}
  beta: {value: 0.3, rationale: R.}
""",
    "questions/count.yaml": """title: How many?
type: numeric
range: [0, 100]
criteria: The number reported.
opens: '2026-01-01'
closes: '2030-12-31'
resolves: '2031-06-30'
forecasts:
  alpha: {value: {mean: 40, sd: 10}, rationale: R.}
  beta: {value: {mean: 60, sd: 10}, rationale: R.}
""",
    "questions/which.yaml": """title: Which one?
type: multiple_choice
options: [x, y, z]
criteria: The one that happens.
opens: '2026-01-01'
closes: '2030-12-31'
resolves: '2031-06-30'
forecasts:
  alpha: {value: {x: 0.6, y: 0.3, z: 0.1}, rationale: R.}
  beta: {value: {x: 0.2, y: 0.3, z: 0.5}, rationale: R.}
""",
    "signposts/sig.yaml": """title: A telling event
likelihoods: {alpha: 0.8, beta: 0.2}
questions: [live]
registered: '2026-01-01'
""",
    "signposts/dull.yaml": """title: An uninformative event
likelihoods: {alpha: 0.5, beta: 0.5}
questions: [live, which]
""",
}


@pytest.fixture
def forecast_ws(make_workspace):
    """Path of a temporary workspace with questions and signposts; pass overrides to change."""

    def make(overrides: dict[str, str | None] | None = None, name: str = "ws"):
        return make_workspace({**FORECAST_FILES, **(overrides or {})}, name=name)

    return make
