"""Read YAML files with line marks, so every error can name its line and column.

ruamel.yaml's round-trip loader keeps, for each mapping and sequence, where each key and item
starts. :func:`read_yaml` returns the data together with a :class:`Marks` object that maps a
path of keys and indexes (as pydantic reports it in ``loc``) to a 1-based line and column.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from casusbelli.errors import Problem

#: Largest workspace file read, in bytes. A larger file is refused before it is read.
MAX_FILE_BYTES = 5 * 1024 * 1024

__all__ = ["MAX_FILE_BYTES", "Marks", "YamlDoc", "read_text", "read_yaml", "to_plain"]


class Marks:
    """Line marks of one YAML document: ``locate(("codings", "opening", "value"))``.

    Built from the round-trip parse of the text, which is slow, so it is made only when a
    position is first asked for (that is, when there is something to report).
    """

    def __init__(self, root: Any = None, *, text: str | None = None) -> None:
        self._root = root
        self._text = text

    @property
    def root(self) -> Any:
        """The round-trip node tree (parsed on first use)."""
        if self._root is None and self._text is not None:
            self._root = _rt_yaml().load(io.StringIO(self._text))
        return self._root

    def locate(
        self, loc: Sequence[str | int], *, key: bool = False
    ) -> tuple[int | None, int | None]:
        """Return the 1-based (line, column) of the deepest node of ``loc`` that exists.

        A scalar value is located at the value, unless ``key`` is set (then at its key).
        """
        node = self.root
        line: int | None = None
        col: int | None = None
        if isinstance(node, CommentedMap | CommentedSeq):
            line, col = node.lc.line + 1, node.lc.col + 1
        last = len(loc) - 1
        for n, part in enumerate(loc):
            if isinstance(node, CommentedMap):
                if part not in node:
                    break
                try:
                    kl, kc = node.lc.key(part)
                    line, col = kl + 1, kc + 1
                    at_key = key and n == last
                    if not isinstance(node[part], CommentedMap | CommentedSeq) and not at_key:
                        vl, vc = node.lc.value(part)
                        line, col = vl + 1, vc + 1
                except (KeyError, TypeError):
                    pass
                node = node[part]
            elif isinstance(node, CommentedSeq):
                if not isinstance(part, int) or part >= len(node):
                    break
                try:
                    il, ic = node.lc.item(part)
                    line, col = il + 1, ic + 1
                except (KeyError, TypeError, IndexError):
                    pass
                node = node[part]
            else:
                break
        return line, col


@dataclass(frozen=True)
class YamlDoc:
    """Parsed YAML: plain Python ``data`` plus its :class:`Marks`."""

    data: Any
    marks: Marks


def read_text(path: Path, rel: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file, refusing files over ``max_bytes`` and non-UTF-8 bytes.

    Raises
    ------
    _FileProblem
        Carrying a :class:`~casusbelli.errors.Problem` that names the file (and the line of a
        bad byte).
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _FileProblem(Problem(f"cannot read file: {exc.strerror}", rel)) from exc
    if size > max_bytes:
        raise _FileProblem(
            Problem(
                f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes; split it "
                "or raise the limit",
                rel,
            )
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _FileProblem(
            Problem(
                f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                "save it as UTF-8",
                rel,
                line,
                col,
            )
        ) from exc


class _FileProblem(Exception):
    """Internal: a whole-file problem (unreadable, too big, not UTF-8, bad YAML, empty)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_yaml(path: Path, rel: str, *, max_bytes: int = MAX_FILE_BYTES) -> YamlDoc:
    """Parse one YAML file into plain data and line marks.

    Raises ``_FileProblem`` for files that are too big, not UTF-8, empty, or not valid YAML
    (duplicate keys included).
    """
    text = read_text(path, rel, max_bytes=max_bytes)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise _FileProblem(Problem("file is empty", rel, 1, 1))
    # fast path: libyaml (C) parser; positions are computed later only if needed
    try:
        data = _fast_yaml().load(text)
    except (YAMLError, ValueError):
        data = _MISSING
    if data is not _MISSING and data is not None:
        return YamlDoc(to_plain(data), Marks(text=text))
    yaml = _rt_yaml()
    try:
        root = yaml.load(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        what = (exc.problem or exc.context or "invalid YAML").strip()
        if "duplicate key" in str(exc):
            what = "duplicate key: " + what.split("found duplicate key")[-1].strip()
        raise _FileProblem(Problem(f"invalid YAML: {what}", rel, line, col)) from exc
    except YAMLError as exc:
        raise _FileProblem(Problem(f"invalid YAML: {exc}", rel)) from exc
    if root is None:
        raise _FileProblem(Problem("file is empty", rel, 1, 1))
    return YamlDoc(to_plain(root), Marks(root))


_MISSING = object()


def _rt_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    # dates stay text: the models validate them (and a bad day gets a located error)
    yaml.constructor.add_constructor(
        "tag:yaml.org,2002:timestamp", type(yaml.constructor).construct_yaml_str
    )
    return yaml


def _fast_yaml() -> YAML:
    yaml = YAML(typ="safe", pure=False)
    yaml.allow_duplicate_keys = False
    yaml.constructor.add_constructor(
        "tag:yaml.org,2002:timestamp", type(yaml.constructor).construct_yaml_str
    )
    return yaml


def to_plain(node: Any) -> Any:
    """Convert ruamel's round-trip containers and scalars to plain Python values."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, str) else k: to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, datetime.datetime | datetime.date):
        return node.isoformat()
    return node
