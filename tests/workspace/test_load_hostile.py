"""Hostile workspace files give located errors, never a crash, a hang or a traceback.

Regression tests for the crafted files of issue #17 (F2): each must end in a located
``WorkspaceError`` problem within a few seconds. A hypothesis fuzz test then mutates real
workspace files and checks that loading one either succeeds or raises a ``CasusError``
naming the file. Its example count is ``CASUS_FUZZ_EXAMPLES`` (default 300; 10,000 when
``CI=true``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casusbelli.errors import CasusError, WorkspaceError
from casusbelli.workspace import builtin_path, load_file, load_workspace, validate_workspace
from casusbelli.workspace.init import TEMPLATE
from casusbelli.workspace.yamlio import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    MAX_SCALAR_CHARS,
    _FileProblem,
    read_text,
)
from tests.conftest import MINI_FILES, REPO

CASE = "cases/one.yaml"
CASE_TEXT = MINI_FILES[CASE]

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
)


def problems_of(make_workspace, overrides):
    root = make_workspace(overrides)
    ws, problems = validate_workspace(root)
    assert ws is None, "a hostile workspace must not load"
    return problems


def only(problems):
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# --------------------------------------------------------------------------- YAML content
@pytest.mark.timeout(5)
def test_key_with_a_tab_is_an_unknown_field_on_its_line(make_workspace):
    text = CASE_TEXT.replace("actor: X", "act\tor: X")
    problems = problems_of(make_workspace, {CASE: text})
    assert {p.file for p in problems} == {CASE}
    unknown = next(p for p in problems if p.message.startswith("unknown field"))
    assert (unknown.line, unknown.column, unknown.field) == (2, 1, "act\tor")
    assert unknown.message == "unknown field 'act\\tor' (did you mean 'actor'?)"


@pytest.mark.timeout(5)
def test_tab_indentation_is_invalid_yaml_on_its_line(make_workspace):
    text = CASE_TEXT.replace("  a: {value", "\ta: {value")
    p = only(problems_of(make_workspace, {CASE: text}))
    assert (p.file, p.line) == (CASE, 9)
    assert p.message == "invalid YAML: found character '\\t' that cannot start any token"


@pytest.mark.timeout(5)
def test_billion_laughs_is_refused_at_its_first_anchor(make_workspace):
    p = only(problems_of(make_workspace, {CASE: BILLION_LAUGHS}))
    assert (p.file, p.line, p.column) == (CASE, 1, 4)
    assert p.message.startswith("YAML anchor &a is not allowed in workspace files")


@pytest.mark.timeout(5)
def test_self_referencing_alias_is_refused(make_workspace):
    p = only(problems_of(make_workspace, {CASE: CASE_TEXT + "loop: &r [*r]\n"}))
    assert (p.file, p.line, p.column) == (CASE, 12, 7)
    assert p.message.startswith("YAML anchor &r is not allowed")


@pytest.mark.timeout(5)
def test_alias_without_anchor_is_refused(make_workspace):
    text = CASE_TEXT.replace("actor: X", "actor: *x")
    p = only(problems_of(make_workspace, {CASE: text}))
    assert (p.file, p.line, p.column) == (CASE, 2, 8)
    assert p.message == "YAML alias *x is not allowed in workspace files; write the value out"


@pytest.mark.timeout(5)
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 30_000, 1_000_000])
def test_deeply_nested_brackets_are_refused(make_workspace, depth):
    # 30,000 deep crashed the process (segmentation fault in the C composer)
    text = CASE_TEXT + "extra: " + "[" * depth + "]" * depth + "\n"
    p = only(problems_of(make_workspace, {CASE: text}))
    assert (p.file, p.line) == (CASE, 12)
    assert p.message == f"nested too deeply: more than {MAX_DEPTH} levels of mappings and lists"


@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    "nested",
    [
        "extra:\n  " + "- " * 200 + "x\n",  # block sequences, two bytes a level
        "extra: " + "{a: " * 200 + "1" + "}" * 200 + "\n",
        "extra:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 200)),
    ],
    ids=["compact-sequences", "flow-mappings", "indented-mappings"],
)
def test_deep_block_and_flow_nesting_is_refused(make_workspace, nested):
    p = only(problems_of(make_workspace, {CASE: CASE_TEXT + nested}))
    assert p.file == CASE and p.line is not None and p.line >= 12
    assert p.message.startswith("nested too deeply")


def test_nesting_at_the_limit_is_accepted_by_the_parser(make_workspace):
    # one level for the file's mapping, MAX_DEPTH - 1 for the list: parses, then fails its schema
    text = CASE_TEXT + "extra: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    p = only(problems_of(make_workspace, {CASE: text}))
    assert (p.file, p.line, p.field) == (CASE, 12, "extra")
    assert p.message.startswith("unknown field 'extra'")


@pytest.mark.timeout(5)
def test_five_thousand_digit_integer_is_refused(make_workspace):
    text = CASE_TEXT.replace("start: 2001-02-03", "start: " + "9" * 5_000)
    p = only(problems_of(make_workspace, {CASE: text}))
    assert (p.file, p.line, p.column) == (CASE, 4, 8)
    assert p.message == (
        f"number with 5,000 digits, over the limit of {MAX_INT_DIGITS}; quote it if it is text"
    )


@pytest.mark.timeout(5)
def test_explicitly_tagged_huge_integer_is_refused(make_workspace):
    text = CASE_TEXT.replace("actor: X", 'actor: !!int "' + "1" * 5_000 + '"')
    p = only(problems_of(make_workspace, {CASE: text}))
    assert (p.file, p.line) == (CASE, 2)
    assert p.message.startswith("number with 5,000 digits")


def test_long_quoted_digits_are_text(make_workspace):
    text = CASE_TEXT.replace("actor: X", 'actor: "' + "9" * 5_000 + '"')
    ws = load_workspace(make_workspace({CASE: text}))
    assert ws.cases["one"].actor == "9" * 5_000


@pytest.mark.timeout(5)
def test_overlong_scalar_is_refused(make_workspace):
    text = CASE_TEXT.replace("summary: First case.", "summary: " + "x" * (MAX_SCALAR_CHARS + 1))
    p = only(problems_of(make_workspace, {CASE: text}))
    assert (p.file, p.line, p.column) == (CASE, 7, 10)
    assert p.message == (
        f"value is {MAX_SCALAR_CHARS + 1:,} characters long, over the limit of "
        f"{MAX_SCALAR_CHARS:,}"
    )


@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!!python/object/apply:os.system [echo pwned]", "!!python/object/apply:os.system"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!local x", "!local"),
    ],
)
def test_foreign_tags_are_refused(make_workspace, value, shown):
    text = CASE_TEXT.replace("actor: X", f"actor: {value}")
    p = only(problems_of(make_workspace, {CASE: text}))
    assert (p.file, p.line, p.column) == (CASE, 2, 8)
    assert p.message == f"YAML tag {shown} is not allowed in workspace files"


def test_core_schema_tag_is_accepted(make_workspace):
    text = CASE_TEXT.replace("actor: X", 'actor: !!str 1991')
    assert load_workspace(make_workspace({CASE: text})).cases["one"].actor == "1991"


# --------------------------------------------------------------------------- file types
@pytest.mark.timeout(5)
def test_symlink_to_dev_zero_is_refused(make_workspace):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    root = make_workspace()
    (root / CASE).unlink()
    (root / CASE).symlink_to("/dev/zero")
    p = only(validate_workspace(root)[1])
    assert p.file == CASE
    assert p.message.startswith("file leads through a symbolic link outside the workspace folder")


@pytest.mark.timeout(5)
def test_dev_zero_outside_a_workspace_is_not_read(tmp_path):
    # loaders without a workspace folder (ACH matrices, bibliographies) use the same reader
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    link = tmp_path / "matrix.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(_FileProblem) as info:
        read_text(link, "matrix.yaml")
    assert info.value.problem.file == "matrix.yaml"
    assert info.value.problem.message == "a character device, not a regular file; cannot read it"


def test_symlink_to_a_file_outside_the_workspace_is_refused(make_workspace, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(CASE_TEXT, encoding="utf-8")
    root = make_workspace()
    (root / CASE).unlink()
    (root / CASE).symlink_to(outside)
    p = only(validate_workspace(root)[1])
    assert p.file == CASE
    assert "outside the workspace folder" in p.message


def test_symlinked_folder_outside_the_workspace_is_refused(make_workspace, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "one.yaml").write_text(CASE_TEXT, encoding="utf-8")
    (elsewhere / "two.yaml").write_text(MINI_FILES["cases/two.yaml"], encoding="utf-8")
    root = make_workspace({CASE: None, "cases/two.yaml": None})
    (root / "cases").symlink_to(elsewhere, target_is_directory=True)
    problems = validate_workspace(root)[1]
    assert {p.file for p in problems} == {"cases/one.yaml", "cases/two.yaml"}
    assert all("outside the workspace folder" in p.message for p in problems)


def test_symlink_inside_the_workspace_is_followed(make_workspace):
    root = make_workspace()
    (root / "shared").mkdir()
    (root / CASE).rename(root / "shared" / "one.yaml")
    (root / CASE).symlink_to(Path("..") / "shared" / "one.yaml")
    assert sorted(load_workspace(root).cases) == ["one", "two"]


@pytest.mark.timeout(5)
def test_fifo_is_refused_without_waiting_for_a_writer(make_workspace):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    root = make_workspace()
    fifo = root / CASE
    fifo.unlink()
    os.mkfifo(fifo)
    done = threading.Event()

    def unblock() -> None:
        # if the loader ever blocks opening the pipe, feed it an empty file after 2 s so the
        # test fails on its assertion instead of hanging (pytest-timeout is the second guard)
        if done.wait(2):
            return
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return
        os.close(fd)

    writer = threading.Thread(target=unblock, daemon=True)
    writer.start()
    try:
        problems = validate_workspace(root)[1]
    finally:
        done.set()
        writer.join()
    p = only(problems)
    assert (p.file, p.line) == (CASE, None)
    assert p.message == "a named pipe (FIFO), not a regular file; cannot read it"


def test_directory_named_like_a_case_file_is_refused(make_workspace):
    root = make_workspace()
    (root / "cases" / "three.yaml").mkdir()
    p = only(validate_workspace(root)[1])
    assert p.file == "cases/three.yaml"
    assert p.message == "a directory, not a regular file; cannot read it"


def test_size_limit_is_checked_before_reading(make_workspace):
    toml = MINI_FILES["casus.toml"] + "max_file_bytes = 200\n"
    root = make_workspace({"casus.toml": toml})
    problems = validate_workspace(root)[1]
    big = [p for p in problems if p.message.startswith("file is ")]
    over = {rel for rel, text in MINI_FILES.items() if rel.endswith(".yaml") and len(text) > 200}
    assert CASE in over
    assert {p.file for p in big} == over
    assert all(p.message.endswith("over the limit of 200 bytes; split it or raise the limit")
               for p in big)


# --------------------------------------------------------------------------- casus.toml
@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    ("extra", "message", "line"),
    [
        ("deep = " + "[" * 30_000 + "\n", "invalid TOML: nested too deeply", None),
        ("big = " + "9" * 5_000 + "\n", "invalid TOML: Exceeds the limit (4300 digits)", 5),
    ],
    ids=["nested-30000", "integer-5000-digits"],
)
def test_hostile_casus_toml_is_located(make_workspace, extra, message, line):
    problems = problems_of(make_workspace, {"casus.toml": MINI_FILES["casus.toml"] + extra})
    p = next(p for p in problems if p.file == "casus.toml")
    assert p.message.startswith(message)
    assert p.line == line


def test_casus_toml_workspace_that_is_not_a_table(make_workspace):
    problems = problems_of(make_workspace, {"casus.toml": "workspace = 1\n"})
    p = next(p for p in problems if p.file == "casus.toml")
    assert (p.field, p.message) == ("workspace", "expected a [workspace] table")


@pytest.mark.timeout(5)
def test_casus_toml_fifo_is_refused(make_workspace):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    root = make_workspace({"casus.toml": None})
    os.mkfifo(root / "casus.toml")
    p = next(p for p in validate_workspace(root)[1] if p.file == "casus.toml")
    assert p.message == "a named pipe (FIFO), not a regular file; cannot read it"


# --------------------------------------------------------------------------- the CLI
def test_casus_validate_prints_located_errors_and_no_traceback(make_workspace):
    """All crafted files at once, in a child process (a crash there cannot take pytest down)."""
    root = make_workspace(
        {
            "cases/laughs.yaml": BILLION_LAUGHS,
            "cases/loop.yaml": "loop: &r [*r]\n",
            "cases/deep.yaml": "a: " + "[" * 30_000 + "\n",
            "cases/digits.yaml": "name: " + "9" * 5_000 + "\n",
            "cases/tab.yaml": "name: x\nact\tor: X\n",
        }
    )
    (root / "cases" / "zero.yaml").symlink_to("/dev/zero")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "cases" / "fifo.yaml")
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), COLUMNS="200", NO_COLOR="1")
    res = subprocess.run(
        [sys.executable, "-m", "casusbelli", "validate", str(root)],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )
    out = res.stdout + res.stderr
    assert res.returncode == 1, out
    assert "Traceback" not in out
    for line in (
        "cases/laughs.yaml:1:4: YAML anchor &a is not allowed",
        "cases/loop.yaml:1:7: YAML anchor &r is not allowed",
        "cases/deep.yaml:1:67: nested too deeply",
        "cases/digits.yaml:1:7: number with 5,000 digits",
        "cases/tab.yaml:2:1: act",  # rich prints the tab in the field name as spaces
        "unknown field 'act\\tor' (did you mean 'actor'?)",
        "cases/zero.yaml: file leads through a symbolic link outside the workspace folder",
    ) + (("cases/fifo.yaml: a named pipe (FIFO)",) if hasattr(os, "mkfifo") else ()):
        assert line in out, out


# --------------------------------------------------------------------------- fuzzing
def _fuzz_examples() -> int:
    env = os.environ.get("CASUS_FUZZ_EXAMPLES")
    if env:
        return int(env)
    return 10_000 if os.environ.get("CI", "").lower() in ("1", "true", "yes") else 300


#: real workspace files: (kind, file name, text)
SEEDS = [
    ("case", "example-case.yaml", TEMPLATE["cases/example-case.yaml"]),
    ("theory", "opportunism.yaml", TEMPLATE["theories/opportunism.yaml"]),
    ("case", "sudan-2017.yaml",
     (builtin_path("russia") / "cases" / "sudan-2017.yaml").read_text(encoding="utf-8")),
]
FOLDER = {"case": "cases", "theory": "theories"}

#: YAML metacharacters and hostile snippets inserted by the fuzzer
TOKENS = [b"&a ", b"*a", b"&a [*a]", b"[", b"]", b"{", b"}", b": ", b":", b"- ", b"? ", b"\t",
          b"!!python/object:os.system ", b"!!binary ", b"!x ", b"<<: *a\n", b'"', b"'", b"#",
          b"|", b">-", b"\n", b"\r\n", b"---\n", b"...\n", b"%YAML 1.1\n", b"\x00", b"\xff",
          b"\xef\xbb\xbf", b"\\u0000", b",", b"9" * 120, b"[" * 80, b"- " * 80, b"~", b"null",
          b"1e999", b".nan", b"0x" + b"f" * 40, b"2001-02-30", b"yes", b"id: other\n"]

#: one mutation: (operation, position, argument), positions taken modulo the file's length
_mutation = st.tuples(st.integers(0, 4), st.integers(0, 1 << 16), st.integers(0, 1 << 16))


def _mutate(raw: bytes, mutations: list[tuple[int, int, int]]) -> bytes:
    """Flip a byte, insert a token, truncate, duplicate a stretch, or delete one."""
    data = bytearray(raw)
    for op, pos, arg in mutations:
        at = pos % (len(data) + 1)
        if op == 0 and data:
            data[at % len(data)] ^= 1 + arg % 255
        elif op == 1:
            data[at:at] = TOKENS[arg % len(TOKENS)]
        elif op == 2:
            del data[at:]
        elif op == 3:
            data[at:at] = data[at : at + 1 + arg % 400]
        elif op == 4:
            del data[at : at + 1 + arg % 40]
    return bytes(data)


@pytest.mark.timeout(900)
def test_mutated_workspace_files_load_or_give_located_errors(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")

    @settings(
        max_examples=_fuzz_examples(),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(seed=st.sampled_from(SEEDS), mutations=st.lists(_mutation, min_size=1, max_size=6))
    def check(seed, mutations):
        kind, name, text = seed
        rel = f"{FOLDER[kind]}/{name}"
        content = _mutate(text.encode("utf-8"), mutations)
        try:
            # the per-file loader of load_workspace, given the bytes (writing thousands of
            # files would time the disk, not the loader; reading is tested above)
            load_file(root / rel, kind, root=root, content=content)
        except CasusError as exc:
            assert isinstance(exc, WorkspaceError)
            assert exc.file == rel
            assert exc.problems and all(p.file == rel for p in exc.problems)
            for p in exc.problems:  # every problem renders (no exception while formatting)
                assert str(p).startswith(rel)

    check()


def test_mutation_operations_change_the_file():
    raw = b"name: x\nactor: y\n"
    assert _mutate(raw, [(0, 0, 0)]) == b"oame: x\nactor: y\n"
    assert _mutate(raw, [(1, 0, 0)]) == TOKENS[0] + raw
    assert _mutate(raw, [(2, 4, 0)]) == b"name"
    assert _mutate(raw, [(3, 0, 3)]) == b"namename: x\nactor: y\n"
    assert _mutate(raw, [(4, 0, 4)]) == b" x\nactor: y\n"


def test_unmutated_seed_files_load(tmp_path):
    for kind, name, text in SEEDS:
        rel = f"{FOLDER[kind]}/{name}"
        assert load_file(tmp_path / rel, kind, root=tmp_path, content=text.encode()) is not None
        path = tmp_path / rel
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        assert load_file(path, kind) is not None


# --------------------------------------------------------------------------- other readers
@pytest.mark.timeout(5)
def test_sources_import_refuses_an_alias_bomb_in_sources_yaml(make_workspace, tmp_path):
    from casusbelli.errors import SourceError
    from casusbelli.workspace.bib import import_sources

    root = make_workspace({"sources.yaml": BILLION_LAUGHS})
    bib = tmp_path / "refs.bib"
    bib.write_text("@book{x1,\n  title = {T},\n  author = {Doe, Jane},\n  year = {2001}\n}\n",
                   encoding="utf-8")
    with pytest.raises(SourceError) as info:
        import_sources(root, bib)
    assert (info.value.file, info.value.line) == ("sources.yaml", 1)
    assert info.value.message.startswith("YAML anchor &a is not allowed")
    assert (root / "sources.yaml").read_text(encoding="utf-8") == BILLION_LAUGHS


@pytest.fixture
def russia_copy(tmp_path):
    import shutil

    root = tmp_path / "russia"
    shutil.copytree(builtin_path("russia"), root)
    return root


@pytest.mark.slow
def test_frame_counts_fifo_is_refused(russia_copy):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    counts = russia_copy / "measures" / "kremlin.parquet"
    counts.unlink()
    os.mkfifo(counts)
    p = only(validate_workspace(russia_copy)[1])
    assert (p.file, p.message) == ("measures/kremlin.parquet",
                                   "not a regular file; cannot read it")


@pytest.mark.timeout(5)
def test_frame_loader_refuses_alias_bombs_and_fifos(tmp_path):
    from casusbelli.workspace.validate.frames import read_frames

    (tmp_path / "laughs.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.yaml")
    with pytest.raises(WorkspaceError) as info:
        read_frames(tmp_path)
    by_file = {Path(p.file).name: p for p in info.value.problems}
    assert by_file["laughs.yaml"].line == 1
    assert by_file["laughs.yaml"].message.startswith("YAML anchor &a is not allowed")
    if hasattr(os, "mkfifo"):
        assert by_file["pipe.yaml"].message == (
            "a named pipe (FIFO), not a regular file; cannot read it"
        )
