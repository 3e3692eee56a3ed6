"""Problems found while validating a workspace: the collector, pydantic errors in plain words,
and the error that carries them all."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from casusbelli.errors import (
    DuplicateIdError,
    Problem,
    SchemaError,
    UnknownIdError,
    WorkspaceError,
)
from casusbelli.workspace.fields import LANGUAGE_CODE_RE
from casusbelli.workspace.yamlio import MAX_FILE_BYTES, Marks

__all__ = ["Collector", "dotted", "error_of", "friendly", "problem_order"]

M = TypeVar("M", bound=BaseModel)


def friendly(err: dict[str, Any], model: type[BaseModel] | None) -> str:
    """Turn one pydantic error into a sentence a researcher can act on."""
    typ = err.get("type", "")
    inp = err.get("input")
    ctx = err.get("ctx") or {}
    shown = repr(inp) if not isinstance(inp, dict | list) else type(inp).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    if typ == "missing":
        return "required field is missing"
    if typ == "extra_forbidden":
        name = str(err["loc"][-1])
        allowed = _allowed_fields(model, err["loc"][:-1])
        guess = difflib.get_close_matches(name, allowed, n=1)
        tip = f" (did you mean {guess[0]!r}?)" if guess else ""
        return f"unknown field {name!r}{tip}"
    if typ in ("greater_than_equal", "less_than_equal") and "le" not in ctx:
        pass
    if typ in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if err["loc"] and err["loc"][-1] == "value" or _is_membership(err):
            return f"expected a number in [0, 1], got {shown}"
        bound = next(iter(ctx.values()), None)
        return f"{err.get('msg', 'out of range').lower()}, got {shown} (bound {bound})"
    if typ in ("float_parsing", "float_type", "int_parsing", "int_type"):
        if err["loc"] and err["loc"][-1] == "value":
            return f"expected a number in [0, 1] or null, got {shown}"
        return f"expected a number, got {shown}"
    if typ in ("string_type",):
        return f"expected text, got {shown}"
    if typ in ("list_type",):
        return f"expected a list, got {shown}"
    if typ in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value), got {shown}"
    if typ == "literal_error":
        return f"expected one of {ctx.get('expected', '?')}, got {shown}"
    if typ == "string_pattern_mismatch" and ctx.get("pattern") == LANGUAGE_CODE_RE:
        return (f"invalid language code {shown}: use a lower-case code such as en, ru, uk or tr "
                "(en, ru and uk are inflected; other languages list every surface form)")
    if typ == "string_pattern_mismatch":
        return f"invalid id {shown}: use letters, digits, '-' and '_', starting with a letter"
    if typ == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} item(s)"
    if typ == "string_too_short":
        return "must not be empty"
    msg = str(err.get("msg", "invalid value"))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg


def _is_membership(err: dict[str, Any]) -> bool:
    ctx = err.get("ctx") or {}
    return ctx.get("ge") == 0.0 or ctx.get("le") == 1.0


def _allowed_fields(model: type[BaseModel] | None, loc: Iterable[Any]) -> list[str]:
    cls: Any = model
    for part in loc:
        if cls is None or isinstance(part, int):
            continue
        f = getattr(cls, "model_fields", {}).get(part)
        if f is None:
            # a dict key (e.g. a coding's indicator id): stay on the value model
            continue
        cls = _inner_model(f.annotation)
    if cls is None:
        return []
    names: list[str] = []
    for name, f in cls.model_fields.items():
        names.append(f.alias or name)
    return names


def _inner_model(annotation: Any) -> Any:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def dotted(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class Collector:
    """Gathers problems (and warnings) from every file, with positions."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.kinds: set[str] = set()
        self.max_bytes = MAX_FILE_BYTES
        #: files that failed their schema: (rel, marks, raw data, kind), still checked for ids
        self.failed: list[tuple[str, Marks, Any, str]] = []
        #: reported by ``casus validate`` without failing it
        self.warnings: list[Problem] = []

    def rel(self, path: Path) -> str:
        """``path`` relative to the workspace folder, with forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def add(self, problem: Problem, kind: str = "schema") -> None:
        """Record ``problem``; ``kind`` (schema, unknown, duplicate, missing, file) picks the
        error class when every problem is of one kind."""
        self.problems.append(problem)
        self.kinds.add(kind)

    def add_at(
        self,
        rel: str,
        marks: Marks | None,
        loc: tuple[Any, ...],
        message: str,
        kind: str,
        *,
        key: bool = False,
    ) -> None:
        """Record a problem at ``loc`` (a path into the YAML data) of file ``rel``."""
        self.add(self.locate(rel, marks, loc, message, key=key), kind)

    def warn_at(
        self, rel: str, marks: Marks | None, loc: tuple[Any, ...], message: str
    ) -> None:
        """Record a warning at ``loc`` of file ``rel`` (``casus validate --strict`` fails)."""
        problem = self.locate(rel, marks, loc, message)
        self.warnings.append(
            Problem(problem.message, problem.file, problem.line, problem.column, problem.field,
                    kind="warning"))

    @staticmethod
    def locate(
        rel: str, marks: Marks | None, loc: tuple[Any, ...], message: str, *, key: bool = False
    ) -> Problem:
        """A :class:`Problem` at ``loc`` of file ``rel``, with its line and column."""
        line, col = marks.locate(loc, key=key) if marks else (None, None)
        return Problem(message, rel, line, col, dotted(loc) or None)

    def unknown(
        self,
        rel: str,
        marks: Marks | None,
        loc: tuple[Any, ...],
        kind: str,
        value: str,
        known: Iterable[str],
    ) -> None:
        """Record an unknown id, suggesting the closest known one."""
        guess = difflib.get_close_matches(value, list(known), n=1)
        tip = f" (did you mean {guess[0]!r}?)" if guess else ""
        self.add_at(
            rel,
            marks,
            loc,
            f"unknown {kind} id {value!r}{tip}",
            "unknown",
            key=bool(loc) and loc[-1] == value,
        )

    def validate(
        self,
        model: type[M],
        data: Any,
        rel: str,
        marks: Marks | None,
        prefix: tuple[Any, ...] = (),
    ) -> M | None:
        """``model`` validated from ``data``, or ``None`` with every pydantic error recorded."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = prefix + tuple(err["loc"])
                # pydantic reports model-level validators with an empty loc
                self.add_at(
                    rel,
                    marks,
                    loc,
                    friendly(dict(err), model),
                    "schema",
                    key=err.get("type") == "extra_forbidden",
                )
            return None

    def sorted_problems(self) -> list[Problem]:
        """Every problem, by file, line and column."""
        return sorted(self.problems, key=problem_order)

    def sorted_warnings(self) -> list[Problem]:
        """Every warning, by file, line and column."""
        return sorted(self.warnings, key=problem_order)


def error_of(problems: list[Problem]) -> WorkspaceError:
    """One error carrying ``problems``; its class says the kind when all are of one kind."""
    kinds = {kind_of(p) for p in problems}
    cls: type[WorkspaceError] = WorkspaceError
    if kinds == {"unknown"}:
        cls = UnknownIdError
    elif kinds == {"duplicate"}:
        cls = DuplicateIdError
    elif kinds == {"schema"}:
        cls = SchemaError
    first = problems[0] if problems else Problem("invalid workspace")
    return cls(
        first.message,
        problems=problems,
        file=first.file,
        line=first.line,
        column=first.column,
        field=first.field,
        hint="run `casus validate` to list every problem",
    )




def kind_of(p: Problem) -> str:
    if p.message.startswith("unknown ") and " id " in p.message:
        return "unknown"
    if p.message.startswith("duplicate"):
        return "duplicate"
    return "schema"


def problem_order(p: Problem) -> tuple[str, int, int]:
    return (p.file or "", p.line or 0, p.column or 0)


