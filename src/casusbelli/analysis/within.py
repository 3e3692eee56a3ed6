"""Within-case analysis of a workspace: evidence files -> ACH matrices -> scores and posteriors.

This module (the orchestration layer) adapts workspace evidence (``evidence/<case>.yaml``) to
the pure engines in :mod:`~casusbelli.within.ach` and :mod:`~casusbelli.within.bayes`, and
builds the typed within-case section of ``casus analyze``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from casusbelli.analysis.sections import Section, Table, sig3
from casusbelli.errors import AnalysisError

if TYPE_CHECKING:  # the engines are imported where used: a cached section needs only the types
    from casusbelli.within.ach import AchMatrix, AchResult
    from casusbelli.within.bayes import ProcessTrace

__all__ = ["AchScore", "WithinCase", "WithinSection", "analyst_matrix", "case_ach", "case_trace",
           "evidence_matrix", "matrix_trace", "within_case", "within_section"]


def evidence_matrix(ws: Any, case_id: str, analyst: str | None = None) -> AchMatrix:
    """The ACH matrix of one case's evidence.

    Parameters
    ----------
    ws
        A loaded :class:`~casusbelli.workspace.Workspace`.
    case_id
        The case whose ``evidence/<case>.yaml`` is used.
    analyst
        Only this analyst's ratings (``"default"`` is the main ``ratings``); all analysts
        when ``None``. An item an analyst did not rate counts as NA for that analyst.
    """
    from casusbelli.within.ach import AchMatrix, encode_ratings

    ev = ws.evidence.get(case_id)
    if ev is None:
        known = ", ".join(sorted(ws.evidence)) or "none"
        raise AnalysisError(
            f"no evidence for case {case_id!r} in workspace {ws.name!r} "
            f"(cases with evidence: {known})",
            field="case",
        )
    hyps = tuple(ev.hypotheses or ws.theory_ids)
    names = ["default"]
    for item in ev.items:
        for a in item.analysts or {}:
            if a not in names:
                names.append(a)
    if analyst is not None:
        if analyst not in names:
            raise AnalysisError(
                f"unknown analyst {analyst!r} for case {case_id!r}; analysts: {', '.join(names)}",
                field="--analyst",
            )
        names = [analyst]
    ratings = np.empty((len(names), len(ev.items), len(hyps)), dtype=np.int8)
    for k, name in enumerate(names):
        for i, item in enumerate(ev.items):
            rmap = item.ratings if name == "default" else (item.analysts or {}).get(name, {})
            ratings[k, i] = encode_ratings([rmap.get(h, "NA") for h in hyps])
    lk = None
    if all(item.likelihoods for item in ev.items):
        lk = np.array([[item.likelihoods[h] for h in hyps] for item in ev.items], dtype=float)
    return AchMatrix(
        hypotheses=hyps,
        item_ids=tuple(item.id for item in ev.items),
        ratings=ratings,
        evidence=tuple(item.text for item in ev.items),
        analysts=tuple(names),
        credibility=tuple(item.credibility for item in ev.items),
        relevance=tuple(item.relevance for item in ev.items),
        likelihoods=lk,
        source=f"evidence/{case_id}.yaml",
    )


def analyst_matrix(m: AchMatrix, analyst: str) -> AchMatrix:
    """One analyst's column of an all-analysts :func:`evidence_matrix` (the same matrix as
    ``evidence_matrix(ws, case_id, analyst)``, without reading the evidence again).

    Raises
    ------
    AnalysisError
        ``analyst`` did not rate this case.
    """
    if analyst not in m.analysts:
        case = (m.source or "").removeprefix("evidence/").removesuffix(".yaml")
        raise AnalysisError(
            f"unknown analyst {analyst!r} for case {case!r}; analysts: {', '.join(m.analysts)}",
            field="--analyst",
        )
    k = m.analysts.index(analyst)
    return replace(m, ratings=m.ratings[k:k + 1], analysts=(analyst,))


def case_ach(
    ws: Any, case_id: str, analyst: str | None = None, *, matrix: AchMatrix | None = None,
) -> AchResult:
    """ACH scores of one case (several analysts are pooled).

    ``matrix`` is the case's all-analysts :func:`evidence_matrix` when the caller has it
    already (it is then not built again).
    """
    from casusbelli.within.ach import score_ach

    if matrix is None:
        return score_ach(evidence_matrix(ws, case_id, analyst))
    return score_ach(matrix if analyst is None else analyst_matrix(matrix, analyst))


def matrix_trace(
    m: AchMatrix,
    *,
    prior: Any = None,
    sources: Any = None,
    depends_on: Any = None,
    kinds: Any = None,
    knowable: Any = None,
    decision_date: str | None = None,
    with_interpretations: bool = False,
) -> ProcessTrace:
    """Run :func:`~casusbelli.within.bayes.trace_evidence` on an ACH matrix.

    Uses the matrix's own likelihoods when it has them, else its ratings (pooled when several
    analysts rated) mapped with :data:`~casusbelli.within.bayes.LIKELIHOOD_FROM_RATING`. With
    several analysts, each analyst's mapped ratings give the spread in the sensitivity.
    """
    from casusbelli.within.ach import pool
    from casusbelli.within.bayes import likelihoods_from_ratings, trace_evidence

    if m.likelihoods is not None:
        lk = m.likelihoods
    else:
        r = m.ratings[0] if m.ratings.shape[0] == 1 else pool(m.ratings, alpha=False).pooled
        lk = likelihoods_from_ratings(r)
    per_analyst = None
    if m.ratings.shape[0] >= 2:
        per_analyst = np.stack([likelihoods_from_ratings(r) for r in m.ratings])
    return trace_evidence(
        lk,
        hypotheses=m.hypotheses,
        item_ids=m.item_ids,
        prior=prior,
        sources=sources,
        depends_on=depends_on,
        kinds=kinds,
        knowable=knowable,
        decision_date=decision_date,
        with_interpretations=with_interpretations,
        analyst_likelihoods=per_analyst,
        analysts=m.analysts,
    )


def case_trace(
    ws: Any,
    case_id: str,
    prior: Literal["flat", "workspace"] = "workspace",
    *,
    before: str | None = None,
    with_interpretations: bool = False,
    matrix: AchMatrix | None = None,
) -> ProcessTrace:
    """Dependence-aware Bayesian process tracing of one case (issue #13).

    The prior is the evidence file's own ``prior`` when it has one, else the workspace's (or
    flat). Items sharing a source id or linked by ``depends_on`` count as one cluster;
    interpretations stay out of the likelihood unless ``with_interpretations``. The
    pre-decision posterior uses the items knowable before ``before`` (a partial date), else
    before the evidence file's ``decision_date``; without either it is ``None``. ``matrix``
    is the case's all-analysts :func:`evidence_matrix` when the caller has it already.
    """
    m = matrix if matrix is not None else evidence_matrix(ws, case_id)
    ev = ws.evidence[case_id]
    if prior == "flat":
        p = None
    elif prior == "workspace":
        raw = ev.prior or ws.prior()
        p = np.array([raw.get(h, 0.0) for h in m.hypotheses], dtype=float)
        if p.sum() <= 0:
            raise AnalysisError(f"prior of case {case_id!r} gives no weight to its hypotheses")
        p = p / p.sum()
    else:
        raise AnalysisError(f"unknown prior {prior!r}; expected flat or workspace", field="--prior")
    if before is not None:
        from casusbelli.workspace.models import _coerce_partial_date

        try:
            before = _coerce_partial_date(before)
        except ValueError as exc:
            raise AnalysisError(str(exc), field="--before") from None
    return matrix_trace(
        m,
        prior=p,
        sources=[[ref.source for ref in item.sources] for item in ev.items],
        depends_on=[list(item.depends_on) for item in ev.items],
        kinds=[item.category for item in ev.items],
        knowable=[item.knowable_date for item in ev.items],
        decision_date=before if before is not None else ev.decision_date,
        with_interpretations=with_interpretations,
    )


@dataclass(frozen=True)
class AchScore:
    """One hypothesis's ACH score in one case (Heuer 1999, ch. 8: ranked by inconsistency)."""

    inconsistency: float
    weighted_inconsistency: float
    rank: int


@dataclass(frozen=True)
class WithinCase:
    """The within-case result of one case with evidence: ACH and the dependence-aware posterior.

    Posteriors map hypothesis -> probability; ``posterior_before_decision`` uses only the items
    knowable before ``decision_date`` (``None`` without a date); ``leader_band`` is the
    leader's posterior range over the sensitivity analysis.
    """

    case: str
    items: int
    ach: Mapping[str, AchScore]
    ach_ranking: tuple[str, ...]
    linchpins: tuple[str, ...]
    #: evidence item -> its ACH diagnosticity
    diagnosticity: Mapping[str, float]
    posterior: Mapping[str, float]
    flat_posterior: Mapping[str, float]
    decision_date: str | None
    posterior_before_decision: Mapping[str, float] | None
    items_before_decision: tuple[str, ...]
    leader_band: tuple[float, float]
    most_influential: tuple[str, ...]

    @property
    def most_probable(self) -> str | None:
        """The hypothesis with the highest posterior (all evidence)."""
        return max(self.posterior, key=lambda h: self.posterior[h]) if self.posterior else None

    @property
    def most_probable_before_decision(self) -> str | None:
        """The hypothesis with the highest posterior before the decision (``None``: no date)."""
        post = self.posterior_before_decision
        return max(post, key=lambda h: post[h]) if post else None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (exact numbers)."""
        return {
            "items": self.items,
            "ach": {h: asdict(a) for h, a in self.ach.items()},
            "ach_ranking": list(self.ach_ranking),
            "linchpins": list(self.linchpins),
            "diagnosticity": dict(self.diagnosticity),
            "posterior": dict(self.posterior),
            "flat_posterior": dict(self.flat_posterior),
            "decision_date": self.decision_date,
            "posterior_before_decision": None if self.posterior_before_decision is None
            else dict(self.posterior_before_decision),
            "leader_band": list(self.leader_band),
            "most_influential": list(self.most_influential),
        }


@dataclass(frozen=True, kw_only=True)
class WithinSection(Section):
    """The within-case section: one :class:`WithinCase` per case with evidence."""

    cases: Mapping[str, WithinCase] = field(default_factory=dict)

    def wins(self, before_decision: bool = False) -> dict[str, list[str]]:
        """Theory -> the cases where it is most probable (all evidence, or before the
        decision)."""
        out: dict[str, list[str]] = {}
        for cid, c in self.cases.items():
            best = c.most_probable_before_decision if before_decision else c.most_probable
            if best is not None:
                out.setdefault(best, []).append(cid)
        return out

    def data(self) -> dict[str, Any]:
        return {"cases": {cid: c.to_dict() for cid, c in self.cases.items()}}


TITLE = "Within-case (ACH, process tracing)"


def within_case(ws: Any, case_id: str) -> WithinCase:
    """ACH scores and the process-tracing posterior of one case (:func:`case_ach`,
    :func:`case_trace`, on one :func:`evidence_matrix`)."""
    m = evidence_matrix(ws, case_id)
    ach = case_ach(ws, case_id, matrix=m)
    tr = case_trace(ws, case_id, matrix=m)
    d = tr.to_dict()
    before = d["posterior_before_decision"]
    return WithinCase(
        case=case_id,
        items=len(ach.items),
        ach={h.hypothesis: AchScore(inconsistency=float(h.inconsistency),
                                    weighted_inconsistency=float(h.weighted_inconsistency),
                                    rank=h.rank) for h in ach.hypotheses},
        ach_ranking=tuple(h.hypothesis for h in sorted(ach.hypotheses, key=lambda h: h.rank)),
        linchpins=tuple(i.item_id for i in ach.items if i.linchpin),
        diagnosticity={i.item_id: float(i.diagnosticity) for i in ach.items},
        posterior=dict(d["posterior"]),
        flat_posterior=dict(d["flat_posterior"]),
        decision_date=d["decision_date"],
        posterior_before_decision=None if before is None else dict(before),
        items_before_decision=tuple(d.get("items_before_decision") or ()),
        leader_band=tuple(d["sensitivity"]["leader_band"]),  # type: ignore[arg-type]
        most_influential=tuple(tr.most_influential[:3]),
    )


def within_section(ws: Any, store_url: str | None = None, progress: Any = None) -> WithinSection:
    """The within-case section of ``casus analyze``: ACH ranking and posterior per case."""
    del store_url, progress
    cases = {cid: within_case(ws, cid) for cid in sorted(ws.evidence)}
    if not cases:
        return WithinSection(title=TITLE,
                             lines=("No case has an evidence file (evidence/<case>.yaml).",))
    rows = [[cid, c.items, " > ".join(c.ach_ranking),
             ", ".join(f"{h} {sig3(p)}" for h, p in c.posterior.items()),
             _before_cell(c), f"{sig3(c.leader_band[0])}–{sig3(c.leader_band[1])}",
             c.most_probable]
            for cid, c in cases.items()]
    table = Table.of(
        "ACH ranking (least inconsistent first) and posterior per case "
        "(dependent items counted once, interpretations left out)",
        ["case", "items", "ACH ranking", "posterior", "before the decision", "leader's band",
         "most probable"], rows)
    return WithinSection(title=TITLE, cases=cases, tables=(table,))


def _before_cell(c: WithinCase) -> str:
    post = c.posterior_before_decision
    if post is None:
        return "no decision date"
    return f"{c.decision_date} ({len(c.items_before_decision)} items): " + ", ".join(
        f"{h} {sig3(p)}" for h, p in post.items())
