"""Moved to :mod:`casusbelli.analysis.forecasts` (the orchestration layer); re-exported here."""

from casusbelli.analysis.forecasts import ForecastSection, forecast_section

__all__ = ["ForecastSection", "forecast_section"]
