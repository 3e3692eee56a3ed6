"""The workspace's data model: pydantic models for every file kind.

One model per concept. Every model forbids unknown fields, so a typo is an error rather than
silently ignored data. Unknown values are ``None`` (never 0 or -1); engines say what they do
with them.

=====================  ======================================================
file                   model
=====================  ======================================================
``casus.toml``         :class:`WorkspaceConfig`
``indicators.yaml``    :class:`IndicatorsFile` (a list of :class:`Indicator`)
``theories/<id>.yaml`` :class:`Theory`
``cases/<id>.yaml``    :class:`Case` (with :class:`Coding` per indicator)
``evidence/<case>.yaml`` :class:`EvidenceSet` (a list of :class:`EvidenceItem`)
``questions/<id>.yaml``  :class:`Question`
``frames/<id>.yaml``   :class:`Frame`
``sources.yaml``       a list of :class:`Source` (CSL-JSON field names)
=====================  ======================================================
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from casusbelli.workspace.fields import (
    Id,
    LanguageCode,
    Membership,
    NonEmptyStr,
    PartialDate,
    _coerce_partial_date,  # noqa: F401  (re-exported: within/section.py reads partial dates)
    _Model,
    date_bounds,
)

__all__ = [
    "ACH_RATINGS",
    "EVIDENCE_KINDS",
    "LEGACY_EVIDENCE_KINDS",
    "Case",
    "Coding",
    "EvidenceItem",
    "EvidenceSet",
    "Frame",
    "FrameExample",
    "Implication",
    "Indicator",
    "IndicatorsFile",
    "NOT_APPLICABLE",
    "MeasuredSpec",
    "PartialDate",
    "Question",
    "QuestionResolution",
    "Signpost",
    "Source",
    "SourceRef",
    "Theory",
    "ForecastRule",
    "TheoryForecast",
    "WorkspaceConfig",
    "date_bounds",
]

# --------------------------------------------------------------------------- casus.toml
class WorkspaceConfig(_Model):
    """``casus.toml``: the workspace's name, its theories and the prior over them."""

    name: NonEmptyStr
    description: str = ""
    placeholder: bool = Field(
        default=False, description="True for demonstration content that is not a real coding."
    )
    theories: list[Id] = Field(
        default_factory=list,
        description="Theory ids analysed by default, in display order (default: all).",
    )
    prior: dict[Id, Annotated[float, Field(gt=0.0)]] | None = Field(
        default=None,
        description="Prior weight per theory (normalised to sum to 1); flat when absent.",
    )
    outcome: Id = Field(default="INTERVENTION", description="The outcome indicator's id.")
    max_file_bytes: int | None = Field(
        default=None, gt=0, description="Size limit for any workspace file (default 5 MB)."
    )


# --------------------------------------------------------------------------- sources.yaml
class _Name(_Model):
    family: str | None = None
    given: str | None = None
    literal: str | None = None
    suffix: str | None = None
    dropping_particle: str | None = Field(default=None, alias="dropping-particle")
    non_dropping_particle: str | None = Field(default=None, alias="non-dropping-particle")


class _DateParts(_Model):
    date_parts: list[list[int | str]] | None = Field(default=None, alias="date-parts")
    literal: str | None = None
    raw: str | None = None
    season: int | str | None = None
    circa: bool | int | str | None = None


class Source(_Model):
    """A bibliography entry with CSL-JSON field names (as Zotero, pandoc and citeproc use)."""

    id: Id
    type: NonEmptyStr
    title: NonEmptyStr
    author: list[_Name] | None = None
    editor: list[_Name] | None = None
    container_title: str | None = Field(default=None, alias="container-title")
    collection_title: str | None = Field(default=None, alias="collection-title")
    publisher: str | None = None
    publisher_place: str | None = Field(default=None, alias="publisher-place")
    issued: _DateParts | None = None
    accessed: _DateParts | None = None
    volume: str | int | None = None
    issue: str | int | None = None
    page: str | int | None = None
    number: str | int | None = None
    edition: str | int | None = None
    genre: str | None = None
    language: str | None = None
    ISBN: str | None = None
    ISSN: str | None = None
    DOI: str | None = None
    URL: str | None = None
    abstract: str | None = None
    note: str | None = None
    verified_at: str | None = Field(
        default=None, description="Where title, authors and year were checked (not CSL)."
    )
    topics: list[str] | None = Field(default=None, description="Free tags (not CSL).")
    posts: int | None = Field(
        default=None,
        ge=1,
        description="Number of posts of a thread (not CSL; written by `casus ingest thread`): "
        "a locator 'post N' or 'posts N-M' citing it must name posts 1..posts.",
    )

    def year(self) -> int | None:
        """Return the year of ``issued`` when it is known."""
        if self.issued and self.issued.date_parts and self.issued.date_parts[0]:
            try:
                return int(self.issued.date_parts[0][0])
            except (TypeError, ValueError):
                return None
        return None

    def short(self) -> str:
        """Return ``Family (year)`` for tables."""
        people = self.author or self.editor or []
        name = ""
        if people:
            first = people[0]
            name = first.family or first.literal or ""
            if len(people) == 2:
                second = people[1]
                name += f" & {second.family or second.literal or ''}"
            elif len(people) > 2:
                name += " et al."
        year = self.year()
        return f"{name} ({year})" if name else f"{self.title[:40]} ({year})"


class SourceRef(_Model):
    """A citation: a source id plus where in it (page, post number, timestamp)."""

    source: Id
    locator: str | None = None


# --------------------------------------------------------------------------- indicators.yaml
class MeasuredSpec(_Model):
    """An indicator measured from discourse frames rather than coded by hand.

    For each case: the pooled rate of ``frames`` in the ``window_days`` after the case's start,
    divided by their rate in the ``baseline_days`` before it, in the corpus' frame counts
    (``measures/<corpus>.parquet``), calibrated into [0, 1] by the direct method with
    ``calibration`` = (exclusion, crossover, inclusion) thresholds on that ratio. Unknown (null)
    when either window has fewer than ``min_docs`` documents.
    """

    frames: list[Id] = Field(min_length=1)
    corpus: Id
    source: Id = Field(description="Bibliography id of the corpus the counts come from.")
    window_days: int = Field(default=90, gt=0)
    baseline_days: int = Field(default=365, gt=0)
    min_docs: int = Field(default=5, ge=1)
    min_coverage: float = Field(
        default=0.75, ge=0.0, le=1.0,
        description="Share of the months of each window that must have documents.",
    )
    calibration: list[Annotated[float, Field(gt=0.0)]] = Field(
        default_factory=lambda: [1.0, 1.5, 3.0], min_length=3, max_length=3
    )
    lang: LanguageCode | None = None


class Indicator(_Model):
    """A condition or outcome that every case codes."""

    id: Id
    label: NonEmptyStr
    description: str = ""
    kind: Literal["fuzzy", "crisp"] = "fuzzy"
    theory: Id = Field(description="The theory it belongs to, or 'outcome' / 'descriptor'.")
    guide: str = Field(default="", description="Coding guide: what 0, 0.33, 0.67 and 1 mean.")
    measured: MeasuredSpec | None = None
    timing: Literal["before", "after"] = Field(
        default="before",
        description="'before': observable before the decision, so it can predict it; 'after': "
        "describes the intervention or how it was justified (within-case and descriptive use "
        "only, never a cross-case predictor).",
    )
    applies: Literal["all", "intervention"] = Field(
        default="all",
        description="'all': codeable for a case where nothing happened; 'intervention': only "
        "meaningful once an intervention happened (negative cases code it n/a).",
    )

    @property
    def predictor(self) -> bool:
        """Whether cross-case engines may use it: observable before the decision and codeable
        for every case (not the outcome, not a descriptor)."""
        return (
            self.timing == "before"
            and self.applies == "all"
            and self.theory not in ("outcome", "descriptor")
        )


class IndicatorsFile(_Model):
    """``indicators.yaml``."""

    indicators: list[Indicator] = Field(min_length=1)


# --------------------------------------------------------------------------- theories/*.yaml
class Implication(_Model):
    """An observable implication: the theory expects this indicator to be high (or low)."""

    indicator: Id
    expect: Literal["high", "low"]
    note: str = ""


class Theory(_Model):
    """A rival explanation, stated as data."""

    id: Id | None = None
    name: NonEmptyStr
    summary: str = ""
    references: list[SourceRef] = Field(default_factory=list)
    implications: list[Implication] = Field(default_factory=list)
    predictions: list[str] = Field(default_factory=list)
    paths: str | None = Field(
        default=None,
        description="Expected sufficient path(s) to the outcome, as a Boolean expression "
        "over indicator ids in R QCA notation, e.g. 'opening*low_cost + vacuum'.",
    )


# --------------------------------------------------------------------------- cases/*.yaml
#: How a workspace file writes "not applicable" (distinct from unknown, ``null``, and from 0).
NOT_APPLICABLE = "n/a"


class Coding(_Model):
    """One indicator's value in one case: a fuzzy membership, unknown (``null``), or not
    applicable (``n/a``: the concept does not exist for this case, e.g. the risk an
    intervention accepted, in a case with no intervention).

    In the model, ``n/a`` is ``value=None`` with ``applicable=False``; engines that read
    ``value`` see it as missing, and cross-case engines never use indicators that can be n/a.

    A known value cites its sources: without one, a predictor's value is an error and any
    other indicator's a warning. An unknown may cite the sources read, or none, its rationale
    saying why.
    """

    value: Membership | None
    rationale: NonEmptyStr
    sources: list[SourceRef] = Field(default_factory=list)
    applicable: bool = Field(
        default=True, description="False when the file says value: n/a (set by the loader)."
    )

    @model_validator(mode="before")
    @classmethod
    def _not_applicable(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("value"), str):
            if data["value"].strip().lower() == NOT_APPLICABLE:
                return {**data, "value": None, "applicable": False}
        return data

    @property
    def known(self) -> bool:
        """A value in [0, 1] (neither unknown nor n/a)."""
        return self.value is not None


class Case(_Model):
    """A case: an intervention, or a crisis where intervention was possible and did not happen."""

    id: Id | None = None
    name: NonEmptyStr
    actor: NonEmptyStr
    target: NonEmptyStr
    start: PartialDate
    end: PartialDate | None = None
    kind: Literal["intervention", "negative"]
    summary: str = ""
    tags: list[str] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)
    codings: dict[Id, Coding] = Field(default_factory=dict)

    def to_doc(self) -> dict[str, Any]:
        """The case as plain data, leaving out empty optional fields but keeping unknown
        coding values as ``None`` (an unknown is data, not an absence)."""
        doc = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        for ind_id, coding in self.codings.items():
            cd = doc["codings"][ind_id]
            cd["value"] = coding.value if coding.applicable else NOT_APPLICABLE
            cd.pop("applicable", None)
        return doc

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Case:
        if self.end is not None and date_bounds(self.end)[1] < date_bounds(self.start)[0]:
            raise ValueError(f"end date {self.end} is before start date {self.start}")
        return self


# --------------------------------------------------------------------------- evidence/*.yaml
ACH_RATINGS = ("CC", "C", "N", "I", "II", "NA")
Rating = Literal["CC", "C", "N", "I", "II", "NA"]
Level = Literal["low", "medium", "high"]


#: The three kinds of evidence process tracing distinguishes (issue #13): what was observed,
#: what an official said, and an analyst's or scholar's reading.
EVIDENCE_KINDS = ("observation", "official_statement", "interpretation")
#: Older kind values that still load, and the kind each one counts as.
LEGACY_EVIDENCE_KINDS: dict[str, str] = {
    "fact": "observation",
    "absence": "observation",
    "claim": "official_statement",
    "assumption": "interpretation",
}
EvidenceKind = Literal[
    "observation",
    "official_statement",
    "interpretation",
    "fact",
    "claim",
    "assumption",
    "absence",
]


class EvidenceItem(_Model):
    """One piece of evidence, rated against every hypothesis.

    ``kind`` is one of :data:`EVIDENCE_KINDS`; the older values ``fact`` and ``absence`` count
    as ``observation``, ``claim`` as ``official_statement`` and ``assumption`` as
    ``interpretation`` (see :attr:`category`). ``knowable`` is the date the item became
    knowable (default: ``date``); ``None`` means unknown. ``depends_on`` names items of the
    same evidence set this one restates or derives from: process tracing counts them together.
    """

    id: Id
    text: NonEmptyStr
    kind: EvidenceKind = "observation"
    date: PartialDate | None = None
    knowable: PartialDate | None = Field(
        default=None, description="When the item became knowable (default: date)."
    )
    depends_on: list[Id] = Field(
        default_factory=list, description="Items of this set this one restates or derives from."
    )
    sources: list[SourceRef] = Field(min_length=1)
    credibility: Level = "medium"
    relevance: Level = "medium"
    ratings: dict[Id, Rating] = Field(min_length=1)
    likelihoods: dict[Id, Annotated[float, Field(gt=0.0, le=1.0)]] | None = Field(
        default=None, description="P(E | H) per hypothesis; mapped from ratings when absent."
    )
    analysts: dict[NonEmptyStr, dict[Id, Rating]] | None = Field(
        default=None, description="Further analysts' ratings; the main ratings are 'default'."
    )
    note: str = ""

    @property
    def category(self) -> str:
        """The item's kind as one of :data:`EVIDENCE_KINDS`."""
        return LEGACY_EVIDENCE_KINDS.get(self.kind, self.kind)

    @property
    def knowable_date(self) -> str | None:
        """When the item became knowable: ``knowable``, else ``date``, else ``None`` (unknown)."""
        return self.knowable if self.knowable is not None else self.date


class EvidenceSet(_Model):
    """``evidence/<case>.yaml``: the evidence for one case."""

    case: Id
    hypotheses: list[Id] | None = Field(
        default=None, description="Hypotheses rated (default: the workspace's theories)."
    )
    prior: dict[Id, Annotated[float, Field(gt=0.0)]] | None = None
    decision_date: PartialDate | None = Field(
        default=None,
        description="When the decision under study was taken (at the latest); evidence "
        "knowable before it gives the pre-decision posterior.",
    )
    items: list[EvidenceItem] = Field(min_length=1)


# --------------------------------------------------------------------------- questions/*.yaml
class ForecastRule(_Model):
    """A stated rule that produces a theory's probability from the workspace (binary questions).

    ``linear``: P = base + slope * S, rounded to the nearest multiple of ``round``, where S is
    case ``case``'s fuzzy membership in ``path`` (indicator ids with ``*``, ``+``, ``~`` and
    parentheses); an unknown or n/a coding counts as ``unknown`` (an error when not stated).
    ``base_rate``: P = ``value``, with the ``sources`` of the rate. See
    :mod:`casusbelli.forecast.rules` and docs/methods/forecasting.md.
    """

    kind: Literal["linear", "base_rate"] = Field(
        description="linear: P = base + slope * S; base_rate: P = value.")
    case: Id | None = Field(default=None, description="linear: the case whose codings S reads.")
    path: NonEmptyStr | None = Field(
        default=None, description="linear: indicator ids with * (min), + (max), ~ (1 - x) and "
        "parentheses, e.g. 'a*(b + c)*~d'.")
    base: float | None = Field(default=None, description="linear: P when S = 0.")
    slope: float | None = Field(default=None, description="linear: change of P from S = 0 to 1.")
    round: float | None = Field(default=None, gt=0.0, le=1.0,
                                description="linear: round P to the nearest multiple of this.")
    unknown: Membership | None = Field(
        default=None, description="linear: what an unknown or n/a coding counts as (default: an "
        "error).")
    clip: bool = Field(default=False, description="linear: clip P to [0, 1] instead of refusing.")
    value: Membership | None = Field(default=None, description="base_rate: the rate.")
    sources: list[SourceRef] = Field(default_factory=list,
                                     description="base_rate: where the rate comes from.")
    note: str = ""

    @model_validator(mode="after")
    def _check(self) -> ForecastRule:
        linear = ("case", "path", "base", "slope")
        if self.kind == "linear":
            missing = [f for f in linear if getattr(self, f) is None]
            if missing:
                raise ValueError(f"a linear rule needs {', '.join(missing)}")
            if self.value is not None:
                raise ValueError("a linear rule computes its value; value belongs to base_rate")
        else:
            if self.value is None or not self.sources:
                raise ValueError("a base_rate rule needs value and at least one source")
            extra = [f for f in (*linear, "round", "unknown") if getattr(self, f) is not None]
            if extra:
                raise ValueError(f"a base_rate rule takes no {', '.join(extra)}")
        return self


class TheoryForecast(_Model):
    """A theory's forecast for a question, with its conditional forecasts per scenario.

    With a ``rule`` the analysis computes ``value`` from it
    (:mod:`casusbelli.analysis.forecast_rules`; a typed ``value`` must agree); without one the
    forecast's basis is ``judgement``.
    """

    value: Any = Field(default=None,
                       description="P(yes) for binary; {option: p} for multiple choice.")
    rationale: NonEmptyStr
    scenarios: dict[Id, Any] = Field(default_factory=dict)
    rule: ForecastRule | None = Field(
        default=None, description="The rule that computes value from the workspace.")

    @model_validator(mode="after")
    def _check(self) -> TheoryForecast:
        if self.value is None and self.rule is None:
            raise ValueError("a forecast needs a value or a rule")
        return self

    @property
    def basis(self) -> Literal["rule", "judgement"]:
        """``rule`` when a stated rule computes the value, else ``judgement``."""
        return "rule" if self.rule is not None else "judgement"


class QuestionResolution(_Model):
    """How a question resolved."""

    outcome: Any
    date: PartialDate
    sources: list[SourceRef] = Field(min_length=1)
    note: str = ""


class Question(_Model):
    """A forecast question with resolution criteria (binary, multiple choice, numeric, date)."""

    id: Id | None = None
    title: NonEmptyStr
    type: Literal["binary", "multiple_choice", "numeric", "date"] = "binary"
    criteria: NonEmptyStr
    background: str = ""
    options: list[NonEmptyStr] | None = None
    range: list[float] | None = None
    opens: PartialDate
    closes: PartialDate
    resolves: PartialDate
    retrospective: bool = Field(
        default=False, description="A backtest on a past decision, not a live forecast."
    )
    sources: list[SourceRef] = Field(default_factory=list)
    forecasts: dict[Id, TheoryForecast] = Field(default_factory=dict)
    resolution: QuestionResolution | None = None

    @model_validator(mode="after")
    def _check(self) -> Question:
        if date_bounds(self.closes)[1] < date_bounds(self.opens)[0]:
            raise ValueError(f"closes {self.closes} is before opens {self.opens}")
        if self.type == "multiple_choice" and not self.options:
            raise ValueError("a multiple_choice question needs options")
        if self.type == "numeric" and (self.range is None or len(self.range) != 2):
            raise ValueError("a numeric question needs range: [low, high]")
        return self


# --------------------------------------------------------------------------- signposts/*.yaml
class Signpost(_Model):
    """An observable event with P(observed | theory) registered *before* it is observed.

    Observing it (or its absence) updates the theory weights by Bayes' rule, and through them
    the ensemble forecasts of the questions it bears on.
    """

    id: Id | None = None
    title: NonEmptyStr
    description: str = ""
    likelihoods: dict[Id, Annotated[float, Field(gt=0.0, lt=1.0)]] = Field(
        min_length=1, description="P(observed | theory) for every theory."
    )
    questions: list[Id] = Field(default_factory=list)
    rationale: str = ""
    sources: list[SourceRef] = Field(default_factory=list)
    registered: PartialDate | None = Field(
        default=None, description="When the likelihoods were registered."
    )


# --------------------------------------------------------------------------- frames/*.yaml
class FrameExample(_Model):
    """An example sentence of a frame (short quotation or paraphrase) with its source."""

    text: NonEmptyStr
    source: Id
    locator: str | None = None


class Frame(_Model):
    """A narrative frame: term lists per language (lemmas and multi-word expressions).

    ``en``, ``ru`` and ``uk`` terms are inflected (English rules; pymorphy3 for Russian and
    Ukrainian); a term list under any other language code lists its surface forms explicitly.
    """

    id: Id | None = None
    label: NonEmptyStr
    description: str = ""
    terms: dict[LanguageCode, list[NonEmptyStr]] = Field(
        description="Terms per language code: en, ru and uk are inflected; any other code "
        "(tr, de, ...) lists every surface form to count."
    )
    examples: list[FrameExample] = Field(default_factory=list)

    @field_validator("terms")
    @classmethod
    def _some_terms(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        if not any(v.values()):
            raise ValueError("a frame needs at least one term")
        return v
