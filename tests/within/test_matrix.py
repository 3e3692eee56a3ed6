"""load_matrix: CSV and YAML matrices, one or several analysts, likelihoods."""

from __future__ import annotations

from pathlib import Path

import pytest

from casusbelli.analysis.matrix import load_matrix
from casusbelli.within import score_ach, trace_matrix
from casusbelli.within.ach import decode_ratings

CSV = """id,evidence,credibility,relevance,A,B,C
e1,Troops massed before the vote,high,,C,I,II
e2,"Speech, with a comma",,,N,N,N
e3,Cheap opening,low,high,CC,I,C
e4,Sanctions ignored,medium,low,I,,C
"""

YAML = """\
hypotheses: [A, B, C]
items:
  - id: e1
    evidence: Troops massed before the vote
    credibility: high
    ratings: {A: C, B: I, C: II}
  - id: e2
    evidence: "Speech, with a comma"
    ratings: {A: N, B: N, C: N}
  - id: e3
    evidence: Cheap opening
    credibility: low
    relevance: high
    ratings: {A: CC, B: I, C: C}
  - id: e4
    evidence: Sanctions ignored
    relevance: low
    ratings: {A: I, C: C}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_csv_and_yaml_forms_load_the_same_matrix(tmp_path):
    a = load_matrix(_write(tmp_path, "m.csv", CSV))
    b = load_matrix(_write(tmp_path, "m.yaml", YAML))
    for m in (a, b):
        assert m.hypotheses == ("A", "B", "C")
        assert m.item_ids == ("e1", "e2", "e3", "e4")
        assert m.credibility == ("high", "medium", "low", "medium")
        assert m.relevance == ("medium", "medium", "high", "low")
        assert m.evidence[1] == "Speech, with a comma"
        assert decode_ratings(m.ratings[0]) == [
            ["C", "I", "II"],
            ["N", "N", "N"],
            ["CC", "I", "C"],
            ["I", "NA", "C"],
        ]
        assert m.likelihoods is None
    # same worked example as tests/within/test_ach.py: weighted -0.5, -3, -4
    assert [h.weighted_inconsistency for h in score_ach(a).hypotheses] == [-0.5, -3.0, -4.0]
    assert a.source.endswith("m.csv")


def test_csv_with_analysts_and_likelihoods(tmp_path):
    text = (
        "id,analyst,evidence,credibility,relevance,A,B,likelihood:A,likelihood:B\n"
        "e1,ann,Massing,high,,C,I,0.7,0.2\n"
        "e1,bob,,,,C,II,,\n"
        "e2,ann,Speech,,,N,C,0.5,0.6\n"
        "e2,bob,Speech,,,I,C,0.5,0.6\n"
    )
    m = load_matrix(_write(tmp_path, "team.csv", text))
    assert m.analysts == ("ann", "bob")
    assert m.ratings.shape == (2, 2, 2)
    assert decode_ratings(m.ratings[1]) == [["C", "II"], ["I", "C"]]
    assert m.credibility == ("high", "medium")
    assert m.likelihoods.tolist() == [[0.7, 0.2], [0.5, 0.6]]
    res = score_ach(m)
    assert res.agreement is not None and res.analysts == ("ann", "bob")
    # file likelihoods are used as given: e1 0.7/0.2, e2 0.5/0.6 -> odds 3.5 * 5/6 = 35/12
    assert trace_matrix(m).posterior == pytest.approx([35 / 47, 12 / 47])


def test_yaml_with_analysts(tmp_path):
    text = """\
analysts: [ann, bob]
items:
  - id: e1
    evidence: x
    ratings:
      ann: {A: C, B: I}
      bob: {A: CC, B: I}
  - id: 2
    evidence: y
    ratings:
      bob: {A: N, B: NA}
"""
    m = load_matrix(_write(tmp_path, "team.yml", text))
    assert m.analysts == ("ann", "bob")
    assert m.item_ids == ("e1", "2")
    assert decode_ratings(m.ratings[0]) == [["C", "I"], ["NA", "NA"]]
    assert decode_ratings(m.ratings[1]) == [["CC", "I"], ["N", "NA"]]


def test_hostile_html_is_kept_verbatim(tmp_path):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> &amp;'
    csv_text = 'id,evidence,A,B\ne1,"' + hostile.replace('"', '""') + '",C,I\n'
    m = load_matrix(_write(tmp_path, "h.csv", csv_text))
    assert m.evidence == (hostile,)
    yaml_text = "items:\n  - id: e1\n    evidence: '" + hostile + "'\n    ratings: {A: C, B: I}\n"
    m2 = load_matrix(_write(tmp_path, "h.yaml", yaml_text))
    assert m2.evidence == (hostile,)
    assert m2.to_dict()["items"][0]["evidence"] == hostile


def test_utf8_bom_and_russian_text(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes("\ufeffid,evidence,A\ne1,Вежливые люди,C\n".encode())
    m = load_matrix(p)
    assert m.evidence == ("Вежливые люди",)
