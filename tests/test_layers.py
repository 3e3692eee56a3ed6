"""The maths stays pure: engines import neither SQLAlchemy nor pydantic and never print."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

PKG = REPO / "src" / "casusbelli"
PURE = [
    *sorted((PKG / "within").glob("*.py")),
    *sorted((PKG / "cross").glob("*.py")),
    PKG / "discourse" / "rates.py",
    PKG / "forecast" / "scoring.py",
]
ADAPTERS = {"section.py", "models.py", "weights.py", "service.py"}  # I/O edges of a subpackage
FORBIDDEN = ("sqlalchemy", "pydantic", "rich", "typer", "fastapi")


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("path", [p for p in PURE if p.exists() and p.name not in ADAPTERS],
                         ids=lambda p: str(p.relative_to(PKG)))
def test_pure_modules_import_no_io_frameworks(path):
    bad = [m for m in _imports(path) if m.split(".")[0] in FORBIDDEN]
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", sorted(p for p in PKG.rglob("*.py") if "cli" not in p.parts
                                        and "scripts" not in p.parts),
                         ids=lambda p: str(p.relative_to(PKG)))
def test_library_never_prints(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Name) and n.func.id == "print"]
    assert not calls, f"{path.name} calls print() on line {calls[0].lineno}"
