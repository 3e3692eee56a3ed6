"""Shared fixtures: the ``../shared/data`` folder, temporary workspaces, stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: ``CASUS_ALL_TESTS=1`` (set by CI) also runs the tests marked ``slow``; without it they are
#: deselected, so the README's test command stays short on a laptop. Deselected is not skipped:
#: pytest reports them as "deselected" and CI runs every one of them.
ALL_TESTS = os.environ.get("CASUS_ALL_TESTS") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ALL_TESTS:
        return
    slow = [it for it in items if it.get_closest_marker("slow") is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [it for it in items if it.get_closest_marker("slow") is None]


def pytest_report_header(config: pytest.Config) -> str:
    if ALL_TESTS:
        return "casusbelli: CASUS_ALL_TESTS=1, slow tests included"
    return "casusbelli: slow tests deselected (CASUS_ALL_TESTS=1 runs them, as CI does)"


def _shared_dir() -> Path:
    env = os.environ.get("CASUS_SHARED_DATA")
    if env:
        return Path(env)
    return REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ``../shared/data``; skips when absent, fails when CASUS_REQUIRE_SHARED=1 (CI)."""
    path = _shared_dir()
    if not path.is_dir():
        if os.environ.get("CASUS_REQUIRE_SHARED") == "1":
            pytest.fail(f"shared data required (CASUS_REQUIRE_SHARED=1) but {path} is absent")
        pytest.skip(f"shared data not present at {path}")
    return path


# --------------------------------------------------------------------------- workspaces
MINI_FILES: dict[str, str] = {
    "casus.toml": """[workspace]
name = "mini"
theories = ["alpha", "beta"]
outcome = "Y"
""",
    "sources.yaml": """- id: src1
  type: book
  title: A real-looking book
  author:
    - {family: Doe, given: Jane}
  issued: {date-parts: [[2020]]}
- id: src2
  type: article-journal
  title: An article
  author:
    - {family: Roe, given: Richard}
  issued: {date-parts: [[2019]]}
""",
    "indicators.yaml": """indicators:
  - id: a
    label: Condition A
    theory: alpha
  - id: b
    label: Condition B
    theory: beta
  - id: Y
    label: Outcome
    theory: outcome
    kind: crisp
""",
    "theories/alpha.yaml": """name: Alpha
summary: First theory.
references: [{source: src1}]
implications:
  - {indicator: a, expect: high}
paths: a
""",
    "theories/beta.yaml": """name: Beta
implications:
  - {indicator: b, expect: high}
""",
    "cases/one.yaml": """name: Case one
actor: X
target: T1
start: 2001-02-03
end: 2001-05
kind: intervention
summary: First case.
codings:
  a: {value: 0.67, rationale: Because., sources: [{source: src1, locator: p. 4}]}
  b: {value: null, rationale: "unknown: not settled", sources: [{source: src2}]}
  Y: {value: 1, rationale: Intervened., sources: [{source: src1}]}
""",
    "cases/two.yaml": """name: Case two
actor: X
target: T2
start: 2005
kind: negative
codings:
  a: {value: 0.33, rationale: Less so., sources: [{source: src2}]}
  b: {value: 1, rationale: Fully., sources: [{source: src2}]}
  Y: {value: 0, rationale: Did not intervene., sources: [{source: src2}]}
""",
}


@pytest.fixture
def make_workspace(tmp_path: Path):
    """Write a small valid workspace, with some files replaced (``None`` deletes a file)."""

    def make(overrides: dict[str, str | bytes | None] | None = None, name: str = "ws") -> Path:
        root = tmp_path / name
        files: dict[str, str | bytes | None] = dict(MINI_FILES)
        files.update(overrides or {})
        for rel, text in files.items():
            if text is None:
                continue
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                p.write_bytes(text)
            else:
                p.write_text(text, encoding="utf-8")
        return root

    return make


# --------------------------------------------------------------------------- PostgreSQL
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402


def _pg_bindir() -> Path | None:
    for cand in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (cand / "pg_ctl").exists():
            return cand
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A real PostgreSQL server started with pg_ctl in a temporary data dir, on a free port.

    ``CASUS_TEST_PG_URL`` uses an existing server instead. Skips when no PostgreSQL binaries are
    installed, but fails under ``CASUS_REQUIRE_POSTGRES=1`` (CI).
    """
    env_url = os.environ.get("CASUS_TEST_PG_URL")
    if env_url:
        yield env_url
        return
    bindir = _pg_bindir()
    if bindir is None:
        if os.environ.get("CASUS_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL required (CASUS_REQUIRE_POSTGRES=1) but pg_ctl not found")
        pytest.skip("PostgreSQL binaries not installed")
    tmp = Path(tempfile.mkdtemp(prefix="casus-pg-"))
    data = tmp / "data"
    port = _free_port()
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        os.chmod(tmp, 0o777)
        shutil.chown(tmp, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run(run_as + [str(bindir / "initdb"), "-D", str(data), "-U", "casus",
                             "--auth=trust", "-E", "UTF8"], check=True, capture_output=True)
    log = tmp / "log.txt"
    subprocess.run(
        run_as + [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
                  f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
        check=True, capture_output=True,
    )
    try:
        url = f"postgresql://casus@127.0.0.1:{port}/postgres"
        yield url
    finally:
        subprocess.run(run_as + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                 "stop"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def pg_database(postgres_url: str) -> str:
    """A fresh, empty database on the test server; dropped afterwards."""
    import uuid

    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    base = postgres_url.replace("postgresql://", "postgresql://", 1)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name
    yield url
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --------------------------------------------------------------------------- call counting
@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch):
    """``spy(fn)``: a ``Mock(wraps=fn)`` put in place of ``fn`` in every casusbelli module
    that holds it (imported by name or through a re-export), so the calls are counted
    whichever module makes them; undone after the test."""
    import sys
    from unittest.mock import Mock

    def install(fn):
        mock = Mock(wraps=fn)
        for name, mod in list(sys.modules.items()):
            if name.startswith("casusbelli") and getattr(mod, fn.__name__, None) is fn:
                monkeypatch.setattr(mod, fn.__name__, mock)
        return mock

    return install
