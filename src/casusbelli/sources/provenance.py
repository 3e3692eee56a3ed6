"""Provenance of ingested files: what was read, its SHA-256, when, and by which version."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casusbelli.errors import SourceError

__all__ = ["Provenance", "sha256_file", "tool_version", "utc_now"]

_CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB chunks (constant memory).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"abc")
    >>> sha256_file(f.name)[:12]
    'ba7816bf8f01'
    >>> os.unlink(f.name)
    """
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from exc
    return digest.hexdigest()


def tool_version() -> str:
    """Return the casusbelli version string recorded in provenance."""
    from casusbelli import __version__

    return f"casusbelli {__version__}"


def utc_now() -> str:
    """Return the current UTC time as ISO 8601 with a ``Z`` suffix, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Provenance:
    """Where a text came from: the file, its SHA-256, when it was read, and by what.

    Attributes
    ----------
    path : str
        The source file as given (resolved to an absolute path by :meth:`of_file`).
    sha256 : str
        Hex SHA-256 of the file's bytes at ingestion time.
    ingested_at : str
        UTC time of ingestion, ISO 8601 (``2024-05-01T12:00:00Z``).
    tool_version : str
        ``casusbelli <version>`` that did the ingestion.
    """

    path: str
    sha256: str
    ingested_at: str
    tool_version: str

    @classmethod
    def of_file(cls, path: str | Path, *, ingested_at: str | None = None) -> Provenance:
        """Hash ``path`` and stamp it with the current UTC time and tool version."""
        resolved = Path(path).resolve()
        return cls(
            path=str(resolved),
            sha256=sha256_file(resolved),
            ingested_at=ingested_at or utc_now(),
            tool_version=tool_version(),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provenance:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            path=str(data["path"]),
            sha256=str(data["sha256"]),
            ingested_at=str(data["ingested_at"]),
            tool_version=str(data["tool_version"]),
        )
