"""The store's tables (SQLAlchemy 2). Migrations in ``store/migrations`` create them.

Two kinds of table:

* *compiled* tables hold the workspace (sources, indicators, theories, cases, codings,
  evidence, questions, frames) and are replaced whole by every ``casus build``;
* *journal* tables (added by later migrations: forecast registry, observations, edits) are
  kept across builds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["COMPILED_TABLES", "Base"]


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Meta(Base):
    """Key/value facts about the last build (workspace name, content hash, versions, time)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SourceRow(Base):
    """A bibliography entry; ``csl`` keeps the whole CSL-JSON record."""

    __tablename__ = "sources"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    file: Mapped[str] = mapped_column(String(200))
    csl: Mapped[dict[str, Any]] = mapped_column(JSON)


class IndicatorRow(Base):
    """An indicator (condition, outcome or descriptor)."""

    __tablename__ = "indicators"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    theory: Mapped[str] = mapped_column(String(80))
    guide: Mapped[str] = mapped_column(Text)
    measured: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class TheoryRow(Base):
    """A theory; implications, references and predictions as JSON lists."""

    __tablename__ = "theories"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    paths: Mapped[str | None] = mapped_column(Text, nullable=True)
    references: Mapped[list[Any]] = mapped_column(JSON)
    implications: Mapped[list[Any]] = mapped_column(JSON)
    predictions: Mapped[list[Any]] = mapped_column(JSON)


class CaseRow(Base):
    """A case."""

    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text)
    start: Mapped[str] = mapped_column(String(10))
    end: Mapped[str | None] = mapped_column(String(10), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(JSON)
    sources: Mapped[list[Any]] = mapped_column(JSON)


class CodingRow(Base):
    """One indicator's value in one case (``value`` NULL when unknown or n/a)."""

    __tablename__ = "codings"
    case_id: Mapped[str] = mapped_column(
        String(80), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    indicator_id: Mapped[str] = mapped_column(
        String(80), ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    rationale: Mapped[str] = mapped_column(Text)
    sources: Mapped[list[Any]] = mapped_column(JSON)
    #: False for ``n/a`` (not applicable; ``value`` is then NULL too)
    applicable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class EvidenceSetRow(Base):
    """The evidence file of one case (hypotheses and prior; items in ``evidence_items``)."""

    __tablename__ = "evidence_sets"
    case_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    hypotheses: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    prior: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class EvidenceItemRow(Base):
    """One evidence item of a case."""

    __tablename__ = "evidence_items"
    case_id: Mapped[str] = mapped_column(
        String(80), ForeignKey("evidence_sets.case_id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    credibility: Mapped[str] = mapped_column(String(10))
    relevance: Mapped[str] = mapped_column(String(10))
    sources: Mapped[list[Any]] = mapped_column(JSON)
    likelihoods: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    note: Mapped[str] = mapped_column(Text)


class RatingRow(Base):
    """One analyst's ACH rating of one item against one hypothesis."""

    __tablename__ = "ratings"
    case_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    analyst: Mapped[str] = mapped_column(String(120), primary_key=True)
    hypothesis: Mapped[str] = mapped_column(String(80), primary_key=True)
    rating: Mapped[str] = mapped_column(String(2))


class QuestionRow(Base):
    """A forecast question; the whole definition in ``doc``."""

    __tablename__ = "questions"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(20))
    closes: Mapped[str] = mapped_column(String(10))
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)


class FrameRow(Base):
    """A discourse frame; the whole definition in ``doc``."""

    __tablename__ = "frames"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)


#: Tables replaced by every build, children first (delete order).
COMPILED_TABLES = (
    "ratings",
    "evidence_items",
    "evidence_sets",
    "codings",
    "cases",
    "theories",
    "indicators",
    "sources",
    "questions",
    "frames",
    "meta",
)
