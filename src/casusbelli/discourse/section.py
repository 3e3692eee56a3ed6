"""Moved to :mod:`casusbelli.analysis.discourse` (the orchestration layer); re-exported here."""

from casusbelli.analysis.discourse import DiscourseSection, FrameRate, discourse_section

__all__ = ["DiscourseSection", "FrameRate", "discourse_section"]
