"""A process that uses a store beside others (tests/store/test_concurrency.py starts several).

Usage: ``python -m tests.store.concurrency_worker MODE URL ...`` with ``src`` and the repository
on ``PYTHONPATH``. Every mode prints one JSON document per line on stdout.

``build URL MIN STOP WS...``
    Rebuild the store (``force=True``) from each workspace in turn, 0.3 s apart, at least
    ``MIN`` times and until the file ``STOP`` exists; touches ``STOP.started`` after the first
    build.
``issue URL N WS``
    ``casus issue`` ``N`` times (the library call), printing the ids of each run.
``edit URL N WS``
    ``N`` ACH edits of one cell through :func:`casusbelli.store.webstate.save_edit`, each based
    on the version the previous one saved.
``build-once URL GO WS``
    Wait for the file ``GO``, then build once (no force) and print whether it was skipped.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _out(doc: object) -> None:
    print(json.dumps(doc), flush=True)


def main(argv: list[str]) -> None:
    from casusbelli.analysis.measured import load_workspace

    mode, url = argv[0], argv[1]
    if mode == "build":
        from casusbelli.store.build import build_store

        minimum, stop = int(argv[2]), Path(argv[3])
        wss = [load_workspace(p) for p in argv[4:]]
        n = 0
        while n < minimum or not stop.exists():
            report = build_store(wss[n % len(wss)], url, force=True)
            n += 1
            _out({"build": n, "skipped": report.skipped})
            if n == 1:
                stop.with_name(stop.name + ".started").touch()
            time.sleep(0.3)  # leave the other processes some CPU on a small machine
    elif mode == "issue":
        from casusbelli.analysis.forecast_ops import issue_forecasts

        ws = load_workspace(argv[3])
        for _ in range(int(argv[2])):
            report = issue_forecasts(ws, url)
            _out({"issued": [f.to_dict() for f in report.issued]})
    elif mode == "edit":
        from casusbelli.store.db import Store
        from casusbelli.store.webstate import save_edit

        ws = load_workspace(argv[3])
        case_id, ev = next((c, e) for c, e in ws.evidence.items() if e.items)
        store = Store(url)
        store.migrate()
        version = 0
        for i in range(int(argv[2])):
            edit = save_edit(store, ws, case_id=case_id, item_id=ev.items[0].id,
                             field="credibility", value=("low", "high")[i % 2],
                             version=version, actor="worker")
            version = edit.version
        store.dispose()
        _out({"case": case_id, "item": ev.items[0].id, "version": version})
    elif mode == "build-once":
        from casusbelli.store.build import build_store

        go = Path(argv[2])
        ws = load_workspace(argv[3])
        while not go.exists():
            time.sleep(0.01)
        _out({"skipped": build_store(ws, url).skipped})
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
