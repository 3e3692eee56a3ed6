"""Cross-case commands: ``casus compare`` (per-theory Bayesian models and theory weights).

Each command calls one library function (:func:`casusbelli.analysis.weights.compare_workspace`)
and renders it; heavy imports (PyMC, ArviZ, Altair) happen inside the command, so ``casus
--help`` stays fast.
"""

from pathlib import Path
from typing import Annotated, Any

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
from casusbelli.errors import AnalysisError

__all__ = ["compare", "comparison_chart", "ensure_store"]


def ensure_store(ws: Any, url: str) -> None:
    """Build the store when it is missing or at an older schema (as ``casus analyze`` does)."""
    from casusbelli.store.build import build_store
    from casusbelli.store.db import Store

    store = Store(url)
    try:
        current_ok = store.current_revision() == store.head_revision()
    finally:
        store.dispose()
    if not current_ok:
        build_store(ws, url)


def comparison_chart(doc: dict[str, Any]) -> Any:
    """An Altair chart of a comparison document: elpd_loo ± se and the stacking weight."""
    import altair as alt
    import pandas as pd

    rows = []
    for m in doc["models"]:
        rows.append(dict(model=m["name"], elpd_loo=m["elpd_loo"], low=m["elpd_loo"] - m["se"],
                         high=m["elpd_loo"] + m["se"], brier_loo=m["brier_loo"],
                         weight=doc["weights_with_base"].get(m["name"], 0.0)))
    df = pd.DataFrame(rows)
    order = list(df.sort_values("elpd_loo", ascending=False)["model"])
    base = alt.Chart(df).encode(y=alt.Y("model:N", sort=order, title=None))
    elpd = (
        base.mark_rule().encode(x=alt.X("low:Q", title="elpd_loo (± 1 se), higher is better"),
                                x2="high:Q")
        + base.mark_point(filled=True, size=80).encode(
            x="elpd_loo:Q", tooltip=["model", "elpd_loo", "brier_loo", "weight"])
    ).properties(width=320, title="PSIS-LOO expected log predictive density")
    weight = base.mark_bar().encode(
        x=alt.X("weight:Q", title="stacking weight", scale=alt.Scale(domain=[0, 1])),
    ).properties(width=200, title="Stacking weight (with base rate)")
    return alt.hconcat(elpd, weight)


def _save_chart(doc: dict[str, Any], path: Path) -> None:
    import vl_convert as vlc

    spec = comparison_chart(doc).to_json()
    suffix = path.suffix.lower()
    if suffix == ".svg":
        path.write_text(vlc.vegalite_to_svg(spec), encoding="utf-8")
    elif suffix == ".png":
        path.write_bytes(vlc.vegalite_to_png(spec, scale=2))
    else:
        raise AnalysisError(f"cannot save a plot as {suffix or 'a file without suffix'!r}",
                            field="--plot", hint="use FILE.svg or FILE.png")


def _num(v: float | None, fmt: str = "{:.2f}") -> str:
    return "" if v is None else fmt.format(v)


@app.command()
def compare(
    ws: WsArg = None,
    workspace_opt: WsOpt = None,
    db: DbOpt = None,
    json_: JsonOpt = False,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Save a chart of elpd_loo and weights (FILE.svg or FILE.png).")] = None,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="Sample again even when the store's model cache has a result.")] = False,
    draws: Annotated[int, typer.Option("--draws", help="NUTS draws per chain.")] = 500,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed.")] = None,
) -> None:
    """Per-theory Bayesian models: PSIS-LOO elpd, its se, stacking weight, LOO Brier score.
    \f

    Long: most lines are the typer option declarations (the signature and the help).
    """
    from rich.table import Table

    from casusbelli.analysis.measured import load_workspace
    from casusbelli.analysis.weights import compare_workspace
    from casusbelli.config import default_store_url
    from casusbelli.cross.models import BASE_RATE, ModelSettings

    if plot is not None and plot.suffix.lower() not in (".svg", ".png"):
        raise AnalysisError(f"cannot save a plot as {plot.suffix or plot.name!r}",
                            field="--plot", hint="use FILE.svg or FILE.png")
    root = workspace_path(ws, workspace_opt)
    workspace = load_workspace(root)
    url = db or default_store_url(root)
    ensure_store(workspace, url)
    settings = ModelSettings(draws=draws) if seed is None else ModelSettings(draws=draws,
                                                                             seed=seed)
    with progress_bar("models", enabled=not json_) as cb:
        result = compare_workspace(workspace, url, settings=settings, refresh=refresh,
                                   progress=cb)
    doc = result.to_dict()
    if plot is not None:
        _save_chart(doc, plot)
    if json_:
        echo_json(doc)
        return
    t = Table(title=f"Theories compared on {len(result.cases)} cases "
                    f"({sum(result.outcome)} interventions)", title_justify="left")
    for col in ("model", "elpd_loo", "se", "elpd_diff", "weight", "+base", "LOO Brier",
                "max k", "unknown"):
        if col == "model":
            t.add_column(col, no_wrap=True, min_width=11)
        else:
            t.add_column(col, justify="right")
    for m in sorted(result.models, key=lambda m: result.rank.get(m.name, 99)):
        t.add_row(
            m.name if m.name != BASE_RATE else "base rate",
            _num(m.elpd_loo), _num(m.se),
            _num(result.elpd_diff.get(m.name)),
            _num(result.weights.get(m.name), "{:.3f}") if m.name != BASE_RATE else "",
            _num(result.weights_with_base.get(m.name), "{:.3f}"),
            _num(m.brier_loo, "{:.3f}"),
            _num(max(m.pareto_k) if m.pareto_k else None),
            str(m.unknown),
        )
    console.print(t)
    console.print(
        "elpd_loo: PSIS-LOO expected log predictive density (higher is better), se its "
        "standard error, elpd_diff the gap to the best model; weight: stacking weight over the "
        "theories (sums to 1), +base: with the base-rate model; LOO Brier: mean squared error "
        "of the leave-one-case-out probability of intervention (0 is perfect, 0.25 a coin "
        "flip); max k: largest Pareto k; unknown: unknown codings, modelled as latent values.",
        highlight=False, style="dim")
    for note in result.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    if result.cached:
        console.print("[dim]read from the model cache (use --refresh to sample again)[/]")
    if plot is not None:
        console.print(f"Plot saved to {plot}", highlight=False)
