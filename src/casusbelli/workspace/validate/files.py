"""Reading workspace files safely: one ``<folder>/<id>.yaml`` at a time, ids claimed once,
the content hash, and :func:`load_file` for an editor checking one file on its own."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from casusbelli.errors import Problem, WorkspaceError
from casusbelli.workspace.models import Case, EvidenceSet, Frame, Question, Signpost, Theory
from casusbelli.workspace.validate.collect import Collector, error_of
from casusbelli.workspace.yamlio import (
    Marks,
    _FileProblem,
    decode_text,
    parse_yaml,
    read_bytes,
    read_yaml,
)

__all__ = [
    "KINDS",
    "MAX_MEASURES_BYTES",
    "Origins",
    "check_regular",
    "claim",
    "content_hash",
    "iter_files",
    "load_file",
    "load_folder",
    "load_one",
    "read",
]

#: Largest ``measures/<corpus>.parquet`` file accepted, in bytes (frame counts per document).
MAX_MEASURES_BYTES = 512 * 1024 * 1024
M = TypeVar("M", bound=BaseModel)
#: where each id was declared: (kind, id) -> (file, (marks, path to the id in the data))
Origins = dict[tuple[str, str], tuple[str, Any]]


#: Folder of each kind of workspace file, its model, and the field naming its id.
KINDS: dict[str, tuple[str, type[BaseModel], str]] = {
    "theory": ("theories", Theory, "id"),
    "case": ("cases", Case, "id"),
    "evidence": ("evidence", EvidenceSet, "case"),
    "question": ("questions", Question, "id"),
    "frame": ("frames", Frame, "id"),
    "signpost": ("signposts", Signpost, "id"),
}



def load_file(
    path: str | Path,
    kind: str,
    *,
    root: str | Path | None = None,
    content: bytes | None = None,
) -> BaseModel:
    """Read and check one workspace file on its own (no references to other files).

    The same per-file code :func:`load_workspace` runs on every ``<folder>/<id>.yaml``:
    safe reading, YAML limits, schema, and the id agreeing with the file name (for a frame,
    also its terms: :func:`casusbelli.workspace.validate.frames.check_terms`).

    Parameters
    ----------
    path
        The file, e.g. ``cases/ukraine-2014.yaml``.
    kind
        ``"case"``, ``"theory"``, ``"evidence"``, ``"question"``, ``"frame"`` or
        ``"signpost"``.
    root
        The workspace folder (default: the file's grandparent); the file's real path must
        lie inside it.
    content
        The file's bytes when they are already in memory (an editor's buffer, a test); then
        ``path`` only names the file and is not read.

    Raises
    ------
    WorkspaceError
        With every problem found in ``problems``, each naming the file.
    """
    if kind not in KINDS:
        raise WorkspaceError(f"unknown kind of workspace file {kind!r}",
                             hint=f"one of: {', '.join(KINDS)}")
    p = Path(path)
    _folder, model, id_field = KINDS[kind]
    col = Collector(Path(root) if root is not None else p.parent.parent)
    found = load_one(p, model, kind, col, id_field, content=content)
    if found is not None and kind == "frame":
        from casusbelli.workspace.validate.frames import check_terms

        _oid, frame, rel, marks, _where = found
        assert isinstance(frame, Frame)
        check_terms(col, rel, marks, frame)
    if found is None or col.problems:
        raise error_of(col.sorted_problems())
    return found[1]



def read(path: Path, col: Collector, *, content: bytes | None = None) -> tuple[Any, Marks] | None:
    rel = col.rel(path)
    try:
        if content is None:
            doc = read_yaml(path, rel, max_bytes=col.max_bytes, root=col.root)
        elif len(content) > col.max_bytes:
            raise _FileProblem(Problem(
                f"file is {len(content):,} bytes, over the limit of {col.max_bytes:,} bytes; "
                "split it or raise the limit", rel))
        else:
            doc = parse_yaml(decode_text(content, rel), rel)
    except _FileProblem as fp:
        col.add(fp.problem, "file")
        return None
    return doc.data, doc.marks


def check_regular(path: Path, col: Collector, max_bytes: int) -> Problem | None:
    """The problem with a file read by another library (a link out, not regular, too big)."""
    rel = col.rel(path)
    real = os.path.realpath(path)
    base = os.path.realpath(col.root)
    if os.path.commonpath([real, base]) != base:
        return Problem(
            "file leads through a symbolic link outside the workspace folder "
            f"({real}); copy the file into the workspace instead",
            rel,
        )
    try:
        st = os.stat(path)
    except OSError as exc:
        return Problem(f"cannot read file: {exc.strerror}", rel)
    if not stat.S_ISREG(st.st_mode):
        return Problem("not a regular file; cannot read it", rel)
    if st.st_size > max_bytes:
        return Problem(
            f"file is {st.st_size:,} bytes, over the limit of {max_bytes:,} bytes", rel
        )
    return None



def load_folder(
    root: Path,
    folder: str,
    model: type[M],
    kind: str,
    col: Collector,
    files: list[Path],
    origins: Origins,
    id_field: str = "id",
) -> tuple[dict[str, M], dict[str, tuple[str, Marks]]]:
    """Load ``folder/*.yaml``; the id is the file stem, and an ``id:`` inside must agree."""
    out: dict[str, M] = {}
    docs: dict[str, tuple[str, Marks]] = {}
    d = root / folder
    if not d.is_dir():
        return out, docs
    paths = sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml"))
    for p in paths:
        files.append(p)
        found = load_one(p, model, kind, col, id_field)
        if found is None:
            continue
        oid, obj, rel, marks, where = found
        if not claim(col, origins, kind, oid, rel, marks, where, (id_field,)):
            continue
        out[oid] = obj
        docs[oid] = (rel, marks)
    return out, docs


def load_one(
    p: Path,
    model: type[M],
    kind: str,
    col: Collector,
    id_field: str,
    *,
    content: bytes | None = None,
) -> tuple[str, M, str, Marks, tuple[str, ...]] | None:
    """Read and check one ``<folder>/<id>.yaml``: (id, object, rel, marks, where the id is)."""
    rel = col.rel(p)
    doc = read(p, col, content=content)
    if doc is None:
        return None
    data, marks = doc
    if not isinstance(data, dict):
        col.add_at(rel, marks, (), f"expected a mapping at the top of a {kind} file", "schema")
        return None
    obj = col.validate(model, data, rel, marks)
    if obj is None:
        col.failed.append((rel, marks, data, kind))
        return None
    declared = getattr(obj, id_field, None)
    oid = p.stem
    if kind == "evidence":
        oid = declared or p.stem
    elif declared is not None and declared != p.stem:
        col.add_at(
            rel,
            marks,
            (id_field,),
            f"id {declared!r} differs from the file name {p.stem!r} (a {kind}'s id is its "
            "file stem)",
            "schema",
        )
        return None
    where = (id_field,) if id_field in data else ()
    return oid, obj, rel, marks, where


def claim(
    col: Collector,
    origins: Origins,
    kind: str,
    oid: str,
    rel: str,
    marks: Marks | None,
    where: tuple[Any, ...],
    loc: tuple[Any, ...],
) -> bool:
    """Record where ``kind`` ``oid`` is declared; report a duplicate naming the first place.

    Positions are looked up only for duplicates (the line marks are costly to build).
    """
    key = (kind, oid)
    if key in origins:
        first_file, first = origins[key]
        first_marks, first_where = first
        first_line = first_marks.locate(first_where)[0] if first_marks else None
        place = f"{first_file}:{first_line}" if first_line else first_file
        col.add_at(
            rel, marks, loc, f"duplicate {kind} id {oid!r} (first declared at {place})",
            "duplicate",
        )
        return False
    origins[key] = (rel, (marks, where))
    return True



def content_hash(root: Path, files: list[Path], col: Collector) -> str | None:
    """SHA-256 over every workspace file's relative path and bytes, in sorted order.

    Files are read again, with the same limits (a file swapped since its check is reported,
    and ``None`` returned).
    """
    h = hashlib.sha256()
    limit = max(col.max_bytes, MAX_MEASURES_BYTES)
    for p in sorted(set(files)):
        try:
            raw = read_bytes(p, col.rel(p), max_bytes=limit, root=root)
        except _FileProblem as fp:
            col.add(fp.problem, "file")
            return None
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(raw)
        h.update(b"\0")
    return h.hexdigest()


def iter_files(root: Path) -> Iterator[Path]:
    """Yield every file that makes up a workspace (what ``casus init`` copies)."""
    for name in ("casus.toml", "indicators.yaml", "sources.yaml"):
        if (root / name).exists():
            yield root / name
    for folder in ("sources", "theories", "cases", "evidence", "questions", "frames", "signposts"):
        d = root / folder
        if d.is_dir():
            yield from sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml"))
    if (root / "measures").is_dir():
        yield from sorted((root / "measures").glob("*.parquet"))
