"""The cache of analysis sections (analysis/section_cache.py): a warm run reads the within-case,
cross-case and discourse sections instead of computing them, gives the same document, keeps
them when only a question changed, recomputes them when a case changed, and never trusts a
damaged entry or one that JSON cannot hold exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from casusbelli.analysis import cross as cross_mod
from casusbelli.analysis import discourse as discourse_mod
from casusbelli.analysis import forecasts as forecasts_mod
from casusbelli.analysis import within as within_mod
from casusbelli.analysis.discourse import DiscourseSection
from casusbelli.analysis.measured import load_workspace
from casusbelli.analysis.section_cache import CACHED_SECTIONS, SectionCache
from casusbelli.pipeline import analyze
from casusbelli.store.cache import MODEL_CACHE
from casusbelli.store.db import Store
from tests.web.test_consistency import _init_workspace

SECTIONS = ["within", "cross", "discourse", "forecasts"]
QUESTION = """title: Will the example happen by 2030?
type: binary
criteria: Yes if it happens before the end of 2029.
opens: '2026-01-01'
closes: '2029-12-31'
resolves: '2030-01-31'
retrospective: false
sources:
  - source: {source}
forecasts:
  opportunism: {{value: 0.3, rationale: A judgement for the test.}}
  insecurity: {{value: 0.4, rationale: A judgement for the test.}}
"""


def _workspace(tmp_path: Path) -> Path:
    """A ``casus init`` workspace with six more cases and one question."""
    root = _init_workspace(tmp_path)
    source = next(iter(load_workspace(root).sources))
    (root / "questions").mkdir(exist_ok=True)
    (root / "questions" / "example.yaml").write_text(QUESTION.format(source=source),
                                                      encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUS_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count calls of each cacheable section's function (the pipeline looks it up by name)."""
    calls = {name: 0 for name in CACHED_SECTIONS}
    for name, mod, fn in (("within", within_mod, "within_section"),
                          ("cross", cross_mod, "cross_section"),
                          ("discourse", discourse_mod, "discourse_section"),
                          ("forecasts", forecasts_mod, "forecast_section")):
        real = getattr(mod, fn)

        def wrapper(*args: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            calls[_name] += 1
            return _real(*args, **kw)

        monkeypatch.setattr(mod, fn, wrapper)
    return calls


def _doc(root: Path, db: str, **kw: Any) -> dict[str, Any]:
    doc = analyze(root, db=db, sections=SECTIONS, **kw).to_dict()
    doc["build"].pop("seconds")
    return doc


def _entries(db: str) -> dict[str, int]:
    with Store(db).atomic() as s:
        rows = s.execute(select(MODEL_CACHE.c.engine)).scalars().all()
    return {e: rows.count(e) for e in set(rows)}


def test_a_warm_run_reads_the_sections_and_gives_the_same_document(tmp_path, counted):
    root = _workspace(tmp_path)
    db = f"sqlite:///{tmp_path / 'casus.db'}"
    first = _doc(root, db)
    assert counted == {"within": 1, "cross": 1, "discourse": 1, "forecasts": 1}
    assert {f"section:{n}" for n in CACHED_SECTIONS} <= set(_entries(db))
    second = _doc(root, db)
    assert counted == {"within": 1, "cross": 1, "discourse": 1, "forecasts": 1}
    assert second == first
    _doc(root, db, use_cache=False)
    assert counted == {"within": 2, "cross": 2, "discourse": 2, "forecasts": 2}


def test_editing_a_question_keeps_the_sections_editing_a_case_does_not(tmp_path, counted):
    root = _workspace(tmp_path)
    db = f"sqlite:///{tmp_path / 'casus.db'}"
    _doc(root, db)
    question = root / "questions" / "example.yaml"
    question.write_text(question.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    _doc(root, db)
    assert counted == {"within": 1, "cross": 1, "discourse": 1, "forecasts": 2}
    case = root / "cases" / "case-a.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("opening: {value: 1.0",
                                                             "opening: {value: 0.67"),
                    encoding="utf-8")
    edited = _doc(root, db)
    assert counted == {"within": 2, "cross": 2, "discourse": 2, "forecasts": 3}
    fresh = _doc(root, db, use_cache=False)
    assert edited["sections"] == fresh["sections"]
    # only the newest entry of each section is kept
    assert all(_entries(db)[f"section:{n}"] == 1 for n in CACHED_SECTIONS)


def test_a_damaged_entry_is_ignored_and_the_section_computed(tmp_path, counted):
    root = _workspace(tmp_path)
    db = f"sqlite:///{tmp_path / 'casus.db'}"
    first = _doc(root, db)
    with Store(db).atomic() as s:
        s.execute(update(MODEL_CACHE).where(MODEL_CACHE.c.engine == "section:cross")
                  .values(result={"section": {"title": "cross", "theories": "not a mapping"}}))
    again = _doc(root, db)
    assert counted["cross"] == 2 and counted["within"] == 1
    assert again == first


def test_a_section_json_cannot_hold_exactly_is_not_written(tmp_path):
    root = _workspace(tmp_path)
    db = f"sqlite:///{tmp_path / 'casus.db'}"
    analyze(root, db=db, sections=["within"])
    cache = SectionCache.open(db, root, "mine", "hash")
    assert cache is not None
    nan = DiscourseSection(title="Discourse", measured={"x": {"case-a": float("nan")}})
    assert cache.write("discourse", nan) is False
    assert cache.read("discourse") is None
    exact = DiscourseSection(title="Discourse", measured={"x": {"case-a": 0.25, "case-b": None}})
    assert cache.write("discourse", exact) is True
    assert cache.read("discourse") == exact
    # a section of another type under a cached name is refused
    assert cache.write("cross", exact) is False
    assert json.dumps(exact.to_dict())  # the document itself is plain JSON


def test_the_forecasts_are_computed_again_after_the_journal_or_the_date_changed(
        tmp_path, counted, monkeypatch):
    from casusbelli.analysis.forecast_ops import issue_forecasts
    from casusbelli.store import registry

    root = _workspace(tmp_path)
    db = f"sqlite:///{tmp_path / 'casus.db'}"
    _doc(root, db)
    _doc(root, db)
    assert counted["forecasts"] == 1
    issue_forecasts(load_workspace(root), db)  # appends to the registry
    issued = _doc(root, db)
    assert counted["forecasts"] == 2
    assert issued == _doc(root, db, use_cache=False)  # the same as computed afresh
    real = registry.utc_now
    monkeypatch.setattr(registry, "utc_now",
                        lambda: real() + __import__("datetime").timedelta(days=1))
    _doc(root, db)
    assert counted["forecasts"] == 4  # a new day: question statuses can change
    assert counted["cross"] == 2  # (the use_cache=False run above) nothing else
