"""How every ``casus`` command finds its workspace (issue #15, item 5), and what it prints on
stderr besides: the built-in workspace note, progress lines, third-party warnings."""

from __future__ import annotations

import json
import warnings

import pytest
from typer.testing import CliRunner

from casusbelli.cli import app, state, workspace_path
from tests.conftest import MINI_FILES

runner = CliRunner()
NOTE = "using the built-in workspace 'russia'"
RUSSIA_THEORIES = {"influence", "insecurity", "legacy", "opportunism"}


@pytest.fixture(autouse=True)
def _clean_env(tmp_path, monkeypatch):
    monkeypatch.setenv("CASUS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CASUS_DB", raising=False)
    monkeypatch.delenv("CASUS_WORKSPACE", raising=False)


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """An empty folder with no casus.toml in it or above it, as the current directory."""
    d = tmp_path / "elsewhere"
    d.mkdir()
    assert not any((p / "casus.toml").exists() for p in (d, *d.parents))
    monkeypatch.chdir(d)
    return d


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def theory_ids(r) -> set[str]:
    assert r.exit_code == 0, r.output
    return {t["id"] for t in json.loads(r.stdout)}


def test_inside_the_workspace_folder_with_no_argument(make_workspace, monkeypatch):
    monkeypatch.chdir(make_workspace())
    r = invoke("theories", "--json")
    assert theory_ids(r) == {"alpha", "beta"}
    assert NOTE not in r.stderr


def test_from_a_subfolder_the_nearest_casus_toml_upward(make_workspace, monkeypatch):
    root = make_workspace()
    (root / "notes" / "deep").mkdir(parents=True)
    monkeypatch.chdir(root / "notes" / "deep")
    assert theory_ids(invoke("theories", "--json")) == {"alpha", "beta"}
    r = invoke("cases", "--json")
    assert [c["id"] for c in json.loads(r.stdout)] == ["one", "two"]


def test_casus_workspace_environment_variable(make_workspace, monkeypatch, nowhere):
    monkeypatch.setenv("CASUS_WORKSPACE", str(make_workspace()))
    r = invoke("theories", "--json")
    assert theory_ids(r) == {"alpha", "beta"} and NOTE not in r.stderr


def test_casus_workspace_naming_no_folder_is_an_error(monkeypatch, nowhere):
    monkeypatch.setenv("CASUS_WORKSPACE", str(nowhere / "missing"))
    r = invoke("theories")
    assert r.exit_code == 1
    assert "$CASUS_WORKSPACE names no workspace" in r.stderr


def test_dash_w_beats_the_environment_and_the_current_folder(make_workspace, monkeypatch):
    here = make_workspace(name="here")
    toml = MINI_FILES["casus.toml"].replace('name = "mini"', 'name = "other"')
    other = make_workspace({"casus.toml": toml}, name="other")
    monkeypatch.chdir(here)
    monkeypatch.setenv("CASUS_WORKSPACE", str(here))
    for opt in ("-w", "--workspace"):
        r = invoke("validate", opt, str(other))
        assert r.exit_code == 0 and "OK other:" in r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("theories", "--json"),
        ("indicators", "--json"),
        ("cases", "--json"),
        ("sources", "list", "--json"),
        ("validate", "--json"),
        ("evaluate", "--json"),
        ("show", "one", "--json"),
        ("forecast", "--json"),
    ],
)
def test_every_command_takes_dash_w(args, make_workspace, nowhere):
    r = invoke(*args, "-w", str(make_workspace()))
    assert r.exit_code == 0, r.output
    assert NOTE not in r.stderr


def test_positional_workspace_still_works(make_workspace, nowhere):
    assert theory_ids(invoke("theories", str(make_workspace()), "--json")) == {"alpha", "beta"}


def test_nothing_found_uses_the_builtin_and_says_so_once(nowhere):
    r = invoke("theories", "--json")
    assert theory_ids(r) == RUSSIA_THEORIES
    assert r.stderr.count(NOTE) == 1
    # per invocation: the next run says it again, once
    r = invoke("cases", "--json")
    assert r.exit_code == 0 and r.stderr.count(NOTE) == 1


def test_the_note_is_said_once_per_invocation_however_often_resolved(nowhere, capsys):
    state.builtin_noted = False  # what the root command does at the start of a run
    first = workspace_path(None)
    assert workspace_path(None, None) == first
    assert capsys.readouterr().err.count(NOTE) == 1


def test_unknown_theory_names_the_workspace(make_workspace, monkeypatch):
    monkeypatch.chdir(make_workspace())
    r = invoke("qca", "--theory", "security")
    assert r.exit_code == 1
    assert "unknown theory id 'security' in workspace 'mini'" in r.stderr
    assert "alpha, beta" in r.stderr
    r = invoke("evaluate", "--theory", "security")
    assert r.exit_code == 1 and "in workspace 'mini'" in r.stderr


def test_unknown_case_and_missing_evidence_name_the_workspace(make_workspace, monkeypatch):
    monkeypatch.chdir(make_workspace())
    r = invoke("show", "syria-2019")
    assert r.exit_code == 1 and "unknown case id 'syria-2019' in workspace 'mini'" in r.stderr
    r = invoke("trace", "two")
    assert r.exit_code == 1 and "no evidence for case 'two' in workspace 'mini'" in r.stderr


def test_show_accepts_several_cases(make_workspace, monkeypatch):
    monkeypatch.chdir(make_workspace())
    r = invoke("show", "one", "two", "--json")
    assert r.exit_code == 0, r.output
    assert [d["id"] for d in json.loads(r.stdout)] == ["one", "two"]
    r = invoke("show", "one", "two")
    assert r.exit_code == 0 and "Case one" in r.stdout and "Case two" in r.stdout
    # one case keeps its single-object JSON
    assert json.loads(invoke("show", "one", "--json").stdout)["id"] == "one"


BIB = """@book{smith2001,
  author = {Smith, John},
  title = {A Book},
  year = {2001},
  publisher = {Press}
}
"""


def test_sources_import_finds_the_workspace_upward(make_workspace, monkeypatch, tmp_path):
    root = make_workspace()
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    (root / "sub").mkdir()
    monkeypatch.chdir(root / "sub")
    r = invoke("sources", "import", str(bib))
    assert r.exit_code == 0, r.output
    assert "smith2001" in (root / "sources.yaml").read_text(encoding="utf-8")
    assert not (root / "sub" / "sources.yaml").exists()


def test_sources_import_refuses_the_builtin_workspace(nowhere, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    r = invoke("sources", "import", str(bib))
    assert r.exit_code == 1 and "read-only" in r.stderr
    assert not (nowhere / "sources.yaml").exists()


# --------------------------------------------------------------------------- progress
def test_piped_progress_is_one_line_per_step(make_workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(make_workspace())
    db = f"sqlite:///{tmp_path / 'p.db'}"
    r = invoke("build", "--db", db)
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("building: ")]
    assert lines, r.stderr
    assert len(lines) == len(set(lines))  # each step once
    assert any("table " in ln for ln in lines)


def test_quiet_silences_progress(make_workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(make_workspace())
    r = invoke("--quiet", "build", "--db", f"sqlite:///{tmp_path / 'q.db'}")
    assert r.exit_code == 0, r.output
    assert "building" not in r.stderr


# --------------------------------------------------------------------------- warnings
ARVIZ = ("\nArviZ is undergoing a major refactor to improve flexibility and extensibility "
         "while maintaining a user-friendly interface.")


@pytest.mark.parametrize("verbose", [False, True])
def test_third_party_warnings_hidden_unless_verbose(make_workspace, verbose):
    root = str(make_workspace())
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        r = invoke(*(["-v"] if verbose else []), "theories", root, "--json")
        assert r.exit_code == 0
        warnings.warn(ARVIZ, FutureWarning, stacklevel=1)
        warnings.warn("a warning of our own", UserWarning, stacklevel=1)
    texts = [str(w.message) for w in seen]
    assert "a warning of our own" in texts
    assert (ARVIZ in texts) is verbose
