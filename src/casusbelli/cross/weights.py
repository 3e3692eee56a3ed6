"""Compatibility re-export: the workspace/store glue of the theory weights moved to
:mod:`casusbelli.analysis.weights`.

Only :mod:`casusbelli.cross.section` still imports this path; the typed-analysis branch moves
that file into ``analysis/``, and the lead deletes this module at that merge (``cross/`` must
not import ``analysis/``; ``tests/test_layers.py`` names it as a temporary exception).
"""

from casusbelli.analysis.weights import *  # noqa: F403
from casusbelli.analysis.weights import __all__  # noqa: F401
