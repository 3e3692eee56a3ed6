"""The shared shape of an analysis section: a typed result that also describes its display.

Every section of :func:`casusbelli.pipeline.analyze` is a frozen dataclass with named fields
(the engine's numbers and the cases behind them) plus ``title``, ``lines`` and ``tables``,
which ``casus analyze``, the report and the web app show as they are. ``to_dict()`` gives the
section's part of the stable JSON document. A renderer reads the fields; it never searches the
JSON for a key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FailedSection", "GenericSection", "Section", "Table", "as_section", "sig3"]


def sig3(value: Any, digits: int = 3) -> str:
    """A number for reading: ``digits`` significant digits (``0.8935828877`` -> ``0.894``);
    a number of more digits before the point is rounded to an integer.

    Integers, strings and ``None`` (``"—"``) are shown as they are; the JSON keeps the exact
    value.
    """
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return "—" if math.isnan(value) else ("∞" if value > 0 else "−∞")
    if value == 0:
        return "0"
    if abs(value) >= 10 ** digits:  # 1234.56 reads as 1235, not 1.23e+03
        return str(round(value))
    text = f"{value:.{digits}g}"
    if "e" in text:
        exp = int(text.split("e")[1])
        if -5 <= exp < 0:  # 3.3e-05 reads better as 0.0000333
            text = f"{value:.{digits - 1 - exp}f}"
    return text


@dataclass(frozen=True)
class Table:
    """A table for display: a title, column names and rows of plain values (exact numbers)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    @classmethod
    def of(cls, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
        """Build a table from lists."""
        return cls(title=title, columns=tuple(str(c) for c in columns),
                   rows=tuple(tuple(r) for r in rows))

    def to_dict(self) -> dict[str, Any]:
        """``{"title", "columns", "rows"}``."""
        return {"title": self.title, "columns": list(self.columns),
                "rows": [list(r) for r in self.rows]}


@dataclass(frozen=True)
class Section:
    """Base of every section: what to show (``title``, ``lines``, ``tables``) or why it failed."""

    title: str
    lines: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    error: str | None = None

    def data(self) -> dict[str, Any]:
        """The section's own fields as JSON (overridden by each section)."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """The section's part of the JSON document."""
        out: dict[str, Any] = {"title": self.title, **self.data(),
                               "lines": list(self.lines),
                               "tables": [t.to_dict() for t in self.tables]}
        if self.error is not None:
            out["error"] = self.error
        return out


@dataclass(frozen=True, kw_only=True)
class FailedSection(Section):
    """A section whose engine raised :class:`~casusbelli.errors.AnalysisError`."""


@dataclass(frozen=True, kw_only=True)
class GenericSection(Section):
    """A section added with :func:`casusbelli.pipeline.register_section` that returns a plain
    mapping: its ``title``, ``lines`` and ``tables`` are shown, the rest is kept as ``payload``."""

    payload: Mapping[str, Any] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        return dict(self.payload)


def as_section(name: str, value: Any) -> Section:
    """``value`` as a :class:`Section` (a plain mapping from a registered engine is wrapped)."""
    if isinstance(value, Section):
        return value
    if not isinstance(value, Mapping):
        return FailedSection(title=name, error=f"the {name} engine returned "
                             f"{type(value).__name__}, not a section")
    tables = tuple(Table.of(str(t.get("title", "")), t.get("columns", []), t.get("rows", []))
                   for t in value.get("tables", []) if isinstance(t, Mapping))
    payload = {k: v for k, v in value.items() if k not in ("title", "lines", "tables", "error")}
    return GenericSection(title=str(value.get("title", name)),
                          lines=tuple(str(x) for x in value.get("lines", [])), tables=tables,
                          error=value.get("error"), payload=payload)
