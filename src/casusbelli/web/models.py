"""Pydantic response models of the JSON API (``/api/v1/``), so the OpenAPI document is right."""

from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from casusbelli.discourse.kwic import KwicLine
from casusbelli.store.webstate import AchEdit

__all__ = [
    "AchCell", "AchItem", "AchOut", "AuditOut", "AuditRecord", "CaseList", "CaseOut", "CaseRow",
    "CodingOut", "ConflictOut", "EditIn", "EditOut", "EditRecord", "ErrorOut", "FramesOut",
    "ForecastsOut", "Health", "HypothesisScoreOut", "LoginIn", "Overview", "QcaOut", "QuestionOut",
    "SectionOut", "SectionTable", "SessionOut", "SourceRefOut", "TheoryOut", "TraceOut",
    "VerdictRow", "WorkspaceInfo",
]

Scalar = str | int | float | bool | None


def model_of(tp: type, name: str, doc: str, *, exclude: tuple[str, ...] = ()) -> type[BaseModel]:
    """A response model with the fields (names and types) of the engine or store type ``tp``,
    every field required, so the API cannot drift from the type it serialises."""
    hints = typing.get_type_hints(tp)
    fields: dict[str, Any] = {k: (v, ...) for k, v in hints.items() if k not in exclude}
    model = create_model(name, __base__=BaseModel, __module__=__name__, **fields)
    model.__doc__ = doc
    return model


class ErrorOut(BaseModel):
    """Any library error: its class, message and where it happened."""

    error: str
    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    hint: str | None = None


class Health(BaseModel):
    """A trivial answer (the load benchmark's baseline)."""

    status: Literal["ok"] = "ok"
    workspace: str
    version: str


class WorkspaceInfo(BaseModel):
    """Name, description and content hash of the workspace served."""

    name: str
    description: str
    content_hash: str
    placeholder: bool = False
    team: bool = False


class SectionTable(BaseModel):
    """A table of an analysis section."""

    title: str = ""
    columns: list[str] = Field(default_factory=list)
    rows: list[list[Any]] = Field(default_factory=list)


class SectionOut(BaseModel):
    """One section of ``casus analyze`` (within, cross, discourse, forecasts, ...)."""

    name: str
    title: str
    lines: list[str] = Field(default_factory=list)
    tables: list[SectionTable] = Field(default_factory=list)
    error: str | None = None


class VerdictRow(BaseModel):
    """Which theory wins in one case with evidence: ACH ranking and posterior."""

    case: str
    name: str
    items: int
    ach_ranking: list[str]
    posterior: dict[str, float]
    most_probable: str | None


class TheoryStatus(BaseModel):
    """One theory's audited cross-case status (the audit's numbers, exact)."""

    theory: str
    status: str = Field(description="supported, inconclusive, not supported or suspect")
    elpd_diff_vs_base: float | None
    se: float | None
    weight: float
    weight_interval: tuple[float, float]
    placebo_percentile: float | None
    flags: list[str]


class Overview(BaseModel):
    """The overview page: the verdict per case, counts and every available analysis section."""

    workspace: WorkspaceInfo
    counts: dict[str, int]
    theory_status: list[TheoryStatus] = Field(
        default_factory=list, description="The audited cross-case verdict (empty: not run)")
    checks: dict[str, int] = Field(default_factory=dict,
                                   description="The audit's checks by status")
    verdict: list[VerdictRow]
    wins: dict[str, list[str]] = Field(description="theory -> cases where it is most probable")
    sections: list[SectionOut]
    missing_sections: list[str]
    warnings: list[str]


class SourceRefOut(BaseModel):
    """A citation: bibliography id, locator, and the entry's title and year."""

    source: str
    locator: str | None = None
    title: str | None = None
    year: int | None = None


class TheoryOut(BaseModel):
    """A theory with its indicators and how much of them is coded."""

    id: str
    name: str
    summary: str
    paths: str | None = None
    indicators: list[str]
    implications: list[dict[str, Any]]
    predictions: list[str]
    references: list[SourceRefOut]
    coded_share: float | None = None


class CaseRow(BaseModel):
    """One row of the cases table."""

    id: str
    name: str
    kind: str
    start: str
    end: str | None = None
    target: str
    coded: int
    unknown: int
    missing: int
    has_evidence: bool


class CaseList(BaseModel):
    """The (filtered) cases table."""

    cases: list[CaseRow]
    total: int
    q: str = ""
    kind: str = ""


class CodingOut(BaseModel):
    """One indicator's coded value in a case, with rationale and sources."""

    indicator: str
    label: str
    theory: str
    value: float | None
    rationale: str
    sources: list[SourceRefOut]


class AchCell(BaseModel):
    """One editable rating cell (``version`` 0: the file's value)."""

    hypothesis: str
    value: str
    version: int


class AchItem(BaseModel):
    """One evidence row of the ACH matrix."""

    id: str
    text: str
    kind: str
    date: str | None = None
    credibility: str
    credibility_version: int
    relevance: str
    relevance_version: int
    sources: list[SourceRefOut]
    ratings: list[AchCell]
    diagnosticity: float
    linchpin: bool


class HypothesisScoreOut(BaseModel):
    """ACH scores of one hypothesis (closer to 0 is better; rank 1 best)."""

    hypothesis: str
    inconsistency: int
    weighted_inconsistency: float
    consistency: int
    rank: int


class TraceOut(BaseModel):
    """Bayesian process tracing: prior, posterior (dependent items counted once), the posterior
    after each cluster, the pre-decision posterior and the leader's sensitivity band."""

    hypotheses: list[str]
    prior: dict[str, float]
    posterior: dict[str, float]
    path: list[dict[str, Any]]
    most_influential: list[str]
    decision_date: str | None = None
    posterior_before_decision: dict[str, float] | None = None
    leader: str | None = None
    leader_band: list[float] | None = None


class AchOut(BaseModel):
    """The ACH matrix of a case as the requesting analyst sees and edits it, with scores."""

    case: str
    analyst: str
    analysts: list[str]
    hypotheses: list[str]
    items: list[AchItem]
    scores: list[HypothesisScoreOut]
    top: list[str]
    pooled_scores: list[HypothesisScoreOut] | None = None
    pooled_top: list[str] | None = None
    trace: TraceOut | None = None
    trace_error: str | None = None


class CaseOut(BaseModel):
    """A case: facts, codings with sources, and its ACH matrix when it has evidence."""

    id: str
    name: str
    actor: str
    target: str
    start: str
    end: str | None = None
    kind: str
    summary: str
    tags: list[str]
    sources: list[SourceRefOut]
    codings: list[CodingOut]
    ach: AchOut | None = None


class EditIn(BaseModel):
    """An ACH edit: which cell, the new value, and the version the editor saw."""

    item: str = Field(max_length=80)
    field: Literal["rating", "credibility", "relevance"]
    hypothesis: str = Field(default="", max_length=80)
    analyst: str | None = Field(default=None, max_length=120,
                                description="whose rating (default: the signed-in analyst's)")
    value: str = Field(max_length=10)
    version: int = Field(ge=0)


#: A saved edit (or the current state of a cell): the fields of
#: :class:`casusbelli.store.webstate.AchEdit`.
EditRecord = model_of(AchEdit, "EditRecord", "A saved edit (or the current state of a cell).")


class EditOut(BaseModel):
    """The saved edit and the case's new ACH matrix and scores."""

    edit: EditRecord
    ach: AchOut


class ConflictOut(ErrorOut):
    """409: the cell was saved by someone else; ``current`` is the newer value."""

    current: EditRecord
    attempted: str


class QcaOut(BaseModel):
    """Cross-case results (QCA) when the cross-case engine is part of this installation."""

    available: bool
    section: SectionOut | None = None


class FramesOut(BaseModel):
    """Discourse frames: definitions and the rates section when available."""

    available: bool
    frames: list[dict[str, Any]]
    section: SectionOut | None = None
    chart: dict[str, Any] | None = Field(default=None, description="Vega-Lite spec")


#: One counted hit in context: the fields of :class:`casusbelli.discourse.kwic.KwicLine` but
#: ``form`` (the inflected form matched, which ``match`` already shows as written).
KwicLineOut = model_of(KwicLine, "KwicLineOut",
                       "One counted hit in context, for checking what a frame counts.",
                       exclude=("form",))


class KwicOut(BaseModel):
    """Keyword-in-context lines of one frame in one ingested corpus."""

    frame: str
    corpus: str
    corpora: list[str] = Field(description="Ingested corpora of the workspace")
    lines: list[KwicLineOut]


class QuestionOut(BaseModel):
    """A forecast question with each theory's forecast and its resolution, if resolved."""

    id: str
    title: str
    type: str
    closes: str
    criteria: str
    forecasts: dict[str, Any]
    resolution: Any | None = None


class ForecastsOut(BaseModel):
    """Questions, and the forecasts section (registry, scores) when available."""

    questions: list[QuestionOut]
    section: SectionOut | None = None


class AuditRecord(BaseModel):
    """A row of the append-only audit log."""

    id: int
    at: str
    actor: str
    action: str
    case_id: str | None = None
    item_id: str | None = None
    field: str | None = None
    hypothesis: str | None = None
    analyst: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    version: int | None = None
    detail: str | None = None


class AuditOut(BaseModel):
    """The newest audit-log entries first."""

    entries: list[AuditRecord]


class LoginIn(BaseModel):
    """Credentials for ``POST /api/v1/session``."""

    name: str = Field(max_length=120)
    password: str = Field(max_length=1024)


class SessionOut(BaseModel):
    """The signed-in user and the CSRF token to send with every write."""

    name: str
    role: str
    csrf_token: str
    team: bool
