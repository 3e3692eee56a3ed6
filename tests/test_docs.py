"""Docs cannot go stale: generated references are current and every command is documented."""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
gen_reference = importlib.import_module("gen_reference")


def test_cli_reference_is_current():
    text = (REPO / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    assert text == gen_reference.cli_reference() + "\n", "run python scripts/gen_reference.py"


def test_workspace_format_reference_is_current():
    text = (REPO / "docs" / "reference" / "workspace-format.md").read_text(encoding="utf-8")
    assert text == gen_reference.format_reference() + "\n", "run python scripts/gen_reference.py"


@pytest.mark.parametrize("path", [p for p, _ in gen_reference.commands()],
                         ids=lambda p: " ".join(p))
def test_every_command_has_help_text(path):
    cmd = dict(gen_reference.commands())[path]
    assert (cmd.help or cmd.short_help or "").strip(), f"casus {' '.join(path)} has no help"


def test_codebook_documents_every_indicator():
    from casusbelli.workspace import load_workspace

    text = (REPO / "docs" / "codebook.md").read_text(encoding="utf-8")
    for ind in load_workspace().indicators:
        assert f"`{ind}`" in text, f"docs/codebook.md lacks {ind}: run scripts/gen_codebook.py"


def test_readme_opens_with_the_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block is not None
    lines = [ln for ln in block.group(1).splitlines() if ln.strip()]
    assert len(lines) == 2
    assert lines[0].endswith("casus analyze")
    test_cmd = lines[1].split("&& ")[-1]
    assert test_cmd in (REPO / ".ci" / "run").read_text(encoding="utf-8")
