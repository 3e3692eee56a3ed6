"""Typed sections: numbers rounded for reading, exact in the JSON; plain sections wrapped."""

from __future__ import annotations

import math

from casusbelli.analysis.cross import CasePoint, CrossSection, PathFit, QcaResult
from casusbelli.analysis.sections import FailedSection, GenericSection, as_section, sig3


def test_sig3_gives_three_significant_digits():
    assert sig3(0.8935828877005346) == "0.894"
    assert sig3(3.331e-16) == "3.33e-16"
    assert sig3(0.0000333333) == "0.0000333"
    assert sig3(1234.5678) == "1235" and sig3(-0.5) == "-0.5"
    assert sig3(12) == "12" and sig3(None) == "—" and sig3("text") == "text"
    assert sig3(math.nan) == "—" and sig3(0.0) == "0"


def test_a_path_fit_keeps_its_cases_and_exact_numbers_in_the_json():
    fit = PathFit(expression="a", incl=0.8935828877005346, cov=0.5, cases=("x", "y"),
                  points=(CasePoint("x", 0.2, 1.0), CasePoint("y", 0.7, 0.0)))
    q = QcaResult(theory="t", conditions=("a",), dropped_conditions={}, cases=("x", "y"),
                  left_out=1, expected=fit)
    doc = CrossSection(title="c", qca=(q,)).to_dict()
    (row,) = doc["qca"]
    assert row["n"] == 2 and row["cases"] == ["x", "y"]
    assert row["expected"]["inclS"] == 0.8935828877005346 and row["expected"]["n"] == 2
    assert row["expected"]["points"][1] == {"case": "y", "x": 0.7, "y": 0.0}
    assert CrossSection(title="c", qca=(q,)).theory("t") is q


def test_a_plain_mapping_becomes_a_generic_section_and_a_wrong_type_a_failed_one():
    sec = as_section("extra", {"title": "Extra", "lines": ["hi"], "n": 3,
                               "tables": [{"title": "T", "columns": ["a"], "rows": [[1]]}]})
    assert isinstance(sec, GenericSection) and sec.tables[0].rows == ((1,),)
    assert sec.to_dict() == {"title": "Extra", "n": 3, "lines": ["hi"],
                             "tables": [{"title": "T", "columns": ["a"], "rows": [[1]]}]}
    bad = as_section("extra", [1, 2])
    assert isinstance(bad, FailedSection) and "not a section" in (bad.error or "")
