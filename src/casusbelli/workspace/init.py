"""Create a new workspace: a commented template, or a copy of a built-in one."""

from __future__ import annotations

import shutil
from pathlib import Path

from casusbelli.errors import WorkspaceError
from casusbelli.workspace.load import builtin_path, iter_files

__all__ = ["TEMPLATE", "init_workspace"]

TEMPLATE: dict[str, str] = {
    "casus.toml": '''# A casusbelli workspace. Every file here is plain text: keep it under version control.
[workspace]
name = "my-workspace"
description = "Why does <actor> intervene militarily? Rival explanations tested on coded cases."
# Theories analysed by default, in display order (ids are file stems in theories/).
theories = ["opportunism", "insecurity"]
# The outcome indicator (in indicators.yaml).
outcome = "INTERVENTION"

# Prior weight of each theory (normalised); leave out for a flat prior.
[prior]
opportunism = 1
insecurity = 1
''',
    "indicators.yaml": '''# Every case codes every indicator as a membership in [0, 1], or null when unknown.
indicators:
  - id: opening
    label: Opening in the target
    theory: opportunism
    description: A power vacuum or sudden weakness in the target.
    guide: |
      1: the target state has collapsed. 0.67: acute crisis. 0.33: strain. 0: stable.
  - id: neighbour_revolution
    label: Revolution next door
    theory: insecurity
    description: A popular uprising in the target or a neighbour shortly before the decision.
    guide: |
      1: an uprising overthrew the government. 0.67: mass protest. 0.33: protest nearby. 0: none.
  - id: INTERVENTION
    label: Military intervention
    theory: outcome
    kind: crisp
    description: 1 for interventions, 0 for negative cases.
''',
    "sources.yaml": '''# Bibliography, CSL-JSON field names (import with `casus sources import refs.bib`).
- id: example2020
  type: book
  title: Replace me with a real, checked reference
  author:
    - {family: Doe, given: Jane}
  issued: {date-parts: [[2020]]}
''',
    "theories/opportunism.yaml": '''name: Geopolitical opportunism
summary: Intervene when a cheap, valuable opening appears.
implications:
  - {indicator: opening, expect: high}
predictions:
  - Interventions follow openings.
paths: opening
''',
    "theories/insecurity.yaml": '''name: Regime insecurity
summary: Intervene to pre-empt unrest spreading home.
implications:
  - {indicator: neighbour_revolution, expect: high}
predictions:
  - Interventions follow revolutions next door.
paths: neighbour_revolution
''',
    "cases/example-case.yaml": '''# A case's id is its file name (example-case). Use kind: negative for crises
# where intervention was possible and did not happen.
name: Example case
actor: Example state
target: Example target
start: 2000-01
end: 2000-06
kind: intervention
summary: Replace with a sourced summary.
codings:
  opening:
    value: 0.67
    rationale: Why this value, in one line.
    sources: [{source: example2020, locator: "p. 1"}]
  neighbour_revolution:
    value: null
    rationale: "unknown: the sources consulted do not settle it"
    sources: [{source: example2020}]
  INTERVENTION:
    value: 1
    rationale: The case is an intervention.
    sources: [{source: example2020}]
''',
}


def init_workspace(dest: Path, from_builtin: str | None = None) -> list[Path]:
    """Create a workspace at ``dest`` (which must not exist or be empty); return its files."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise WorkspaceError(f"folder is not empty: {dest}", hint="choose a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if from_builtin:
        src = builtin_path(from_builtin)
        for p in iter_files(src):
            rel_path = p.relative_to(src)
            (dest / rel_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest / rel_path)
            written.append(dest / rel_path)
        return written
    for rel, text in TEMPLATE.items():
        p = dest / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        written.append(p)
    for folder in ("evidence", "questions", "frames"):
        (dest / folder).mkdir(exist_ok=True)
    return written
