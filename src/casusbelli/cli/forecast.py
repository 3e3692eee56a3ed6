"""Forecast commands: ``casus forecast``, ``issue``, ``registry``, ``resolve``, ``score``,
``signposts``, ``observe``.

``casus forecast [WS]`` shows the forecasts (reading only); ``casus issue [WS]`` appends them
to the registry. They are two commands rather than a ``forecast`` group because a group could
not also take the workspace as ``casus forecast WS``.
"""

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
    err_console,
    workspace_path,
)
from casusbelli.errors import CasusError

if TYPE_CHECKING:
    from casusbelli.workspace.load import Workspace

QuestionOpt = Annotated[str | None, typer.Option("--question", "-q", help="Only this question.")]
SourceOpt = Annotated[str, typer.Option("--source", help="Bibliography id or citation (URL, "
                                        "title) that establishes it.")]
DateOpt = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")]
NoteOpt = Annotated[str, typer.Option("--note", help="A short note kept with the record.")]


def _open(ws: str | None, db: str | None, *more: str | None) -> tuple["Workspace", str]:
    from casusbelli.analysis.measured import load_workspace
    from casusbelli.config import default_store_url

    workspace = load_workspace(workspace_path(ws, *more))
    return workspace, db or default_store_url(workspace.root)


def _warn(lines: tuple[str, ...] | list[str]) -> None:
    for w in lines:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)


@app.command("forecast")
def forecast_cmd(
    ws: WsArg = None,
    workspace_opt: WsOpt = None,
    question: QuestionOpt = None,
    scenario: Annotated[str | None, typer.Option("--scenario", "-s",
                                                 help="Only this scenario ('base' for the "
                                                 "unconditional forecasts).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Also closed and resolved questions.")]
    = False,
    db: DbOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Each theory's forecast, the weighted ensemble and the spread, per question and scenario.

    Reads only; `casus issue` registers the forecasts.
    """
    from rich.table import Table

    from casusbelli.analysis.forecast_ops import forecast_view

    if ws == "issue":
        raise CasusError("`casus forecast` shows forecasts; to register them run "
                         "`casus issue [WS]`")
    workspace, url = _open(ws, db, workspace_opt)
    view = forecast_view(workspace, url, question=question, scenario=scenario,
                         include_closed=all_)
    if json_:
        echo_json(view.to_dict())
        return
    _warn(view.weights.warnings)
    if not view.rows:
        console.print("No open question with theory forecasts (--all shows closed ones).")
        return
    spec = view.table()
    t = Table(title=spec["title"], title_justify="left")
    for col in spec["columns"]:
        t.add_column(col, overflow="fold", min_width=12 if col == "question" else None)
    for row in spec["rows"]:
        t.add_row(*row)
    console.print(t)
    w = ", ".join(f"{t} {x:.2f}" for t, x in view.weights.current.items())
    console.print(f"Theory weights ({view.weights.source}): {w}", highlight=False)


@app.command()
def issue(ws: WsArg = None, workspace_opt: WsOpt = None, question: QuestionOpt = None,
             db: DbOpt = None,
          json_: JsonOpt = False) -> None:
    """Register every theory's and the ensemble's forecasts (per scenario) in the store.

    The registry is append-only: re-issuing adds rows. Closed questions are skipped; naming
    one with --question is an error.
    """
    from casusbelli.analysis.forecast_ops import issue_forecasts

    workspace, url = _open(ws, db, workspace_opt)
    report = issue_forecasts(workspace, url, question=question)
    if json_:
        echo_json(report.to_dict())
        return
    _warn(report.weights.warnings)
    questions = sorted({f.question for f in report.issued})
    ids = [f.id for f in report.issued if f.id is not None]
    span = ""
    if ids:
        gaps = "" if max(ids) - min(ids) + 1 == len(ids) else ", not contiguous"
        span = f", ids {min(ids)}–{max(ids)}{gaps}"
    console.print(f"Issued {len(report.issued)} forecasts on {len(questions)} questions"
                  f"{span} (content hash {workspace.content_hash[:12]}); skipped "
                  f"{len(report.skipped)} closed or resolved.", highlight=False)


@app.command()
def registry(ws: WsArg = None, workspace_opt: WsOpt = None, question: QuestionOpt = None,
             db: DbOpt = None,
             json_: JsonOpt = False) -> None:
    """List the forecast registry: every forecast issued, with its id, question, forecaster,
    scenario, probability (or value) and time, oldest first."""
    from rich.table import Table

    from casusbelli.analysis.forecast_ops import registry_view

    workspace, url = _open(ws, db, workspace_opt)
    view = registry_view(workspace, url, question=question)
    if json_:
        echo_json(view.to_dict())
        return
    if not view.forecasts:
        console.print("The registry is empty: `casus issue` registers forecasts.")
        return
    spec = view.table()
    t = Table(title=spec["title"], title_justify="left")
    for col in spec["columns"]:
        t.add_column(col, overflow="fold", justify="right" if col == "id" else "left")
    for row in spec["rows"]:
        t.add_row(*row)
    console.print(t)


@app.command()
def resolve(
    question: Annotated[str, typer.Argument(help="Question id.")],
    outcome: Annotated[str, typer.Option("--outcome", help="yes/no, an option, a number, or "
                                         "a date YYYY-MM-DD.")],
    source: SourceOpt,
    date: DateOpt = None,
    note: NoteOpt = "",
    ws: WsOpt = None,
    db: DbOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Record a question's outcome with its source (once; it is never changed)."""
    from casusbelli.analysis.forecast_ops import resolve_question

    workspace, url = _open(ws, db)
    res = resolve_question(workspace, url, question, outcome, source, on=date, note=note)
    if json_:
        echo_json(res.to_dict())
        return
    console.print(f"Resolved {res.question}: {res.outcome!r} on {res.resolved_on} "
                  f"(source: {res.source})", highlight=False, markup=False)


@app.command()
def score(ws: WsArg = None, workspace_opt: WsOpt = None, db: DbOpt = None,
          json_: JsonOpt = False) -> None:
    """Brier, log and CRPS scores per theory and for the ensemble on resolved questions,
    time-averaged over each question's open period, in-sample and out-of-sample apart, with
    paired bootstrap intervals for the differences between forecasters and calibration tables."""
    from rich.table import Table

    from casusbelli.analysis.forecast_ops import score_forecasts

    workspace, url = _open(ws, db, workspace_opt)
    report = score_forecasts(workspace, url)
    if json_:
        echo_json(report.to_dict())
        return
    if not report.scores:
        console.print("No resolved question with forecasts yet.")
        return
    from casusbelli.cli.render import render_table

    console.print(render_table(report.table()))
    if any(s.retrospective for s in report.scores):
        console.print("backtest = retrospective questions written after the outcome was known "
                      "(not a track record).", highlight=False)
    if report.differences:
        console.print(render_table(report.differences_table()))
    t = Table(title="Calibration (forecast standing at close, binary questions): "
              "observed rate / forecasts per bin", title_justify="left")
    t.add_column("forecaster")
    bins = next(iter(report.calibration.values()), [])
    for b in bins:
        t.add_column(f"{b['lower']:.1f}–{b['upper']:.1f}")
    for who, rows in report.calibration.items():
        t.add_row(who, *("" if b["n"] == 0 else f"{b['observed_rate']:.2f} / {b['n']}"
                         for b in rows))
    if bins:
        console.print(t)
    _warn(report.warnings)


@app.command()
def signposts(ws: WsArg = None, workspace_opt: WsOpt = None, question: QuestionOpt = None,
             db: DbOpt = None,
              json_: JsonOpt = False) -> None:
    """Signposts ranked by how much observing them would move the ensemble forecasts
    (expected absolute change: the value of watching for them)."""
    from casusbelli.analysis.forecast_ops import rank_signposts

    workspace, url = _open(ws, db, workspace_opt)
    ranked = rank_signposts(workspace, url, question=question)
    if json_:
        echo_json([r.to_dict() for r in ranked])
        return
    if not ranked:
        console.print("No signposts (signposts/<id>.yaml).")
        return
    for r in ranked:
        if r.observed is None:
            console.print(r.line(), highlight=False, markup=False)
        else:
            console.print(f"recorded as {r.observed}: {r.title} ({r.signpost})",
                          highlight=False, markup=False, style="dim")


@app.command()
def observe(
    signpost: Annotated[str, typer.Argument(help="Signpost id.")],
    status: Annotated[str, typer.Option("--status", help="observed or not-observed.")],
    source: SourceOpt,
    date: DateOpt = None,
    note: NoteOpt = "",
    ws: WsOpt = None,
    db: DbOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Record a signpost observation: theory weights update by Bayes' rule from its registered
    likelihoods, and new ensemble forecasts are issued."""
    from rich.table import Table

    from casusbelli.analysis.forecast_ops import observe_signpost

    workspace, url = _open(ws, db)
    report = observe_signpost(workspace, url, signpost, status, source, on=date, note=note)
    if json_:
        echo_json(report.to_dict())
        return
    o = report.observation
    console.print(f"Recorded {o.signpost} as {o.status} on {o.observed_on}; issued "
                  f"{len(report.issued)} ensemble forecasts.", highlight=False, markup=False)
    t = Table(title="Theory weights", title_justify="left")
    for col in ("theory", "before", "after"):
        t.add_column(col)
    for th, before in o.weights_before.items():
        t.add_row(th, f"{before:.3f}", f"{o.weights_after[th]:.3f}")
    console.print(t)
    t = Table(title="Ensemble shift per open question (P(yes); first option for multiple "
              "choice)", title_justify="left")
    for col in ("question", "before", "after", "change"):
        t.add_column(col)
    for s in report.shifts:
        t.add_row(s["question"], *("" if s[k] is None else f"{s[k]:+.3f}" if k == "change"
                                   else f"{s[k]:.3f}" for k in ("before", "after", "change")))
    console.print(t)
