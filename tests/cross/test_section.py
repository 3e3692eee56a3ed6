"""Workspace glue: matrices, the model cache, ``cross_section`` and ``casus compare``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from casusbelli.analysis import weights as weights_module
from casusbelli.analysis.measured import load_workspace
from casusbelli.analysis.weights import compare_workspace, theory_matrices, weights
from casusbelli.cross.models import BASE_RATE, ModelSettings
from casusbelli.analysis.cross import cross_section
from casusbelli.errors import AnalysisError
from casusbelli.store.build import build_store
from casusbelli.store.cache import MODEL_CACHE, cache_key, clear_cache, read_cache
from casusbelli.store.db import Store

#: What the CLI test asks for with ``--draws 100`` (the default seed and tuning).
SMALL = ModelSettings(draws=100)


@pytest.fixture(scope="module")
def russia():
    return load_workspace(None)


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory, russia) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'casus.db'}"
    build_store(russia, url)
    return url


@pytest.fixture(scope="module")
def counted(store_url: str, russia) -> dict[str, int]:
    """Run the CLI once (it samples and caches), counting calls to the sampler."""
    calls = {"n": 0}
    real = weights_module.compare_models

    def counting(*args, **kwargs):
        calls["n"] += 1
        return real(*args, **kwargs)

    mp = pytest.MonkeyPatch()
    mp.setattr(weights_module, "compare_models", counting)
    from casusbelli.cli import app

    result = CliRunner().invoke(app, ["compare", "--db", store_url, "--draws", "100", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    calls["doc"] = json.loads(result.stdout)  # type: ignore[assignment]
    calls["mp"] = mp  # type: ignore[assignment]
    yield calls
    mp.undo()


def test_theory_matrices_keep_unknown_codings_as_nan(russia) -> None:
    m = theory_matrices(russia)
    assert set(m.data) == set(russia.theory_ids)
    assert len(m.cases) + len(m.dropped) == len(russia.cases)
    assert set(np.unique(m.outcome)) == {0.0, 1.0}
    legacy = m.data["legacy"]
    assert np.isnan(legacy).any()  # unknowns are not filled
    observed = legacy[~np.isnan(legacy)]
    assert observed.min() >= 0 and observed.max() <= 1


def test_unknown_theory_is_an_analysis_error(russia) -> None:
    with pytest.raises(AnalysisError, match="unknown theory 'astrology'"):
        theory_matrices(russia, ["astrology"])


@pytest.mark.slow
def test_cli_compare_prints_models_and_weights(counted) -> None:
    doc = counted["doc"]
    names = [m["name"] for m in doc["models"]]
    assert names[-1] == BASE_RATE and len(names) == 5
    assert sum(doc["weights"].values()) == pytest.approx(1.0)
    assert doc["cached"] is False
    assert counted["n"] == 1
    for m in doc["models"]:
        assert 0 <= m["brier_loo"] <= 1 and m["se"] > 0


@pytest.mark.slow
def test_second_run_reads_the_cache_without_sampling(counted, store_url, russia) -> None:
    again = compare_workspace(russia, store_url, settings=SMALL)
    assert again.cached is True
    assert counted["n"] == 1  # the sampler was not called again
    assert again.weights == counted["doc"]["weights"]


@pytest.mark.slow  # the `counted` fixture samples PyMC models
def test_weights_reads_the_cache(counted, store_url, russia) -> None:
    w = weights(russia, store_url, settings=SMALL)
    assert w is not None and set(w) == set(russia.theory_ids)
    assert sum(w.values()) == pytest.approx(1.0)
    # other settings were never fitted: no weights, and no sampling either
    assert weights(russia, store_url, settings=ModelSettings(draws=101)) is None
    assert counted["n"] == 1


@pytest.mark.slow  # the `counted` fixture samples PyMC models
def test_cross_section_fits_no_second_set_of_models(counted, store_url, russia) -> None:
    section = cross_section(russia, store_url, None, settings=SMALL).to_dict()
    assert counted["n"] == 1  # only the fixture's fit: the verdict's models live in the audit
    assert "weights" not in section and "models" not in section
    titles = [t["title"] for t in section["tables"]]
    assert any("QCA per theory" in t for t in titles)
    assert any("casus audit" in line for line in section["lines"])
    for table in section["tables"]:
        assert all(len(row) == len(table["columns"]) for row in table["rows"])
    qca = {q["theory"]: q for q in section["qca"]}
    assert set(qca) == set(russia.theory_ids)
    influence = qca["influence"]
    assert "expected" in influence and 0 <= influence["expected"]["inclS"] <= 1
    assert influence["expected"]["n"] == len(influence["expected"]["cases"])


@pytest.mark.slow
def test_cli_second_run_says_cached(counted, store_url, tmp_path: Path) -> None:
    from casusbelli.cli import app

    svg = tmp_path / "cmp.svg"
    result = CliRunner().invoke(app, ["compare", "--db", store_url, "--draws", "100",
                                      "--plot", str(svg)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "read from the model cache" in result.stdout
    assert "base rate" in result.stdout
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert counted["n"] == 1


def test_cli_rejects_an_unknown_plot_format(store_url) -> None:
    from casusbelli.cli import app

    result = CliRunner().invoke(app, ["compare", "--db", store_url, "--plot", "out.gif"])
    assert result.exit_code == 1
    assert "--plot: cannot save a plot as '.gif'" in result.output


def test_cache_key_changes_with_content_and_settings() -> None:
    a = cache_key("h1", "e", {"draws": 1})
    assert a == cache_key("h1", "e", {"draws": 1})
    assert a != cache_key("h2", "e", {"draws": 1})
    assert a != cache_key("h1", "e", {"draws": 2})


@pytest.mark.slow  # the `counted` fixture samples PyMC models
def test_cache_is_kept_across_builds_and_can_be_cleared(counted, store_url, russia) -> None:
    build_store(russia, store_url, force=True)  # a rebuild replaces compiled tables only
    store = Store(store_url)
    assert store.has_table(MODEL_CACHE.name)
    key = cache_key(russia.content_hash, weights_module.ENGINE,
                    weights_module._settings_key(SMALL, russia.theory_ids))
    assert read_cache(store, key) is not None
    assert clear_cache(store, engine="nothing-else") == 0


def test_no_cache_table_means_no_cache(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    store = Store(url)
    assert read_cache(store, "k") is None
    assert clear_cache(store) == 0
