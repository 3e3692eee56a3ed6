"""Compatibility re-export: the forecast operations moved to :mod:`casusbelli.analysis.forecasts`.

Only :mod:`casusbelli.forecast.section` still imports this path; the typed-analysis branch moves
that file into ``analysis/``, and the lead deletes this module at that merge (``forecast/``
must not import ``analysis/``; ``tests/test_layers.py`` names it as a temporary exception).
"""

from casusbelli.analysis.forecasts import *  # noqa: F403
from casusbelli.analysis.forecasts import __all__  # noqa: F401
