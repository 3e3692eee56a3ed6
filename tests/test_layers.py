"""The layers read as the data flow: workspace/store -> pure engines -> analysis -> report -> web/cli.

Every module of casusbelli is scanned with :mod:`ast`, with no file name skipped: every
``import`` and ``from ... import`` (module level, inside functions, under ``TYPE_CHECKING``;
relative imports resolved) and every ``importlib.import_module("casusbelli...")`` with a
literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PKG = REPO / "src" / "casusbelli"
ENGINES = ("within", "cross", "discourse", "forecast")

#: layer -> the casusbelli packages it must not import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **{e: ("store", "workspace", "web", "cli", "analysis", "report", "pipeline") for e in ENGINES},
    "workspace": (*ENGINES, "store", "web", "cli", "analysis", "report", "pipeline"),
    "store": (*ENGINES, "web", "cli", "analysis", "report", "pipeline"),
    "report": ("web", "cli"),
    "analysis": ("web", "cli", "report"),
    # neutral top-level modules that both the workspace and an engine use: no layer at all
    **{m: (*ENGINES, "store", "workspace", "web", "cli", "analysis", "report", "pipeline")
       for m in ("expression", "text")},
}

#: Named, temporary exceptions: (importing module, imported module). Each is a file another
#: branch moves or rewrites at the same time; the lead removes the entry at that merge.
TEMPORARY: dict[tuple[str, str], str] = {}

#: Engines stay free of the I/O and presentation frameworks.
ENGINE_THIRD_PARTY = (
    "sqlalchemy", "pydantic", "rich", "typer", "fastapi", "starlette", "jinja2", "click",
)


def _modules() -> list[Path]:
    return sorted(PKG.rglob("*.py"))


def _package(path: Path) -> list[str]:
    parts = ["casusbelli", *path.relative_to(PKG).with_suffix("").parts]
    return parts if path.name == "__init__.py" else parts[:-1]


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute dotted names), wherever the import statement is."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = [p for p in _package(path) if p != "__init__"]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[: len(pkg) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # ``from casusbelli import store`` imports the subpackage casusbelli.store
            found.update(f"{module}.{a.name}" for a in node.names if a.name != "*")
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and (getattr(node.func, "attr", None) == "import_module"
                   or getattr(node.func, "id", None) == "import_module")):
            found.add(node.args[0].value)
    return found


def _layer(path: Path) -> str:
    parts = path.relative_to(PKG).parts
    return parts[0] if len(parts) > 1 else path.stem


def _violations(path: Path) -> list[str]:
    rel = path.relative_to(PKG).as_posix()
    banned = FORBIDDEN.get(_layer(path), ())
    bad = []
    for module in sorted(imports_of(path)):
        parts = module.split(".")
        if parts[0] != "casusbelli" or len(parts) < 2 or parts[1] not in banned:
            continue
        if (rel, module) in TEMPORARY or (rel, ".".join(parts[:3])) in TEMPORARY:
            continue
        bad.append(module)
    return bad


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PKG).as_posix())
def test_module_imports_follow_the_layers(path):
    bad = _violations(path)
    assert not bad, f"{path.relative_to(PKG)} ({_layer(path)}) imports {bad}"


@pytest.mark.parametrize("path", [p for p in _modules() if _layer(p) in ENGINES],
                         ids=lambda p: p.relative_to(PKG).as_posix())
def test_engines_import_no_io_or_presentation_framework(path):
    bad = sorted(m for m in imports_of(path) if m.split(".")[0] in ENGINE_THIRD_PARTY)
    assert not bad, f"{path.relative_to(PKG)} imports {bad}"


#: Parameter names that mean "a workspace or a store": the orchestration layer's inputs.
IO_PARAMETERS = ("ws", "workspace", "store")


def io_parameters(path: Path) -> list[str]:
    """``function(parameter) on line N`` for every function or lambda of ``path`` with a
    parameter named in :data:`IO_PARAMETERS` (positional, keyword-only or ``*``/``**``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        a = node.args
        params = [*a.posonlyargs, *a.args, *a.kwonlyargs,
                  *(x for x in (a.vararg, a.kwarg) if x is not None)]
        name = getattr(node, "name", "<lambda>")
        found += [(node.lineno, f"{name}({p.arg}) on line {node.lineno}") for p in params
                  if p.arg in IO_PARAMETERS]
    return [text for _, text in sorted(found)]


@pytest.mark.parametrize("path", [p for p in _modules() if _layer(p) in ENGINES],
                         ids=lambda p: p.relative_to(PKG).as_posix())
def test_engines_take_no_workspace_or_store(path):
    """Engines take NumPy/pandas and plain values; turning a workspace or a store into those is
    the orchestration layer's job (analysis/)."""
    bad = io_parameters(path)
    assert not bad, (f"{path.relative_to(PKG)} is an engine module but takes a workspace or a "
                     f"store: {bad}; move the function to analysis/ and pass it plain values")


def test_io_parameter_scan_sees_every_kind_of_parameter(tmp_path):
    f = tmp_path / "demo.py"
    f.write_text(
        "def pure(counts, *, frames=None):\n    return counts\n"
        "def a(ws):\n    pass\n"
        "class C:\n    async def b(self, /, *, store=None):\n        pass\n"
        "g = lambda workspace: workspace\n",
        encoding="utf-8",
    )
    assert io_parameters(f) == ["a(ws) on line 3", "b(store) on line 6",
                                "<lambda>(workspace) on line 8"]


def _stale(entries) -> list[tuple[str, str]]:
    """The exceptions whose importing module no longer makes the import."""
    return [(rel, mod) for rel, mod in entries
            if (PKG / rel).exists() and mod not in imports_of(PKG / rel)]


def test_temporary_exceptions_are_still_needed():
    """An exception whose import is gone must be deleted, so the list only shrinks."""
    stale = _stale(TEMPORARY)
    assert not stale, f"remove these entries from TEMPORARY: {stale}"


def test_an_exception_whose_import_is_gone_is_reported_stale():
    kept = ("analysis/measured.py", "casusbelli.workspace.load")  # imported there today
    gone = ("analysis/measured.py", "casusbelli.web.app")
    assert _stale([kept, gone]) == [gone]


def test_scan_sees_function_level_relative_and_importlib_imports(tmp_path):
    pkg = tmp_path / "src" / "casusbelli" / "cross"
    pkg.mkdir(parents=True)
    f = pkg / "demo.py"
    f.write_text(
        "import importlib\n"
        "def f():\n"
        "    from ..store import db\n"
        "    from casusbelli import workspace\n"
        "    importlib.import_module('casusbelli.web.app')\n",
        encoding="utf-8",
    )
    global PKG
    saved, PKG = PKG, tmp_path / "src" / "casusbelli"
    try:
        found = imports_of(f)
        assert {"casusbelli.store", "casusbelli.store.db", "casusbelli.workspace",
                "casusbelli.web.app"} <= found
        assert _violations(f) == ["casusbelli.store", "casusbelli.store.db",
                                  "casusbelli.web.app", "casusbelli.workspace"]
    finally:
        PKG = saved


@pytest.mark.parametrize("path", sorted(p for p in PKG.rglob("*.py") if "cli" not in p.parts
                                        and "scripts" not in p.parts),
                         ids=lambda p: str(p.relative_to(PKG)))
def test_library_never_prints(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Name) and n.func.id == "print"]
    assert not calls, f"{path.name} calls print() on line {calls[0].lineno}"


#: Issue #14: no module over this many lines (split by concept instead).
MAX_MODULE_LINES = 600


def test_no_module_is_longer_than_the_limit():
    long = {str(p.relative_to(PKG)): n for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, long
