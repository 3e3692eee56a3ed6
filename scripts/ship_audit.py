"""Compute the built-in workspace's audit with the default settings and ship it in the package.

``casus analyze`` and ``casus audit`` read the shipped audit when its key (workspace content
hash, audit settings, theories, the source of every engine module, and the NumPy, SciPy and
ArviZ versions) matches, so a first run
on a fresh machine need not fit several hundred models. ``tests/analysis/test_shipped.py``
fails when the shipped audit is stale or differs from a fresh computation.

Usage: python scripts/ship_audit.py
"""

from __future__ import annotations

from casusbelli.analysis.audit import AuditSettings, run_audit, write_shipped
from casusbelli.analysis.measured import load_workspace


def main() -> None:
    ws = load_workspace()
    st = AuditSettings()
    result = run_audit(ws, settings=st, theories=ws.theory_ids)
    path = write_shipped(ws, result, st, ws.theory_ids)
    print(f"wrote {path} ({result.seconds:.1f} s, {len(result.checks)} checks)")


if __name__ == "__main__":
    main()
