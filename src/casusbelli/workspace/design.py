"""Research-design warnings about a valid workspace: what the cross-case engines will leave out.

A workspace can be valid and still unable to test a theory. These checks read the indicator
metadata (``timing``, ``applies``) and the codings, and say so before any engine runs:

* a theory's expected path, or its implications, rest on indicators that describe the
  intervention (``timing: after``) or can be ``n/a``: cross-case engines leave them out;
* a predictor's rationale argues from the outcome ("no intervention, so ..."): a predictor must
  be what was observable *before* the decision, codeable for a case where nothing happened;
* a predictor coded ``n/a``, or an ``applies: intervention`` indicator coded with a value in a
  negative case;
* a predictor that is unknown in most cases of one kind (negative or intervention).

Warnings are :class:`~casusbelli.errors.Problem` objects with ``kind="warning"``;
``casus validate`` prints them and ``--strict`` makes them errors.
"""

from __future__ import annotations

import re

from casusbelli.errors import Problem
from casusbelli.workspace.load import Workspace

__all__ = ["OUTCOME_ARGUING", "argues_from_outcome", "design_warnings", "known_share"]

#: Phrases by which a predictor's rationale reads its value off the outcome. Matched
#: case-insensitively; each one says "there was (no) intervention, therefore ...".
OUTCOME_ARGUING = (
    r"\bno intervention\b",
    r"\bno (?:soviet |russian )?(?:troops|forces) (?:were )?(?:sent|deployed)\b.*\bso\b",
    r"\ban intervention would have (?:aimed|sought|been aimed)\b",
    r"\bwould have aimed to\b",
    r"\bbecause (?:moscow|the kremlin|russia|the ussr) did not intervene\b",
    r"\bsince (?:moscow|the kremlin|russia|the ussr) did not intervene\b",
    r"\bdid not intervene, so\b",
    r"\bas (?:moscow|russia) stayed out\b",
)
_OUTCOME_RE = re.compile("|".join(OUTCOME_ARGUING), re.IGNORECASE)

#: Share of known codings a predictor needs in each kind of case before a warning.
MIN_KNOWN_SHARE = 0.8


def argues_from_outcome(rationale: str) -> bool:
    """True when a rationale derives the value from whether an intervention happened.

    >>> argues_from_outcome("No intervention, so no cost or risk was accepted.")
    True
    >>> argues_from_outcome("Protests in Minsk drew 100,000 people in August 2020.")
    False
    """
    return bool(_OUTCOME_RE.search(rationale))


def known_share(ws: Workspace, indicator: str, kind: str) -> float | None:
    """Share of cases of ``kind`` ('intervention' or 'negative') that code ``indicator`` with
    a value (unknown and n/a are not known); ``None`` when there is no such case."""
    cases = [c for c in ws.cases.values() if c.kind == kind]
    if not cases:
        return None
    known = sum(
        1 for c in cases if indicator in c.codings and c.codings[indicator].value is not None
    )
    return known / len(cases)


def _path_indicators(expression: str) -> list[str]:
    return sorted(set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", expression)))


def design_warnings(ws: Workspace) -> list[Problem]:
    """Every research-design warning for ``ws`` (see the module notes), in a stable order."""
    out: list[Problem] = []
    for tid in ws.theory_ids:
        th = ws.theories[tid]
        rel = ws.origins.get(("theory", tid), (f"theories/{tid}.yaml", None))[0]
        excluded = ws.excluded_of(tid)
        if excluded:
            out.append(Problem(
                f"theory {tid!r}: {', '.join(excluded)} describe the intervention or can be n/a; "
                "cross-case engines (QCA, models, evaluation) leave them out",
                file=rel, field="implications", kind="warning"))
        if th.paths:
            bad = [i for i in _path_indicators(th.paths)
                   if i in ws.indicators and not ws.indicators[i].predictor]
            if bad:
                out.append(Problem(
                    f"theory {tid!r}: its expected path uses {', '.join(bad)}, which are not "
                    "observable before the decision for every case; the path cannot be tested "
                    "across cases", file=rel, field="paths", kind="warning"))
        if not ws.predictors_of(tid):
            out.append(Problem(
                f"theory {tid!r} has no cross-case predictor (no indicator observable before the "
                "decision and codeable for every case)", file=rel, field="implications",
                kind="warning"))
    for cid, case in ws.cases.items():
        rel = ws.origins.get(("case", cid), (f"cases/{cid}.yaml", None))[0]
        for ind_id, coding in case.codings.items():
            spec = ws.indicators.get(ind_id)
            if spec is None:
                continue
            where = f"codings.{ind_id}"
            if spec.predictor:
                if not coding.applicable:
                    out.append(Problem(
                        f"{ind_id} is a predictor (applies to every case) but is coded n/a",
                        file=rel, field=where, kind="warning"))
                if argues_from_outcome(coding.rationale):
                    out.append(Problem(
                        f"the rationale of predictor {ind_id} argues from the outcome "
                        f"({coding.rationale!r}); code what was observable before the decision",
                        file=rel, field=f"{where}.rationale", kind="warning"))
            elif spec.applies == "intervention" and case.kind == "negative" and coding.known:
                out.append(Problem(
                    f"{ind_id} applies only to interventions, but this negative case codes it "
                    f"{coding.value:g}; code it n/a", file=rel, field=f"{where}.value",
                    kind="warning"))
    for ind in ws.indicators.values():
        if not ind.predictor:
            continue
        for kind in ("intervention", "negative"):
            share = known_share(ws, ind.id, kind)
            if share is not None and share < MIN_KNOWN_SHARE:
                out.append(Problem(
                    f"predictor {ind.id} is known in {share:.0%} of {kind} cases (below "
                    f"{MIN_KNOWN_SHARE:.0%}); unknowns that differ by outcome can bias every "
                    "cross-case result (see casus audit, missingness checks)",
                    file="indicators.yaml", field=ind.id, kind="warning"))
    return out
