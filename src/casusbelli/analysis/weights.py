"""Theory weights from the per-theory Bayesian models, for a workspace, cached in the store.

:func:`theory_matrices` turns a workspace into the arrays :func:`casusbelli.cross.models.
compare_models` takes (an unknown coding, ``None``, becomes ``NaN``, which the models treat
as a latent variable; a case whose *outcome* is unknown is left out of every model and named
in the notes). :func:`compare_workspace` fits the models, or reads them back from the store's
model cache when the workspace content and the settings are unchanged. :func:`weights` only
reads the cache: other engines (forecast ensembles) call it without ever starting a sampler.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from casusbelli.cross.models import Comparison, ModelSettings, compare_models
from casusbelli.errors import AnalysisError
from casusbelli.workspace.load import Workspace

__all__ = ["ENGINE", "TheoryMatrices", "compare_workspace", "theory_matrices", "weights"]

Progress = Callable[[int, "int | None", str], None]

#: Engine name in the model cache.
ENGINE = "theory-models"


@dataclass(frozen=True)
class TheoryMatrices:
    """A workspace's cases as arrays: outcome, and per theory its indicator matrix."""

    cases: tuple[str, ...]
    outcome: np.ndarray
    indicators: dict[str, tuple[str, ...]]
    data: dict[str, np.ndarray]
    dropped: tuple[str, ...]


def theory_matrices(ws: Workspace, theories: Sequence[str] | None = None) -> TheoryMatrices:
    """The outcome vector and each theory's case x predictor matrix (``NaN`` = unknown).

    A theory's columns are its cross-case predictors (:meth:`Workspace.predictors_of`):
    indicators observable before the decision and codeable for every case.

    Cases whose outcome is unknown are dropped (and listed in ``dropped``); a coding that is
    absent or ``null`` is ``NaN``.

    Raises
    ------
    AnalysisError
        Unknown theory id, a theory with no indicators, or fewer than two known outcomes.
    """
    ids = list(theories) if theories is not None else ws.theory_ids
    for tid in ids:
        if tid not in ws.theories:
            raise AnalysisError(f"unknown theory {tid!r} in workspace {ws.name!r}", field="theory",
                                hint=f"theories: {', '.join(ws.theory_ids)}")
    outcome = ws.outcome
    keep: list[str] = []
    dropped: list[str] = []
    y: list[float] = []
    for cid, case in ws.cases.items():
        coding = case.codings.get(outcome)
        if coding is None or coding.value is None:
            dropped.append(cid)
            continue
        keep.append(cid)
        y.append(float(coding.value))
    indicators: dict[str, tuple[str, ...]] = {}
    data: dict[str, np.ndarray] = {}
    for tid in ids:
        own = tuple(ind for ind, _ in ws.predictors_of(tid))
        if not own:
            raise AnalysisError(
                f"theory {tid!r} has no cross-case predictor; it cannot be modelled",
                field=tid,
                hint="give the theory an indicator observable before the decision and "
                "codeable for every case (timing: before, applies: all)")
        x = np.full((len(keep), len(own)), np.nan)
        for i, cid in enumerate(keep):
            codings = ws.cases[cid].codings
            for j, ind in enumerate(own):
                c = codings.get(ind)
                if c is not None and c.value is not None:
                    x[i, j] = float(c.value)
        indicators[tid] = own
        data[tid] = x
    return TheoryMatrices(tuple(keep), np.asarray(y), indicators, data, tuple(dropped))


def _settings_key(settings: ModelSettings, theories: Sequence[str]) -> dict[str, object]:
    return {**settings.to_dict(), "theories": list(theories)}


def compare_workspace(
    ws: Workspace,
    store_url: str | None = None,
    *,
    settings: ModelSettings | None = None,
    theories: Sequence[str] | None = None,
    refresh: bool = False,
    progress: Progress | None = None,
) -> Comparison:
    """Fit (or read from the cache) every theory's model and the base-rate model.

    Parameters
    ----------
    ws
        A loaded workspace.
    store_url
        A built store; its model cache is read first and written after fitting. ``None``:
        no cache.
    settings
        Sampling settings (part of the cache key, with the workspace content hash).
    theories
        Theory ids (default: the workspace's default theories).
    refresh
        Fit again even when the cache holds a result.
    progress
        Callback ``(advance, total, label)``.

    Returns
    -------
    Comparison
        ``cached`` is ``True`` when it was read from the store.
    """
    settings = settings or ModelSettings()
    ids = list(theories) if theories is not None else ws.theory_ids
    store = None
    key = ""
    if store_url is not None:
        from casusbelli.store.cache import cache_key, read_cache
        from casusbelli.store.db import Store

        store = Store(store_url)
        key = cache_key(ws.content_hash, ENGINE, _settings_key(settings, ids))
        if not refresh:
            hit = read_cache(store, key)
            if hit is not None:
                if progress:
                    progress(len(ids) + 1, len(ids) + 1, "models read from the cache")
                return Comparison.from_dict(hit, cached=True)
    m = theory_matrices(ws, ids)
    result = compare_models(
        m.data, m.outcome, indicators=m.indicators, cases=m.cases, settings=settings,
        rng=np.random.default_rng(settings.seed), progress=progress,
    )
    if m.dropped:
        result = replace(result, notes=(
            *result.notes,
            f"left out (outcome unknown): {', '.join(m.dropped)}",
        ))
    if store is not None:
        from casusbelli.store.cache import write_cache

        write_cache(store, key, engine=ENGINE, workspace=ws.name, content_hash=ws.content_hash,
                    settings=_settings_key(settings, ids), result=result.to_dict())
    return result


def weights(
    ws: Workspace, store_url: str, *, settings: ModelSettings | None = None,
    theories: Sequence[str] | None = None,
) -> dict[str, float] | None:
    """Stacking weights of the theories from the model cache, or ``None`` if not computed.

    Never samples: run ``casus compare`` or ``casus analyze`` first. The weights sum to 1
    over the theories (the base-rate model is left out of them).
    """
    from casusbelli.store.cache import cache_key, read_cache
    from casusbelli.store.db import Store

    settings = settings or ModelSettings()
    ids = list(theories) if theories is not None else ws.theory_ids
    key = cache_key(ws.content_hash, ENGINE, _settings_key(settings, ids))
    hit = read_cache(Store(store_url), key)
    if hit is None:
        return None
    return {str(k): float(v) for k, v in hit["weights"].items()}
