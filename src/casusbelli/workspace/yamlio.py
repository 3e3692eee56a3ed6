"""Read YAML files with line marks, so every error can name its line and column.

libyaml (through ruamel.yaml's C extension) parses; the nodes it composes keep where each key,
value and item starts. :func:`read_yaml` returns the data together with a :class:`Marks` object
that maps a path of keys and indexes (as pydantic reports it in ``loc``) to a 1-based line and
column.

Workspace files are shared in git, so they are read as hostile input. A file must be a regular
file (no FIFO, device or directory) whose real path lies inside the workspace folder; its size
is checked on the open descriptor and at most ``max_bytes + 1`` bytes are ever read. Before the
C parser builds anything, one pass over libyaml's event stream refuses anchors and aliases
(alias bombs, self-referencing nodes), explicit tags outside the YAML core schema, nesting
deeper than :data:`MAX_DEPTH` (the C composer recurses without a limit and crashes the process
on ``[`` nested 30,000 deep), scalars longer than :data:`MAX_SCALAR_CHARS` and integers with
more than :data:`MAX_INT_DIGITS` digits. The event pass stops at the first offence, so a
hostile file costs little. Every parser exception becomes a located :class:`Problem`.
"""

from __future__ import annotations

import datetime
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from casusbelli.errors import FileProblemError, Problem

#: Largest workspace file read, in bytes. A larger file is refused before it is read.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Deepest nesting of mappings and sequences accepted in a YAML file.
MAX_DEPTH = 64
#: Longest scalar (text, number) accepted in a YAML file, in characters.
MAX_SCALAR_CHARS = 100_000
#: Most digits accepted in an integer (Python refuses to convert more than 4,300).
MAX_INT_DIGITS = 100

#: Explicit tags accepted: the YAML core schema (``!!str "2014"`` and the like).
_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
) | {"!"}
_INTEGER = re.compile(r"[-+]?[0-9][0-9_]*")

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_INT_DIGITS",
    "MAX_SCALAR_CHARS",
    "Marks",
    "YamlDoc",
    "check_yaml",
    "decode_text",
    "parse_yaml",
    "read_bytes",
    "read_text",
    "read_yaml",
    "to_plain",
]


class Marks:
    """Line marks of one YAML document: ``locate(("codings", "opening", "value"))``.

    Either a round-trip node tree (``root``) or the text, which is composed into nodes with
    their marks by the C parser only when a position is first asked for (that is, when there
    is something to report). The text has passed :func:`parse_yaml`'s checks, so composing it
    is safe.
    """

    def __init__(self, root: Any = None, *, text: str | None = None) -> None:
        self._root = root
        self._text = text
        self._nodes: Node | None = None

    @property
    def root(self) -> Any:
        """The node tree: round-trip containers, or ruamel nodes composed from the text."""
        if self._root is not None:
            return self._root
        if self._nodes is None and self._text is not None:
            try:
                self._nodes = _fast_yaml().compose(self._text)
            except (YAMLError, RecursionError, ValueError):
                self._text = None  # give up on positions, never on the report
        return self._nodes

    def locate(
        self, loc: Sequence[str | int], *, key: bool = False
    ) -> tuple[int | None, int | None]:
        """Return the 1-based (line, column) of the deepest node of ``loc`` that exists.

        A scalar value is located at the value, unless ``key`` is set (then at its key).
        """
        node = self.root
        if isinstance(node, Node):
            return _locate_node(node, loc, key=key)
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


def _locate_node(
    node: Node, loc: Sequence[str | int], *, key: bool
) -> tuple[int | None, int | None]:
    """:meth:`Marks.locate` over a composed node tree (keys compare as text)."""

    def at(n: Node) -> tuple[int, int]:
        return n.start_mark.line + 1, n.start_mark.column + 1

    line, col = at(node)
    last = len(loc) - 1
    for n, part in enumerate(loc):
        if isinstance(node, MappingNode):
            found = next(
                (
                    (k, v)
                    for k, v in node.value
                    if isinstance(k, ScalarNode) and k.value == str(part)
                ),
                None,
            )
            if found is None:
                break
            knode, vnode = found
            line, col = at(knode)
            if isinstance(vnode, ScalarNode) and not (key and n == last):
                line, col = at(vnode)
            node = vnode
        elif isinstance(node, SequenceNode):
            if not isinstance(part, int) or not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line, col = at(node)
        else:
            break
    return line, col


@dataclass(frozen=True)
class YamlDoc:
    """Parsed YAML: plain Python ``data`` plus its :class:`Marks`."""

    data: Any
    marks: Marks


# the internal whole-file problem lives in errors.py; the old private name stays for the loaders
_FileProblem = FileProblemError


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _too_big(rel: str, size: int | None, max_bytes: int) -> _FileProblem:
    what = f"file is {size:,} bytes" if size is not None else "file is larger"
    return _FileProblem(
        Problem(f"{what}, over the limit of {max_bytes:,} bytes; split it or raise the limit", rel)
    )


def _open_checked(path: Path, rel: str, root: Path | None) -> int:
    """Open a regular file for reading (not following a link swapped in since the check)."""
    target: str | Path = path
    nofollow = 0
    if root is not None:
        real = os.path.realpath(path)
        base = os.path.realpath(root)
        if os.path.commonpath([real, base]) != base:
            raise _FileProblem(
                Problem(
                    "file leads through a symbolic link outside the workspace folder "
                    f"({real}); copy the file into the workspace instead",
                    rel,
                )
            )
        # open the checked path itself, so a link swapped in since is not followed
        target, nofollow = real, getattr(os, "O_NOFOLLOW", 0)
    try:
        # stat before open: opening a FIFO would wait for a writer, a device may act on open
        st = os.stat(target)
        if not stat.S_ISREG(st.st_mode):
            raise _FileProblem(
                Problem(f"{_file_kind(st.st_mode)}, not a regular file; cannot read it", rel)
            )
        # O_NONBLOCK: if the file was swapped for a FIFO since, open still returns at once
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        return os.open(target, flags | nofollow | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _FileProblem(Problem(f"cannot read file: {exc.strerror}", rel)) from exc


def read_bytes(
    path: Path, rel: str, *, max_bytes: int = MAX_FILE_BYTES, root: Path | None = None
) -> bytes:
    """Read a regular file's bytes, never more than ``max_bytes + 1`` of them.

    Parameters
    ----------
    path
        The file.
    rel
        Its name in messages (relative to the workspace folder).
    max_bytes
        Refuse larger files (checked on the open descriptor, and again while reading).
    root
        When given, refuse a file whose real path (symbolic links resolved) is outside it.

    Raises
    ------
    _FileProblem
        The file is missing, unreadable, not a regular file (FIFO, device, directory),
        a link out of ``root``, or over ``max_bytes``.
    """
    fd = _open_checked(path, rel, root)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _FileProblem(
                Problem(f"{_file_kind(st.st_mode)}, not a regular file; cannot read it", rel)
            )
        if st.st_size > max_bytes:
            raise _too_big(rel, st.st_size, max_bytes)
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise _FileProblem(Problem(f"cannot read file: {exc.strerror}", rel)) from exc
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > max_bytes:  # the file grew after fstat
        raise _too_big(rel, None, max_bytes)
    return raw


def read_text(
    path: Path, rel: str, *, max_bytes: int = MAX_FILE_BYTES, root: Path | None = None
) -> str:
    """Read a UTF-8 text file with :func:`read_bytes`, refusing non-UTF-8 bytes.

    Raises
    ------
    _FileProblem
        Carrying a :class:`~casusbelli.errors.Problem` that names the file (and the line of a
        bad byte).
    """
    return decode_text(read_bytes(path, rel, max_bytes=max_bytes, root=root), rel)


def decode_text(raw: bytes, rel: str) -> str:
    """Decode a file's bytes as UTF-8, naming the line and column of the first bad byte."""
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


def read_yaml(
    path: Path, rel: str, *, max_bytes: int = MAX_FILE_BYTES, root: Path | None = None
) -> YamlDoc:
    """Read one YAML file (see :func:`read_text`) and parse it with :func:`parse_yaml`."""
    return parse_yaml(read_text(path, rel, max_bytes=max_bytes, root=root), rel)


def parse_yaml(text: str, rel: str) -> YamlDoc:
    """Parse the text of one YAML file into plain data and line marks.

    libyaml (C) parses; its event stream is checked first (:func:`_check_events`), since the
    C composer would crash on deep nesting and expand alias bombs. libyaml's own messages
    name the line and column of a syntax error.

    Raises
    ------
    _FileProblem
        The text is empty, not valid YAML (duplicate keys included), or breaks a limit of
        this module (anchors and aliases, tags, depth, scalar length, integer digits).
    """
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise _FileProblem(Problem("file is empty", rel, 1, 1))
    try:
        _check_events(_fast_yaml().parse(text), rel)
        data = _fast_yaml().load(text)
    except (YAMLError, RecursionError, ValueError) as exc:
        raise _located(exc, text, rel) from exc
    if data is None:
        raise _FileProblem(Problem("file is empty", rel, 1, 1))
    return YamlDoc(_plain_checked(data, rel), Marks(text=text))


def check_yaml(text: str, rel: str) -> None:
    """Check YAML text against this module's limits and syntax without building anything.

    For code that must parse a workspace file another way (round-trip, to edit it in place):
    call this first, so the other parser never sees an alias bomb or deep nesting.

    Raises
    ------
    _FileProblem
        As :func:`parse_yaml` (an empty text passes).
    """
    try:
        _check_events(_fast_yaml().parse(text), rel)
    except (YAMLError, RecursionError, ValueError) as exc:
        raise _located(exc, text, rel) from exc


def _located(exc: Exception, text: str, rel: str) -> _FileProblem:
    """A parser exception as a located problem."""
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        what = " ".join((exc.problem or exc.context or "invalid YAML").split())
        if what == "found character that cannot start any token" and mark is not None:
            char = _char_at(text, mark.line, mark.column)
            if char is not None:
                what = f"found character {char!r} that cannot start any token"
        if "duplicate key" in what:
            what = "duplicate key: " + what.split("found duplicate key")[-1].strip()
        return _FileProblem(Problem(f"invalid YAML: {_short(what)}", rel, line, col))
    if isinstance(exc, RecursionError):  # not expected after the depth check: a last guard
        return _FileProblem(
            Problem(f"nested too deeply: more than {MAX_DEPTH} levels of mappings and lists", rel)
        )
    # YAMLError without a mark, or ValueError from a constructor (a last guard)
    return _FileProblem(Problem(f"invalid YAML: {_short(str(exc))}", rel))


def _check_events(events: Iterable[Any], rel: str) -> None:
    """Refuse anchors, aliases, foreign tags, deep nesting, long scalars and huge integers.

    Reads ``events`` only up to the first offence, so a hostile file costs little. Parser
    errors propagate (the caller reports them).
    """
    depth = 0
    for event in events:
        if isinstance(event, AliasEvent):
            _refuse(
                event,
                rel,
                f"YAML alias *{event.anchor} is not allowed in workspace files; "
                "write the value out",
            )
        if isinstance(event, NodeEvent) and event.anchor:
            _refuse(
                event,
                rel,
                f"YAML anchor &{event.anchor} is not allowed in workspace files; "
                "write values out instead of using anchors and aliases",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and not isinstance(tag, str):
            tag = str(getattr(tag, "value", tag))
        if tag is not None and tag not in _CORE_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            _refuse(event, rel, f"YAML tag {shown} is not allowed in workspace files")
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                _refuse(
                    event,
                    rel,
                    f"nested too deeply: more than {MAX_DEPTH} levels of mappings and lists",
                )
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        elif isinstance(event, ScalarEvent):
            value = event.value
            if len(value) > MAX_SCALAR_CHARS:
                _refuse(
                    event,
                    rel,
                    f"value is {len(value):,} characters long, over the limit of "
                    f"{MAX_SCALAR_CHARS:,}",
                )
            if (not event.style or tag == "tag:yaml.org,2002:int") and _INTEGER.fullmatch(value):
                digits = sum(ch.isdigit() for ch in value)
                if digits > MAX_INT_DIGITS:
                    _refuse(
                        event,
                        rel,
                        f"number with {digits:,} digits, over the limit of {MAX_INT_DIGITS}; "
                        "quote it if it is text",
                    )


def _refuse(event: Any, rel: str, message: str) -> None:
    mark = getattr(event, "start_mark", None)
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    raise _FileProblem(Problem(message, rel, line, col))


def _char_at(text: str, line: int, column: int) -> str | None:
    """The character at a 0-based (line, column) of libyaml's, if it can be found."""
    lines = _YAML_LINE_BREAK.split(text)
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return None


_YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fast_yaml() -> YAML:
    yaml = YAML(typ="safe", pure=False)
    yaml.allow_duplicate_keys = False
    yaml.constructor.add_constructor(
        "tag:yaml.org,2002:timestamp", type(yaml.constructor).construct_yaml_str
    )
    return yaml


def _plain_checked(node: Any, rel: str) -> Any:
    """:func:`to_plain`, refusing a tree deeper than :data:`MAX_DEPTH` (a last guard)."""
    stack = [(node, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            if level > MAX_DEPTH:
                raise _FileProblem(
                    Problem(
                        f"nested too deeply: more than {MAX_DEPTH} levels of mappings and lists",
                        rel,
                    )
                )
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return to_plain(node)


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
