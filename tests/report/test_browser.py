"""The built-in report in headless Debian Chromium: every chart draws, no dialog fires.

Uses the PyPI ``playwright`` package driving ``/usr/bin/chromium`` (``apt-get install -y
chromium``). Skips when chromium is absent, unless ``CASUS_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from casusbelli.report import build_report

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CASUS_REQUIRE_BROWSER") == "1":
            pytest.fail("CASUS_REQUIRE_BROWSER=1 but /usr/bin/chromium is absent")
        pytest.skip("/usr/bin/chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM),
                               args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _open(browser, path: Path):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    return page, dialogs, errors, requests


def _assert_all_charts_drew(page, n: int) -> None:
    assert n > 0
    page.wait_for_function(
        "n => document.querySelectorAll('div.chart[data-rendered], div.chart[data-error]')"
        ".length === n", arg=n, timeout=30_000)
    assert page.locator("div.chart[data-error]").count() == 0, \
        page.locator("div.chart[data-error]").first.get_attribute("data-error")
    for i in range(n):
        chart = page.locator("div.chart").nth(i)
        marks = chart.locator("svg .mark-symbol path, svg .mark-rect path, svg .mark-line path, "
                              "svg .mark-rule line, svg .mark-tick path, svg .mark-text text")
        assert marks.count() > 0, f"chart {i + 1} has no marks"


@pytest.mark.slow  # runs the full analysis of the built-in workspace
def test_builtin_report_every_chart_draws(browser, builtin_report, builtin_report_file):
    page, dialogs, errors, requests = _open(browser, builtin_report_file)
    _assert_all_charts_drew(page, len(builtin_report.charts))
    assert page.locator("div.chart").count() == len(builtin_report.charts)
    assert dialogs == [] and errors == []
    assert all(u.startswith(("file:", "data:", "blob:", "about:")) for u in requests), requests


def test_hostile_report_draws_and_no_dialog_fires(browser, hostile_ws, faked_analysis, tmp_path):
    rep = build_report(hostile_ws, analysis=faked_analysis)
    path = tmp_path / "hostile.html"
    path.write_text(rep.html, encoding="utf-8")
    page, dialogs, errors, _ = _open(browser, path)
    _assert_all_charts_drew(page, len(rep.charts))
    page.locator("details.case").first.evaluate("d => d.open = true")
    assert "<script>alert('xss')</script>" in page.locator("p.case-summary").first.inner_text()
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == [] and errors == []
