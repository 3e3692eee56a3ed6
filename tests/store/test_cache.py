"""The store's model cache (store/cache.py): several processes caching the same key at once
must all succeed (an upsert, not delete + insert), and pruning keeps only the newest entry."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from casusbelli.store.cache import MODEL_CACHE, read_cache, write_cache
from casusbelli.store.db import Store


def _store(request: pytest.FixtureRequest, tmp_path) -> Store:
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'casus.db'}")
    else:
        store = Store(request.getfixturevalue("pg_database"))
    store.migrate()
    return store


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path) -> Store:
    s = _store(request, tmp_path)
    yield s
    s.dispose()


def _write(store: Store, key: str, value: int, prune: bool = False) -> bool:
    return write_cache(store, key, engine="section:x", workspace="w", content_hash="h",
                       settings={"v": 1}, result={"value": value}, prune=prune)


def test_eight_writers_of_one_key_at_once_all_succeed(store: Store) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(i: int) -> None:
        try:
            start.wait()
            for _ in range(5):
                assert _write(store, "same-key", 7, prune=True)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    assert read_cache(store, "same-key") == {"value": 7}
    with store.atomic() as s:
        assert s.execute(select(func.count()).select_from(MODEL_CACHE)).scalar_one() == 1


def test_a_write_replaces_its_key_and_prune_drops_the_older_entries(store: Store) -> None:
    assert _write(store, "a", 1) and _write(store, "b", 2)
    assert _write(store, "a", 3)  # the same key again: replaced, not duplicated
    assert read_cache(store, "a") == {"value": 3} and read_cache(store, "b") == {"value": 2}
    assert _write(store, "c", 4, prune=True)
    assert read_cache(store, "a") is None and read_cache(store, "b") is None
    assert read_cache(store, "c") == {"value": 4}
