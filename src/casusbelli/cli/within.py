"""Within-case commands: ``casus ach`` and ``casus trace``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from casusbelli.cli import JsonOpt, app, console, echo_json, fail
from casusbelli.errors import CasusError
from casusbelli.within import AchMatrix, load_matrix, score_ach, trace_matrix

CaseArg = Annotated[
    str | None, typer.Argument(help="Case id with an evidence file.", show_default=False)
]
MatrixOpt = Annotated[
    Path | None,
    typer.Option(
        "--matrix", help="An analyst's own matrix (.csv or .yaml) instead of a workspace case."
    ),
]
WsOpt = Annotated[
    str | None,
    typer.Option("--workspace", "-w", help="Workspace folder or built-in name (default: russia)."),
]


def _matrix(
    case: str | None, matrix: Path | None, ws: str | None, analyst: str | None = None
) -> AchMatrix:
    from casusbelli.within.section import evidence_matrix
    from casusbelli.workspace import load_workspace, resolve_workspace

    if matrix is not None:
        if case is not None:
            raise CasusError("give either a CASE or --matrix FILE, not both")
        return load_matrix(matrix)
    if case is None:
        raise CasusError("give a CASE id or --matrix FILE", hint="casus cases lists the cases")
    return evidence_matrix(load_workspace(resolve_workspace(ws)), case, analyst)


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
    """Analysis of Competing Hypotheses: inconsistency scores, diagnosticity, linchpins."""
    try:
        m = _matrix(case, matrix, ws, analyst)
        if criterion not in ("top", "order"):
            raise CasusError(
                f"unknown criterion {criterion!r}; expected top or order", field="--criterion"
            )
        result = score_ach(m, criterion=criterion)  # type: ignore[arg-type]
    except CasusError as exc:
        fail(exc)
        return
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
    json_: JsonOpt = False,
) -> None:
    """Bayesian process tracing: posterior after each item, decibans, test types."""
    from casusbelli.within.section import case_trace

    try:
        if prior not in ("flat", "workspace"):
            raise CasusError(
                f"unknown prior {prior!r}; expected flat or workspace", field="--prior"
            )
        if matrix is not None:
            result = trace_matrix(_matrix(None, matrix, ws))
        else:
            if case is None:
                raise CasusError("give a CASE id or --matrix FILE")
            from casusbelli.workspace import load_workspace, resolve_workspace

            pr: Literal["flat", "workspace"] = "flat" if prior == "flat" else "workspace"
            result = case_trace(load_workspace(resolve_workspace(ws)), case, pr)
    except CasusError as exc:
        fail(exc)
        return
    d = result.to_dict()
    if json_:
        items = [
            dict(it, decibans=it["decibans_vs_rest"], test_type=it["tests"]) for it in d["items"]
        ]
        echo_json({"case": case, **d, "items": items})
        return
    h = list(d["hypotheses"])
    t = Table(
        title=f"Process tracing — {case or matrix}: posterior after each item", title_justify="left"
    )
    t.add_column("item")
    for name in h:
        t.add_column(name)
    t.add_column("decibans (vs rest)")
    t.add_column("test type")
    t.add_row("prior", *(f"{d['prior'][x]:.3f}" for x in h), "", "")
    for it in d["items"]:
        db = ", ".join(f"{x} {v:+.1f}" for x, v in it["decibans_vs_rest"].items())
        tests = ", ".join(f"{x}: {v}" for x, v in it["tests"].items() if v != "straw-in-the-wind")
        t.add_row(
            it["id"],
            *(f"{it['posterior_after'][x]:.3f}" for x in h),
            db,
            tests or "straw-in-the-wind",
        )
    console.print(t)
    console.print(
        "posterior: "
        + ", ".join(f"{x} {d['posterior'][x]:.3f}" for x in h)
        + "   (flat prior: "
        + ", ".join(f"{x} {d['flat_posterior'][x]:.3f}" for x in h)
        + ")"
    )
    console.print("moved the posterior most: " + ", ".join(d["most_influential"][:5]))
