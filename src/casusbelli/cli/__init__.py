"""The ``casus`` command line: each command calls one library function and renders it.

Library errors (:class:`~casusbelli.errors.CasusError`) become exit code 1 and one line
``Error: file:line:column: field: message`` (plus a hint), as sqlite-utils and Datasette do.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from casusbelli import __version__
from casusbelli.errors import CasusError, WorkspaceError

app = typer.Typer(
    name="casus",
    help="casusbelli: test rival explanations of military interventions, and score forecasts.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
sources_app = typer.Typer(help="List and import bibliography entries.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")

# piped output (files, CI logs) gets wide tables instead of rich's 80-column default
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)

WsArg = Annotated[
    str | None,
    typer.Argument(
        help="Workspace folder or built-in name (default: the built-in 'russia').",
        show_default=False,
    ),
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store URL: sqlite:///path or postgresql://... "
        "(default: WS/.casus/casus.db, or $CASUS_DB).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON document instead of tables.")]


def echo_json(data: Any) -> None:
    """Print JSON to stdout (no rich markup, so it stays parseable)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@contextmanager
def progress_bar(
    label: str, enabled: bool = True
) -> Iterator[Callable[[int, int | None, str], None]]:
    """A rich progress bar handed to the library as a plain callback."""
    if not enabled or not err_console.is_terminal:
        yield lambda advance, total, text: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as prog:
        task = prog.add_task(label, total=None)

        def cb(advance: int, total: int | None, text: str) -> None:
            prog.update(task, advance=advance, total=total, description=f"{label}: {text}")

        yield cb


def _version(value: bool) -> None:
    if value:
        console.print(f"casus {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """casusbelli: test rival explanations of military interventions, and score forecasts."""


def fail(exc: CasusError) -> None:
    """Print a library error as one line (plus hint) and exit 1."""
    err_console.print(f"[bold red]Error:[/] {exc}", markup=True, highlight=False)
    if exc.hint:
        err_console.print(f"[dim]Hint: {exc.hint}[/]", highlight=False)
    raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except CasusError as exc:  # errors raised outside a command body
        err_console.print(f"Error: {exc}", highlight=False, markup=False)
        sys.exit(1)


# register the commands (each module adds its own to ``app``)
import importlib as _importlib  # noqa: E402
import importlib.util as _iu  # noqa: E402

from casusbelli.cli import core as _core  # noqa: E402,F401

for _mod in ("ingest", "within", "cross", "audit", "qca", "discourse", "forecast", "report", "web"):
    # a command module that exists must import cleanly: a broken install is an error
    if _iu.find_spec(f"casusbelli.cli.{_mod}") is not None:
        _importlib.import_module(f"casusbelli.cli.{_mod}")

__all__ = [
    "app",
    "console",
    "echo_json",
    "err_console",
    "fail",
    "main",
    "progress_bar",
    "WorkspaceError",
]
