"""The store's *journal* tables: the forecast registry, resolutions and signpost observations.

Unlike the compiled tables of :mod:`casusbelli.store.schema`, which every ``casus build``
replaces, journal tables are kept across builds and are append-only: migration ``0002`` puts a
trigger on each that refuses UPDATE and DELETE (PostgreSQL also TRUNCATE). They live in their
own :class:`~sqlalchemy.MetaData` so that a build never touches them.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, Text

__all__ = ["JOURNAL_TABLES", "forecasts", "metadata", "observations", "resolutions"]

metadata = MetaData()

#: Every issued forecast (a theory's, or the ensemble's), never changed; re-issuing adds a row.
forecasts = Table(
    "forecasts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question", String(80), nullable=False),
    Column("forecaster", String(80), nullable=False),  # a theory id or "ensemble"
    Column("scenario", String(80), nullable=False),  # "base" or a scenario name
    Column("value", JSON, nullable=False),
    Column("issued_at", String(32), nullable=False),  # ISO 8601, UTC
    Column("workspace", String(200), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("source", String(200), nullable=False),  # what issued it: "issue", "observe:<id>"
    Column("weights", JSON, nullable=True),  # the ensemble's theory weights
)

#: A question's recorded outcome with its source (``casus resolve``).
resolutions = Table(
    "resolutions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question", String(80), nullable=False),
    Column("outcome", JSON, nullable=False),
    Column("resolved_on", String(10), nullable=False),
    Column("source", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("workspace", String(200), nullable=False),
    Column("content_hash", String(64), nullable=False),
)

#: A signpost seen (or seen not to happen), with the likelihoods registered at that moment.
observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("signpost", String(80), nullable=False),
    Column("status", String(20), nullable=False),  # "observed" | "not-observed"
    Column("observed_on", String(10), nullable=False),
    Column("source", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("likelihoods", JSON, nullable=False),
    Column("weights_before", JSON, nullable=False),
    Column("weights_after", JSON, nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("workspace", String(200), nullable=False),
    Column("content_hash", String(64), nullable=False),
)

JOURNAL_TABLES = ("forecasts", "resolutions", "observations")
