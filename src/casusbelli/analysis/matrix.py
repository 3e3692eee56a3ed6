"""Read an analyst's own ACH matrix from a CSV or YAML file into the engine's :class:`AchMatrix`.

CSV: a header ``id,evidence,credibility,relevance,<hyp1>,<hyp2>,...`` and one row per item.
``credibility`` and ``relevance`` may be left empty (medium) or the columns left out. Optional
columns: ``analyst`` (several analysts, one row per analyst and item) and ``likelihood:<hyp>``
(P(E | hyp) in (0, 1] for Bayesian process tracing; all of them or none). A blank rating cell is
NA. Every other column is a hypothesis.

YAML::

    hypotheses: [opportunism, insecurity]      # optional; else taken from the first item
    analysts: [alice, bob]                     # optional
    items:
      - id: e1
        evidence: "Troops moved before the vote"
        credibility: high                      # low | medium | high (default medium)
        relevance: medium
        ratings: {opportunism: C, insecurity: I}
        # several analysts: ratings: {alice: {opportunism: C, ...}, bob: {...}}
        likelihoods: {opportunism: 0.7, insecurity: 0.2}   # optional

Every error names the file, the line (the CSV row's first line; the YAML node's line) and the
field. Evidence text is kept verbatim (HTML included); escaping is the renderer's job.
"""

from __future__ import annotations

from pathlib import Path

from casusbelli.analysis.matrix_csv import _load_csv
from casusbelli.analysis.matrix_yaml import _load_yaml
from casusbelli.errors import (
    FileProblemError,
    SourceError,
)
from casusbelli.within.ach import AchMatrix
from casusbelli.workspace.yamlio import read_text, read_yaml

__all__ = [
    "MAX_MATRIX_BYTES",
    "load_matrix",
]

#: Largest matrix file read, in bytes (20 MiB); a larger file is refused before it is read.
MAX_MATRIX_BYTES = 20 * 1024 * 1024


def load_matrix(path: str | Path, *, max_bytes: int = MAX_MATRIX_BYTES) -> AchMatrix:
    """Read an ACH matrix from ``path`` (``.csv``, ``.yaml`` or ``.yml``).

    Parameters
    ----------
    path
        The file.
    max_bytes
        Refuse larger files (default :data:`MAX_MATRIX_BYTES`).

    Returns
    -------
    AchMatrix

    Raises
    ------
    SourceError
        The file cannot be read: missing, too large, not UTF-8, malformed or truncated CSV/YAML,
        unsupported extension.
    SchemaError, UnknownIdError, DuplicateIdError
        The content is wrong: unknown rating symbol or level, a rating for an unknown
        hypothesis or analyst, a missing column, a duplicate item id, a likelihood outside
        (0, 1]. ``problems`` lists every problem found (up to 50).
    """
    p = Path(path)
    rel = str(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".yaml", ".yml"):
        raise SourceError(
            f"unsupported matrix format {suffix or '(no extension)'!r}; use .csv, .yaml or .yml",
            file=rel,
        )
    try:
        if suffix == ".csv":
            text = read_text(p, rel, max_bytes=max_bytes)
            return _load_csv(text, rel)
        doc = read_yaml(p, rel, max_bytes=max_bytes)
        return _load_yaml(doc.data, doc.marks, rel)
    except FileProblemError as exc:
        pr = exc.problem
        raise SourceError(pr.message, file=pr.file, line=pr.line, column=pr.column) from exc
