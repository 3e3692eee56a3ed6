"""The ``casus`` command line: each command calls one library function and renders it.

Library errors (:class:`~casusbelli.errors.CasusError`) become exit code 1 and one line
``Error: file:line:column: field: message`` (plus a hint), as sqlite-utils and Datasette do.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    import click
    from rich.console import Console
from casusbelli import __version__
from casusbelli.errors import CasusError, WorkspaceError

# Start-up matters (``casus --version`` should cost little more than importing typer): the
# command modules import numpy, pandas, pydantic, SQLAlchemy, PyMC... inside the commands
# that use them, never at module level. Help is click's plain help (``HELP_MARKUP = None``):
# typer's rich help imports rich.markdown, pygments and rich.traceback, which made
# ``casus --help`` 1.7x the time of ``import typer`` (benchmarks/bench_startup.py).
HELP_MARKUP = None



class _CasusGroup(TyperGroup):
    """The root command group: the one place a :class:`~casusbelli.errors.CasusError` raised
    by a command (or a sub-group's command) becomes :func:`fail`'s message and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CasusError as exc:
            fail(exc)


app = typer.Typer(
    name="casus",
    cls=_CasusGroup,
    help="casusbelli: test rival explanations of military interventions, and score forecasts.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=HELP_MARKUP,
)
sources_app = typer.Typer(help="List and import bibliography entries.", no_args_is_help=True,
                          rich_markup_mode=HELP_MARKUP)
app.add_typer(sources_app, name="sources")

class _LazyConsole:
    """A :class:`rich.console.Console` made on first use, so that ``casus --version`` does
    not import rich's console machinery."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def real(self) -> Console:
        if self._console is None:
            from rich.console import Console

            # piped output (files, CI logs) gets wide tables instead of rich's 80 columns
            tty = (sys.stderr if self._stderr else sys.stdout).isatty()
            self._console = Console(stderr=self._stderr, width=None if tty else 140)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


console: Console = _LazyConsole()  # type: ignore[assignment]
err_console: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]

_WS_HELP = (
    "Workspace folder or built-in name (default: $CASUS_WORKSPACE, else the nearest folder "
    "upward holding casus.toml, else the built-in 'russia')."
)
WsArg = Annotated[
    str | None,
    typer.Argument(help="Workspace folder or built-in name (same as -w; see there).",
                   show_default=False),
]
WsOpt = Annotated[
    str | None,
    typer.Option("--workspace", "-w", help=_WS_HELP, show_default=False),
]


class _State:
    """Per-invocation options of the root command (reset by :func:`_root`)."""

    verbose = False
    quiet = False
    builtin_noted = False


state = _State()


def workspace_path(*given: str | Path | None) -> Path:
    """The workspace folder a command works on: the first of ``given`` that is set, else
    discovered (``$CASUS_WORKSPACE``, then the nearest ``casus.toml`` upward, then the
    built-in ``russia``, which is said once on stderr). Raises
    :class:`~casusbelli.errors.WorkspaceError` for a folder that does not exist."""
    from casusbelli.workspace.load import discover_workspace

    ws = next((g for g in given if g is not None and str(g) != ""), None)
    found = discover_workspace(ws)
    if found.builtin and not state.builtin_noted:
        state.builtin_noted = True
        err_console.print(
            "using the built-in workspace 'russia' (give -w PATH, set $CASUS_WORKSPACE, or run "
            "inside a folder holding casus.toml)",
            highlight=False,
            markup=False,
        )
    return found.path
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
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@contextmanager
def progress_bar(
    label: str, enabled: bool = True
) -> Iterator[Callable[[int, int | None, str], None]]:
    """A progress display handed to the library as a plain callback ``cb(advance, total,
    text)``: a rich bar with the current step's description on a terminal, one plain line per
    new step when stderr is piped (logs, CI), nothing under ``--quiet``."""
    if not enabled or state.quiet:
        yield lambda advance, total, text: None
        return
    if not err_console.is_terminal:
        import time

        done = 0
        last = ""
        start = time.monotonic()

        def plain(advance: int, total: int | None, text: str) -> None:
            nonlocal done, last
            done += advance
            line = f"{label}: {text}" if text else label
            if line == last:
                return
            last = line
            count = f" ({done}/{total}{plain_eta(done, total, time.monotonic() - start)})" \
                if total else ""
            sys.stderr.write(line + count + "\n")
            sys.stderr.flush()

        yield plain
        return
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console.real(),  # type: ignore[attr-defined]
        transient=True,
    ) as prog:
        task = prog.add_task(label, total=None)

        def cb(advance: int, total: int | None, text: str) -> None:
            prog.update(task, advance=advance, total=total, description=f"{label}: {text}")

        yield cb


def plain_eta(done: int, total: int, elapsed: float) -> str:
    """``", ETA 12 s"`` from the rate so far (empty before the first step is done)."""
    if done <= 0 or done >= total or elapsed <= 0:
        return ""
    left = elapsed / done * (total - done)
    return f", ETA {left:.0f} s" if left < 120 else f", ETA {left / 60:.0f} min"


#: Third-party warnings that say nothing actionable to a casus user; shown again under -v.
QUIET_WARNINGS: tuple[tuple[str, type[Warning]], ...] = (
    # ArviZ >= 0.22 announces its 1.0 refactor with a multi-line FutureWarning on import
    (r"(?s).*ArviZ.*refactor", FutureWarning),
)


def quiet_third_party_warnings() -> None:
    """Hide the :data:`QUIET_WARNINGS` messages (called for every run without ``-v``)."""
    for message, category in QUIET_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"casus {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Show third-party warnings (hidden by default)."),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="No progress output on stderr.")
    ] = False,
) -> None:
    """casusbelli: test rival explanations of military interventions, and score forecasts."""
    state.verbose, state.quiet, state.builtin_noted = verbose, quiet, False
    if not verbose:
        quiet_third_party_warnings()


def fail(exc: CasusError) -> NoReturn:
    """Print a library error as one line (plus hint) and exit 1."""
    err_console.print(f"[bold red]Error:[/] {exc}", markup=True, highlight=False)
    if exc.hint:
        err_console.print(f"[dim]Hint: {exc.hint}[/]", highlight=False)
    raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:  # fast path: no need to build the command tree
        sys.stdout.write(f"casus {__version__}\n")
        return
    try:
        app()
    except CasusError as exc:  # errors raised outside a command body (option parsing)
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
    "state",
    "workspace_path",
    "WorkspaceError",
    "WsArg",
    "WsOpt",
]
