"""End to end in a real browser: uvicorn in a subprocess, Debian's chromium driven by Playwright.

Local app: open the overview, open a case, change an ACH rating, see the score change, reload,
see it kept; the hostile evidence text never fires a dialog. Team server: two analysts sign in;
the second one's stale edit gets 409 and sees the first one's value.

Skips when /usr/bin/chromium is absent, unless CASUS_REQUIRE_BROWSER=1 (then fails).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import MINI_FILES
from tests.web.conftest import EVIDENCE, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _require_browser() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CASUS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser required (CASUS_REQUIRE_BROWSER=1) but {CHROMIUM} is absent")
        pytest.skip(f"{CHROMIUM} not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _workspace(root: Path) -> Path:
    for rel, text in {**MINI_FILES, "evidence/one.yaml": EVIDENCE}.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def _casus(*args: str, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "casusbelli", *args], input=stdin, text=True,
                   check=True, capture_output=True, timeout=120)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[object]:
    """Start ``casus serve`` on a free port; yields a function (team: bool) -> base URL."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(team: bool = False) -> str:
        ws = _workspace(tmp_path / f"ws{len(procs)}")
        db = f"sqlite:///{tmp_path / f'store{len(procs)}.db'}"
        if team:
            for name in ("alice", "bob"):
                _casus("user", "add", name, "--role", "analyst", "--password-stdin",
                       "-w", str(ws), "--db", db, stdin=PASSWORD + "\n")
        port = _free_port()
        cmd = [sys.executable, "-m", "casusbelli", "serve", str(ws), "--port", str(port),
               "--db", db, "--sections", "within"] + (["--team"] if team else [])
        log = open(tmp_path / f"server{len(procs)}.log", "wb")  # noqa: SIM115
        procs.append(subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if procs[-1].poll() is not None:
                raise RuntimeError((tmp_path / f"server{len(procs) - 1}.log").read_text())
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    return base
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    yield start
    for p in procs:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


@pytest.fixture
def browser() -> Iterator[object]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _score(page: object, h: str) -> str:
    return page.locator(f'[data-score="{h}"]').inner_text().split("\n")[0].strip()  # type: ignore[attr-defined]


def test_local_edit_changes_score_and_is_kept(serve, browser) -> None:
    base = serve()
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base + "/")
    assert "which theory wins where" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Case one").first.click()
    page.wait_for_url(base + "/cases/one")
    page.wait_for_selector("#trace-chart svg", timeout=20_000)  # Vega-Lite drew the chart
    assert page.locator("#trace-chart svg path").count() > 0
    assert "<script>alert('xss')</script>" in page.locator("#item-e1 .text").inner_text()
    assert _score(page, "alpha") == "-1.00"
    page.select_option('select[data-cell="e2:alpha"]', "II")
    page.wait_for_selector("#ach-saved")
    assert _score(page, "alpha") == "-3.00"
    assert page.url == base + "/cases/one"  # no full navigation
    page.reload()
    assert page.locator('select[data-cell="e2:alpha"]').input_value() == "II"
    assert _score(page, "alpha") == "-3.00"
    page.goto(base + "/audit")
    assert "ach_edit" in page.locator("#audit").inner_text()
    assert dialogs == []


def _sign_in(browser: object, base: str, name: str) -> object:
    ctx = browser.new_context()  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.goto(base + "/cases/one")  # redirected to the sign-in form
    page.fill('input[name="name"]', name)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(base + "/cases/one")
    assert f"{name} (analyst)" in page.locator("#whoami").inner_text()
    return page


def test_team_two_users_stale_edit_gets_409(serve, browser) -> None:
    base = serve(team=True)
    alice, bob = _sign_in(browser, base, "alice"), _sign_in(browser, base, "bob")
    alice.select_option('select[data-cell="e1:credibility"]', "low")  # type: ignore[attr-defined]
    alice.wait_for_selector("#ach-saved")  # type: ignore[attr-defined]
    with bob.expect_response(lambda r: r.url.endswith("/cases/one/ach")) as info:  # type: ignore[attr-defined]
        bob.select_option('select[data-cell="e1:credibility"]', "medium")  # type: ignore[attr-defined]
    assert info.value.status == 409
    bob.wait_for_selector("#ach-conflict")  # type: ignore[attr-defined]
    assert bob.locator("#ach-conflict .current-value").inner_text() == "low"  # type: ignore[attr-defined]
    assert bob.locator("#ach-conflict .attempted-value").inner_text() == "medium"  # type: ignore[attr-defined]
    assert bob.locator('select[data-cell="e1:credibility"]').input_value() == "low"  # type: ignore[attr-defined]
    # each analyst rates in their own column
    bob.select_option('select[data-cell="e2:alpha"]', "II")  # type: ignore[attr-defined]
    bob.wait_for_selector("#ach-saved")  # type: ignore[attr-defined]
    assert bob.locator("#ach-analyst").inner_text() == "bob"  # type: ignore[attr-defined]
    alice.reload()  # type: ignore[attr-defined]
    assert alice.locator('select[data-cell="e2:alpha"]').input_value() == "N"  # type: ignore[attr-defined]
