"""The one exception hierarchy of casusbelli.

Every error carries where it happened (``file``, ``line``, ``column``, ``field``; any may be
``None``) and an optional ``hint``. ``str(error)`` reads like a compiler message::

    cases/ukraine-2014.yaml:12:5: codings.opening.value: expected a number in [0, 1], got "high"

The CLI turns any :class:`CasusError` into exit code 1 and one line; the web app turns it into a
4xx page or JSON through one handler.

Hierarchy::

    CasusError
    ├── WorkspaceError      SchemaError, UnknownIdError, DuplicateIdError (plus a list of problems)
    ├── SourceError         an importer could not read a file (names the post, row or offset)
    ├── StoreError          migration/version mismatch, locked or unreachable database
    │   └── StaleEditError  an ACH edit based on an old version of its cell
    ├── AnalysisError       input an engine cannot use
    ├── ForecastError       unresolvable question, probabilities outside [0, 1]
    ├── AccessDeniedError   the signed-in user may not do this
    ├── LoginError          unknown user or wrong password
    ├── TooManyAttemptsError  too many failed logins
    ├── AuthRequiredError   the team server needs a signed-in user
    └── CsrfError           a write without the page's CSRF token
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "AccessDeniedError",
    "AnalysisError",
    "AuthRequiredError",
    "CasusError",
    "CsrfError",
    "DuplicateIdError",
    "FileProblemError",
    "ForecastError",
    "LoginError",
    "Problem",
    "SchemaError",
    "SourceError",
    "StaleEditError",
    "StoreError",
    "TooManyAttemptsError",
    "UnknownIdError",
    "WorkspaceError",
]


@dataclass(frozen=True)
class Problem:
    """One located problem: what is wrong, and where."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    kind: str = "error"

    def __str__(self) -> str:
        return format_location(self.file, self.line, self.column, self.field, self.message)

    def to_dict(self) -> dict[str, Any]:
        """Return the problem as a JSON-ready mapping."""
        return asdict(self)


def format_location(
    file: str | None, line: int | None, column: int | None, field: str | None, message: str
) -> str:
    """Format ``file:line:column: field: message``, leaving out the parts that are unknown."""
    where = ""
    if file:
        where = file
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
    parts = [p for p in (where, field, message) if p]
    return ": ".join(parts)


class CasusError(Exception):
    """Base class of every error casusbelli raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        return format_location(self.file, self.line, self.column, self.field, self.message)

    def to_problem(self) -> Problem:
        """Return this error as a :class:`Problem`."""
        return Problem(self.message, self.file, self.line, self.column, self.field)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (the shape of ``casus validate --json`` errors)."""
        d = self.to_problem().to_dict()
        d.pop("kind", None)
        d["error"] = type(self).__name__
        if self.hint:
            d["hint"] = self.hint
        return d


class WorkspaceError(CasusError):
    """A workspace could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, message: str, *, problems: list[Problem] | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.problems: list[Problem] = list(problems or [])

    def __str__(self) -> str:
        if not self.problems:
            return super().__str__()
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"] + [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class SchemaError(WorkspaceError):
    """A file does not match its schema (wrong type, missing or unknown field, bad value)."""


class UnknownIdError(WorkspaceError):
    """A reference names an id that does not exist (indicator, source, case, theory, ...)."""


class DuplicateIdError(WorkspaceError):
    """The same id is declared twice."""


class SourceError(CasusError):
    """An importer could not read a file (names the post, row or byte offset)."""


class StoreError(CasusError):
    """The store is unreachable, locked, or at a schema version this code cannot use."""


class AnalysisError(CasusError):
    """An engine was given input it cannot use (empty matrix, constant column, ...)."""


class ForecastError(CasusError):
    """A forecast operation is invalid (unknown question, probability outside [0, 1], ...)."""


class StaleEditError(StoreError):
    """An ACH edit was based on an old version of the cell; ``current`` is the newer one.

    ``current`` is the :class:`casusbelli.store.webstate.AchEdit` now saved for the cell.
    """

    def __init__(self, message: str, *, current: Any, attempted: str, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.current = current
        self.attempted = attempted


class AccessDeniedError(CasusError):
    """The signed-in user may not do this (a viewer writing, an analyst editing another's)."""


class LoginError(CasusError):
    """Unknown user or wrong password (the message never says which)."""


class TooManyAttemptsError(CasusError):
    """Too many failed logins for this user from this address; try again later."""


class AuthRequiredError(CasusError):
    """The team server needs a signed-in user for this page."""


class CsrfError(CasusError):
    """A write came without the page's CSRF token (or with a wrong one)."""


class FileProblemError(Exception):
    """Internal: a whole-file problem (unreadable, too big, not UTF-8, bad YAML, empty).

    Raised by the readers of :mod:`casusbelli.workspace.yamlio` and caught by the loaders, which
    collect ``problem`` (a located :class:`Problem`) into their own :class:`CasusError`. It is
    not a :class:`CasusError` itself: it never leaves the library.
    """

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
