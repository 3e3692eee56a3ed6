"""Read a built store back: plain dataclasses for the engines, models for export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casusbelli.store import schema as s
from casusbelli.store.db import Store
from casusbelli.workspace.models import (
    Case,
    EvidenceSet,
    Frame,
    Indicator,
    Question,
    Source,
    Theory,
    WorkspaceConfig,
)

__all__ = ["CaseMatrix", "StoredWorkspace", "case_matrix", "meta", "read_workspace"]


@dataclass(frozen=True)
class CaseMatrix:
    """The case × indicator matrix: ``values[i][j]`` is case i's value of indicator j or None."""

    case_ids: tuple[str, ...]
    indicator_ids: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    case_info: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class StoredWorkspace:
    """Everything a store holds of a workspace, as workspace models."""

    config: WorkspaceConfig
    sources: dict[str, Source]
    indicators: dict[str, Indicator]
    theories: dict[str, Theory]
    cases: dict[str, Case]
    evidence: dict[str, EvidenceSet]
    questions: dict[str, Question]
    frames: dict[str, Frame]
    meta: dict[str, str]


def meta(store: Store) -> dict[str, str]:
    """The build's key/value facts (workspace, content_hash, versions, built_at)."""
    with store.snapshot() as session:
        return {r.key: r.value for r in session.scalars(select(s.Meta))}


def case_matrix(store: Store) -> CaseMatrix:
    """Read the case × indicator matrix (cases sorted by id, indicators in file order)."""
    with store.snapshot() as session:
        inds = [
            r.id for r in session.scalars(select(s.IndicatorRow).order_by(s.IndicatorRow.position))
        ]
        cases = list(session.scalars(select(s.CaseRow).order_by(s.CaseRow.id)))
        codings = {
            (c.case_id, c.indicator_id): c.value for c in session.scalars(select(s.CodingRow))
        }
    values = tuple(tuple(codings.get((c.id, i)) for i in inds) for c in cases)
    info = tuple(
        dict(
            id=c.id,
            name=c.name,
            kind=c.kind,
            start=c.start,
            end=c.end,
            actor=c.actor,
            target=c.target,
        )
        for c in cases
    )
    return CaseMatrix(tuple(c.id for c in cases), tuple(inds), values, info)


def read_workspace(store: Store) -> StoredWorkspace:
    """Rebuild the workspace's models from the store's tables.

    All tables are read in one snapshot (:meth:`~casusbelli.store.db.Store.snapshot`), so
    a build committing meanwhile is seen entirely or not at all.
    """
    with store.snapshot() as session:
        m = {r.key: r.value for r in session.scalars(select(s.Meta))}
        config = WorkspaceConfig.model_validate_json(m["config"])
        sources = {
            r.id: Source.model_validate(r.csl)
            for r in session.scalars(select(s.SourceRow).order_by(s.SourceRow.position))
        }
        indicators = _read_indicators(session)
        theories = _read_theories(session)
        cases = _read_cases(session)
        evidence = _read_evidence(session)
        questions = {
            r.id: Question.model_validate(r.doc)
            for r in session.scalars(select(s.QuestionRow).order_by(s.QuestionRow.id))
        }
        frames = {
            r.id: Frame.model_validate(r.doc)
            for r in session.scalars(select(s.FrameRow).order_by(s.FrameRow.id))
        }
    return StoredWorkspace(
        config, sources, indicators, theories, cases, evidence, questions, frames, m
    )


def _read_indicators(session: Session) -> dict[str, Indicator]:
    """The indicators in workspace order (``measured`` only where the row has one)."""
    indicators = {}
    for r in session.scalars(select(s.IndicatorRow).order_by(s.IndicatorRow.position)):
        d: dict[str, Any] = dict(
            id=r.id,
            label=r.label,
            description=r.description,
            kind=r.kind,
            theory=r.theory,
            guide=r.guide,
        )
        if r.measured is not None:
            d["measured"] = r.measured
        indicators[r.id] = Indicator.model_validate(d)
    return indicators


def _read_theories(session: Session) -> dict[str, Theory]:
    """The theories in workspace order."""
    return {
        r.id: Theory.model_validate(
            dict(
                name=r.name,
                summary=r.summary,
                paths=r.paths,
                references=r.references,
                implications=r.implications,
                predictions=r.predictions,
            )
        )
        for r in session.scalars(select(s.TheoryRow).order_by(s.TheoryRow.position))
    }


def _read_cases(session: Session) -> dict[str, Case]:
    """The cases by id, each with its codings in the case file's order."""
    codings: dict[str, dict[str, Any]] = {}
    for c in session.scalars(
        select(s.CodingRow).order_by(s.CodingRow.case_id, s.CodingRow.position)
    ):
        codings.setdefault(c.case_id, {})[c.indicator_id] = dict(
            value=c.value, rationale=c.rationale, sources=c.sources,
            applicable=c.applicable,
        )
    cases = {}
    for cr in session.scalars(select(s.CaseRow).order_by(s.CaseRow.id)):
        cd: dict[str, Any] = dict(
            name=cr.name,
            actor=cr.actor,
            target=cr.target,
            start=cr.start,
            kind=cr.kind,
            summary=cr.summary,
            tags=cr.tags,
            sources=cr.sources,
            codings=codings.get(cr.id, {}),
        )
        if cr.end is not None:
            cd["end"] = cr.end
        cases[cr.id] = Case.model_validate(cd)
    return cases


def _read_evidence(session: Session) -> dict[str, EvidenceSet]:
    """The evidence sets by case id, with their items and each analyst's ratings.

    The ratings of analyst ``default`` become the item's ``ratings``; the other analysts'
    become its ``analysts``.
    """
    ratings: dict[tuple[str, str], dict[str, dict[str, str]]] = {}
    for rr in session.scalars(select(s.RatingRow)):
        ratings.setdefault((rr.case_id, rr.item_id), {}).setdefault(rr.analyst, {})[
            rr.hypothesis
        ] = rr.rating
    items: dict[str, list[dict[str, Any]]] = {}
    for it in session.scalars(
        select(s.EvidenceItemRow).order_by(
            s.EvidenceItemRow.case_id, s.EvidenceItemRow.position
        )
    ):
        items.setdefault(it.case_id, []).append(_evidence_item(it, ratings))
    evidence = {}
    for es in session.scalars(select(s.EvidenceSetRow).order_by(s.EvidenceSetRow.case_id)):
        ed: dict[str, Any] = dict(case=es.case_id, items=items.get(es.case_id, []))
        if es.hypotheses is not None:
            ed["hypotheses"] = es.hypotheses
        if es.prior is not None:
            ed["prior"] = es.prior
        evidence[es.case_id] = EvidenceSet.model_validate(ed)
    return evidence


def _evidence_item(
    it: s.EvidenceItemRow, ratings: dict[tuple[str, str], dict[str, dict[str, str]]]
) -> dict[str, Any]:
    """One evidence item as the mapping an :class:`EvidenceSet` validates."""
    by_analyst = ratings.get((it.case_id, it.item_id), {})
    d = dict(
        id=it.item_id,
        text=it.text,
        kind=it.kind,
        sources=it.sources,
        credibility=it.credibility,
        relevance=it.relevance,
        ratings=by_analyst.get("default", {}),
        note=it.note,
    )
    if it.date is not None:
        d["date"] = it.date
    if it.likelihoods is not None:
        d["likelihoods"] = it.likelihoods
    others = {a: r for a, r in by_analyst.items() if a != "default"}
    if others:
        d["analysts"] = others
    return d
