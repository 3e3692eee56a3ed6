"""The files of a workspace, read and schema-checked, before references across files are
checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casusbelli.workspace.models import (
    Case,
    EvidenceSet,
    Frame,
    Indicator,
    Question,
    Signpost,
    Source,
    SourceRef,
    Theory,
    WorkspaceConfig,
)
from casusbelli.workspace.validate.collect import Collector
from casusbelli.workspace.validate.files import Origins
from casusbelli.workspace.validate.locators import check_post_locator
from casusbelli.workspace.yamlio import Marks

__all__ = ["Parsed"]

#: id -> (file relative to the workspace, its line marks)
Docs = dict[str, tuple[str, Marks]]


@dataclass
class Parsed:
    """What each per-kind validator reads and fills; ``col`` gathers every problem."""

    root: Path
    col: Collector
    files: list[Path] = field(default_factory=list)
    origins: Origins = field(default_factory=dict)
    config: WorkspaceConfig | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    indicator_marks: Marks | None = None
    theories: dict[str, Theory] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    evidence: dict[str, EvidenceSet] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    frames: dict[str, Frame] = field(default_factory=dict)
    signposts: dict[str, Signpost] = field(default_factory=dict)
    #: kind -> id -> (file, marks), for locating problems found across files
    docs: dict[str, Docs] = field(default_factory=dict)

    def check_ref(self, ref: SourceRef, rel: str, marks: Marks | None,
                  loc: tuple[Any, ...]) -> None:
        """Report ``ref`` at ``loc`` when it cites a source that ``sources.yaml`` lacks, or
        a post that the cited thread does not have."""
        if ref.source not in self.sources:
            self.col.unknown(rel, marks, loc + ("source",), "source", ref.source, self.sources)
        elif ref.locator and (problem := check_post_locator(ref.locator, self.sources[ref.source])):
            self.col.add_at(rel, marks, loc + ("locator",), problem, "schema")
