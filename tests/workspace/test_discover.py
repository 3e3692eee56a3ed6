"""``discover_workspace``: argument, then $CASUS_WORKSPACE, then casus.toml upward, then the
built-in workspace."""

from __future__ import annotations

import pytest

from casusbelli.errors import WorkspaceError
from casusbelli.workspace import builtin_path, discover_workspace


def test_order_argument_env_upward_builtin(make_workspace, tmp_path):
    arg = make_workspace(name="arg")
    env = make_workspace(name="env")
    up = make_workspace(name="up")
    deep = up / "a" / "b"
    deep.mkdir(parents=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    environ = {"CASUS_WORKSPACE": str(env)}
    assert discover_workspace(arg, cwd=deep, environ=environ).path == arg
    found = discover_workspace(None, cwd=deep, environ=environ)
    assert (found.path, found.how) == (env, "env")
    found = discover_workspace(None, cwd=deep, environ={})
    assert (found.path, found.how) == (up.resolve(), "cwd")
    found = discover_workspace(None, cwd=empty, environ={"CASUS_WORKSPACE": ""})
    assert found.builtin and found.path == builtin_path("russia")


def test_a_folder_named_casus_toml_is_not_a_workspace(tmp_path):
    (tmp_path / "w" / "casus.toml").mkdir(parents=True)
    assert discover_workspace(None, cwd=tmp_path / "w", environ={}).builtin


def test_bad_explicit_choices_are_errors(tmp_path):
    with pytest.raises(WorkspaceError, match="workspace folder not found"):
        discover_workspace(tmp_path / "nope", environ={})
    with pytest.raises(WorkspaceError, match=r"\$CASUS_WORKSPACE names no workspace"):
        discover_workspace(None, cwd=tmp_path, environ={"CASUS_WORKSPACE": str(tmp_path / "x")})
