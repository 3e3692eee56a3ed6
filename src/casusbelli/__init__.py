"""casusbelli: make an argument about why a state goes to war, and what it will do next, testable.

The public Python API mirrors the ``casus`` command line::

    import casusbelli
    ws = casusbelli.load_workspace()      # the built-in "russia" workspace
    result = casusbelli.analyze()         # what `casus analyze` prints
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "analyze",
    "build_store",
    "load_workspace",
    "open_store",
    "validate_workspace",
]

if TYPE_CHECKING:  # pragma: no cover
    from casusbelli.analysis.measured import load_workspace, validate_workspace
    from casusbelli.pipeline import analyze
    from casusbelli.store import build_store, open_store

_LAZY = {
    "analyze": "casusbelli.pipeline",
    "build_store": "casusbelli.store",
    "open_store": "casusbelli.store",
    # loads and fills in measured indicators, as every command does
    "load_workspace": "casusbelli.analysis.measured",
    "validate_workspace": "casusbelli.analysis.measured",
}


def __getattr__(name: str) -> Any:
    """Import the public functions on first use, so ``import casusbelli`` stays light."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'casusbelli' has no attribute {name!r}")
