"""Digests that key the caches: of casusbelli's own source and of a workspace's files.

Every cache of a computed result (the loaded workspace, the audit, the analysis sections) is
keyed by what the result was computed *from* and by the code that computed it, so an entry is
never reused after either changed. The two halves live here, once:

* :func:`source_digest` hashes the source files of some of casusbelli's packages or modules;
* :func:`workspace_files_digest` hashes a workspace's files (the ones ``casus init`` copies),
  optionally leaving out folders a cached result does not read.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "PACKAGE_ROOT",
    "library_versions",
    "source_digest",
    "workspace_files_digest",
    "workspace_files_digests",
]

#: The ``casusbelli`` package folder.
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def source_digest(parts: tuple[str, ...]) -> str:
    """SHA-256 of the source of every module in ``parts`` (each a package folder or a ``.py``
    file, relative to the ``casusbelli`` package), with each file's relative path.

    Computed once per process: the running code does not change under it.
    """
    h = hashlib.sha256()
    for part in parts:
        target = PACKAGE_ROOT / part
        paths = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for path in paths:
            h.update(path.relative_to(PACKAGE_ROOT).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


@functools.cache
def library_versions(names: tuple[str, ...]) -> str:
    """``"numpy 2.3.1; scipy 1.16.0"``: the installed versions of ``names``, read from the
    package metadata (so a cache hit never imports them)."""
    from importlib.metadata import version

    return "; ".join(f"{name} {version(name)}" for name in names)


def workspace_files_digest(root: Path, *, salt: str = "",
                           skip_folders: Iterable[str] = ()) -> str | None:
    """SHA-256 of ``salt`` and every workspace file's relative path and bytes
    (:func:`casusbelli.workspace.load.iter_files`), leaving out files in ``skip_folders``.

    Returns ``None`` when a file cannot be read (then nothing should be cached).
    """
    both = workspace_files_digests(root, salt=salt, skip_folders=skip_folders)
    return None if both is None else both[0]


def workspace_files_digests(root: Path, *, salt: str = "",
                            skip_folders: Iterable[str] = ()) -> tuple[str, str] | None:
    """Two digests in one pass over the files: :func:`workspace_files_digest` without the
    files in ``skip_folders``, and with them (``None`` when a file cannot be read)."""
    from casusbelli.workspace.load import iter_files

    skip = set(skip_folders)
    kept, every = hashlib.sha256(salt.encode()), hashlib.sha256(salt.encode())
    try:
        for p in sorted(set(iter_files(root))):
            rel = p.relative_to(root)
            chunk = rel.as_posix().encode() + b"\0" + p.read_bytes() + b"\0"
            every.update(chunk)
            if rel.parts[0] not in skip:
                kept.update(chunk)
    except OSError:
        return None
    return kept.hexdigest(), every.hexdigest()
