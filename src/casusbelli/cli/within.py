"""Within-case commands: ``casus ach`` and ``casus trace``."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from casusbelli.cli import JsonOpt, WsOpt, app, console, echo_json, workspace_path
from casusbelli.errors import CasusError

if TYPE_CHECKING:
    from casusbelli.within import AchMatrix

CaseArg = Annotated[
    str | None, typer.Argument(help="Case id with an evidence file.", show_default=False)
]
MatrixOpt = Annotated[
    Path | None,
    typer.Option(
        "--matrix", help="An analyst's own matrix (.csv or .yaml) instead of a workspace case."
    ),
]


def _matrix(
    case: str | None, matrix: Path | None, ws: str | None, analyst: str | None = None
) -> "AchMatrix":
    from casusbelli.analysis.matrix import load_matrix
    from casusbelli.analysis.measured import load_workspace
    from casusbelli.analysis.within import evidence_matrix

    if matrix is not None:
        if case is not None:
            raise CasusError("give either a CASE or --matrix FILE, not both")
        return load_matrix(matrix)
    if case is None:
        raise CasusError("give a CASE id or --matrix FILE", hint="casus cases lists the cases")
    return evidence_matrix(load_workspace(workspace_path(ws)), case, analyst)


_RATING_STYLE = {
    "CC": "bold green",
    "C": "green",
    "N": "dim",
    "I": "red",
    "II": "bold red",
    "NA": "dim",
}


@app.command()
def ach(
    case: CaseArg = None,
    matrix: MatrixOpt = None,
    ws: WsOpt = None,
    analyst: Annotated[str | None, typer.Option(help="Only this analyst's ratings.")] = None,
    criterion: Annotated[
        str,
        typer.Option(help="Linchpin criterion: 'top' (the leading hypothesis changes) or 'order'."),
    ] = "top",
    json_: JsonOpt = False,
) -> None:
    """Analysis of Competing Hypotheses: inconsistency scores, diagnosticity, linchpins.
    \f

    Long: most lines are the typer option declarations (the signature and the help).
    """
    from rich.table import Table

    from casusbelli.within import score_ach

    m = _matrix(case, matrix, ws, analyst)
    if criterion not in ("top", "order"):
        raise CasusError(
            f"unknown criterion {criterion!r}; expected top or order", field="--criterion"
        )
    result = score_ach(m, criterion=criterion)  # type: ignore[arg-type]
    if json_:
        echo_json({"case": case, "matrix": m.to_dict(), **result.to_dict()})
        return
    t = Table(
        title=f"ACH — {case or matrix}: hypotheses (least inconsistent first)", title_justify="left"
    )
    for col in ("rank", "hypothesis", "inconsistency", "weighted", "consistent items"):
        t.add_column(col)
    for h in sorted(result.hypotheses, key=lambda h: h.rank):
        t.add_row(
            str(h.rank),
            h.hypothesis,
            str(h.inconsistency),
            f"{h.weighted_inconsistency:.2f}",
            str(h.consistency),
        )
    console.print(t)
    from casusbelli.within import decode_ratings, pool

    pooled = m.ratings[0] if m.ratings.shape[0] == 1 else pool(m.ratings, alpha=False).pooled
    t = Table(
        title="Items (ratings; diagnosticity; linchpin = changing it changes the ranking)",
        title_justify="left",
    )
    t.add_column("id")
    t.add_column("evidence", max_width=50)
    t.add_column("cred/rel")
    for hyp in m.hypotheses:
        t.add_column(hyp)
    t.add_column("diag.")
    t.add_column("linchpin")
    for i, item in enumerate(result.items):
        cells = [f"[{_RATING_STYLE[r]}]{r}[/]" for r in decode_ratings(pooled[i])]
        t.add_row(
            item.item_id,
            m.evidence[i].replace("[", r"\["),
            f"{m.credibility[i][0]}/{m.relevance[i][0]}",
            *cells,
            f"{item.diagnosticity:.2f}",
            "yes" if item.linchpin else "",
        )
    console.print(t)
    if result.agreement is not None and result.agreement.alpha is not None:
        console.print(
            f"Krippendorff's alpha (ordinal) across {len(m.analysts)} analysts: "
            f"{result.agreement.alpha:.3f}"
        )


@app.command()
def trace(
    case: CaseArg = None,
    matrix: MatrixOpt = None,
    ws: WsOpt = None,
    prior: Annotated[
        str, typer.Option(help="'workspace' (casus.toml or the evidence file) or 'flat'.")
    ] = "workspace",
    before: Annotated[
        str | None,
        typer.Option(
            "--before",
            help="Pre-decision view: only items knowable before this date (YYYY[-MM[-DD]]); "
            "default: the evidence file's decision_date.",
        ),
    ] = None,
    with_interpretations: Annotated[
        bool,
        typer.Option(
            "--with-interpretations",
            help="Put interpretation items back into the likelihood (marked).",
        ),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Bayesian process tracing: dependent items counted once, the posterior on all evidence
    and on evidence knowable before the decision side by side, and how robust the leader is."""
    from casusbelli.analysis.within import case_trace, matrix_trace

    if prior not in ("flat", "workspace"):
        raise CasusError(
            f"unknown prior {prior!r}; expected flat or workspace", field="--prior"
        )
    if matrix is not None:
        if before is not None:
            raise CasusError(
                "--before needs a workspace case (a matrix file has no dates)",
                field="--before",
            )
        result = matrix_trace(
            _matrix(None, matrix, ws), with_interpretations=with_interpretations
        )
    else:
        if case is None:
            raise CasusError("give a CASE id or --matrix FILE")
        from casusbelli.analysis.measured import load_workspace

        pr: Literal["flat", "workspace"] = "flat" if prior == "flat" else "workspace"
        result = case_trace(
            load_workspace(workspace_path(ws)),
            case,
            pr,
            before=before,
            with_interpretations=with_interpretations,
        )
    d = result.to_dict()
    if json_:
        items = [
            dict(it, decibans=it["decibans_vs_rest"], test_type=it["tests"]) for it in d["items"]
        ]
        echo_json({"case": case, **d, "items": items})
        return
    _print_trace(d, str(case or matrix))


def _print_trace(d: dict, name: str) -> None:  # type: ignore[type-arg]
    h = list(d["hypotheses"])
    _print_trace_items(d, name)
    _print_trace_clusters(d, h)
    _print_trace_posteriors(d, h)
    _print_trace_sensitivity(d)


def _print_trace_items(d: dict, name: str) -> None:  # type: ignore[type-arg]
    from rich.table import Table

    t = Table(
        title=f"Process tracing — {name}: items (interpretations marked; * = left out of the "
        "likelihood)",
        title_justify="left",
    )
    for col in ("item", "kind", "knowable", "cluster", "decibans (vs rest)", "test type"):
        t.add_column(col)
    for it in d["items"]:
        db = ", ".join(f"{x} {v:+.1f}" for x, v in it["decibans_vs_rest"].items())
        tests = ", ".join(f"{x}: {v}" for x, v in it["tests"].items() if v != "straw-in-the-wind")
        mark = "" if it["in_likelihood"] else "*"
        kind = (it["kind"] or "").replace("_", " ")
        if it["interpretation"] and it["in_likelihood"]:
            kind += " (counted)"
        t.add_row(
            it["id"] + mark,
            kind,
            it["knowable"] or "unknown",
            it["cluster"] or "",
            db,
            tests or "straw-in-the-wind",
        )
    console.print(t)


def _print_trace_clusters(d: dict, h: list[str]) -> None:  # type: ignore[type-arg]
    from rich.table import Table

    t = Table(
        title="Clusters (items sharing a source or depends_on; one likelihood each, the mean of "
        "their log-likelihoods), posterior after each, in order of the date known",
        title_justify="left",
    )
    t.add_column("cluster")
    t.add_column("items")
    for name_h in h:
        t.add_column(name_h)
    t.add_column("moves it by (TV)")
    t.add_row("prior", "", *(f"{d['prior'][x]:.3f}" for x in h), "")
    for c in d["clusters"]:
        t.add_row(
            c["id"] if len(c["id"]) <= 24 else c["id"][:21] + "...",
            str(len(c["items"])),
            *(f"{c['posterior_after'][x]:.3f}" for x in h),
            f"{c['influence']:.3f}",
        )
    console.print(t)


def _print_trace_posteriors(d: dict, h: list[str]) -> None:  # type: ignore[type-arg]
    from rich.table import Table

    t = Table(title="Posterior", title_justify="left")
    t.add_column("")
    for name_h in h:
        t.add_column(name_h)
    t.add_row("all evidence", *(f"{d['posterior'][x]:.3f}" for x in h))
    pb = d["posterior_before_decision"]
    if pb is not None:
        t.add_row(
            f"before {d['decision_date']} ({len(d['items_before_decision'])} items)",
            *(f"{pb[x]:.3f}" for x in h),
        )
    else:
        t.add_row("before the decision", *("no decision date" for _ in h))
    t.add_row("flat prior", *(f"{d['flat_posterior'][x]:.3f}" for x in h))
    t.add_row("items as independent", *(f"{d['posterior_independent'][x]:.3f}" for x in h))
    s = d["sensitivity"]
    for p, post in s["tempered"].items():
        t.add_row(f"likelihoods ^ {p}", *(f"{post[x]:.3f}" for x in h))
    console.print(t)


def _print_trace_sensitivity(d: dict) -> None:  # type: ignore[type-arg]
    s = d["sensitivity"]
    lead = s["leader"]
    worst = ", ".join(
        f"k={w['k']} {w['posterior']:.3f}" + ("" if w["method"] == "exact" else " (greedy bound)")
        for w in s["worst_case"]
    )
    console.print(f"{lead}'s lowest posterior after removing up to k clusters: {worst}")
    if s["analysts"] is not None:
        lo, hi = s["analysts"]["min"][lead], s["analysts"]["max"][lead]
        console.print(f"{lead} across {len(s['analysts']['analysts'])} analysts: {lo:.3f}-{hi:.3f}")
    console.print(
        f"{lead}'s band: {s['leader_band'][0]:.3f}-{s['leader_band'][1]:.3f}; "
        "moved the posterior most: " + ", ".join(d["most_influential"][:5])
    )
