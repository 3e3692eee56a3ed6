"""``casus audit``: the checks every cross-case verdict must survive, and the verdict."""

from typing import TYPE_CHECKING, Annotated

import typer

from casusbelli.cli import (
    DbOpt,
    JsonOpt,
    WsArg,
    WsOpt,
    app,
    console,
    echo_json,
    progress_bar,
    workspace_path,
)

if TYPE_CHECKING:
    from rich.console import Console

    from casusbelli.analysis.audit import Audit

__all__ = ["audit", "render_verdict"]

_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "supported": "bold green",
          "inconclusive": "yellow", "not supported": "red", "suspect": "bold red"}

def _n(v: float | None, fmt: str = "{:+.2f}") -> str:
    if v is None or v != v:  # None or NaN
        return "—"
    return fmt.format(v)

def render_verdict(result: "Audit", out: "Console") -> None:
    """The verdict table: status, elpd difference with its SE, weight with its interval."""
    from rich.table import Table

    c = result.counts
    t = Table(title=f"Verdict on {len(result.cases)} cases ({sum(result.outcome)} "
                    f"interventions): {c['pass']} checks passed, {c['warn']} warnings, "
                    f"{c['fail']} failed", title_justify="left")
    for col in ("theory", "status", "elpd − base", "SE", "weight", "90% interval", "placebo",
                "flags"):
        t.add_column(col, justify="left" if col in ("theory", "status", "flags") else "right")
    for v in result.verdict:
        t.add_row(
            v.theory, f"[{_STYLE.get(v.status, '')}]{v.status}[/]",
            _n(v.elpd_diff_vs_base), _n(v.se, "{:.2f}"), _n(v.weight, "{:.2f}"),
            f"{v.weight_interval[0]:.2f}–{v.weight_interval[1]:.2f}",
            _n(v.placebo_percentile, "{:.0%}"), "; ".join(v.flags) or "—")
    out.print(t)
    out.print("[dim]supported = beats the base rate by ≥ 2 SE of the paired elpd difference, "
              "beats 95% of noise theories with its unknown pattern, and survives shifts of "
              "its unknowns; weights are stacking weights with a Bayesian-bootstrap interval. "
              "Details: casus audit.[/]")
    for note in result.notes:
        out.print(f"[dim]note: {note}[/]")

@app.command()
def audit(
    ws: WsArg = None,
    workspace_opt: WsOpt = None,
    db: DbOpt = None,
    json_: JsonOpt = False,
    placebos: Annotated[int, typer.Option(
        "--placebos", help="Noise theories per theory (same unknown cells).", min=0)] = 100,
    bootstrap: Annotated[int, typer.Option(
        "--bootstrap", help="Bayesian-bootstrap replicates for weight intervals.", min=10)] = 400,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed.")] = None,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="Run again even when the store's cache has this audit.")] = False,
    theory: Annotated[list[str] | None, typer.Option(
        "--theory", help="Audit only these theories (repeatable; default: all).")] = None,
) -> None:
    """Check every cross-case verdict: leaks, direction, uncertainty, placebos, unknowns."""
    from rich.table import Table

    from casusbelli.analysis.audit import AuditSettings, audit_workspace
    from casusbelli.analysis.measured import load_workspace
    from casusbelli.config import default_store_url

    root = workspace_path(ws, workspace_opt)
    workspace = load_workspace(root)
    url = db or default_store_url(root)
    from casusbelli.cli.cross import ensure_store

    ensure_store(workspace, url)
    kw = {"placebos": placebos, "bootstrap": bootstrap}
    settings = AuditSettings(**kw) if seed is None else AuditSettings(**kw, seed=seed)
    with progress_bar("audit", enabled=not json_) as cb:
        result = audit_workspace(workspace, url, settings=settings, refresh=refresh,
                                 theories=theory or None, progress=cb)
    if json_:
        echo_json(result.to_dict())
        return
    t = Table(title=f"Audit of {result.workspace}", title_justify="left")
    for col in ("check", "theory", "indicator", "status", "value", "detail"):
        t.add_column(col, justify="right" if col == "value" else "left",
                     overflow="fold", no_wrap=col in ("check", "status"))
    for c in result.checks:
        t.add_row(c.check, c.theory or "", c.indicator or c.case or "",
                  f"[{_STYLE[c.status]}]{c.status}[/]", _n(c.value, "{:.3g}"), c.detail)
    console.print(t)
    render_verdict(result, console)
    if result.cached:
        console.print("[dim](read from a cache computed from this very workspace, settings "
                      "and code; --refresh runs it again)[/]")
    raise typer.Exit(0)
