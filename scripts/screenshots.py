"""Make the README's screenshots of the web app with Debian's chromium (Playwright).

Usage: python scripts/screenshots.py [--out docs/img] [--workspace russia] [--report-only]
                                     [--db URL]

Starts ``casus serve`` on the workspace (a temporary store, so nothing of yours is touched,
unless ``--db`` names one), on a free loopback port, opens the overview in headless chromium
and saves ``overview.png``; when a case has an evidence file, also ``case-ach.png`` (the ACH
scores and the process-tracing chart). Then writes the HTML report with ``casus report`` and
saves ``report-first-page.png`` (the report's opening: title, workspace, content hash, the
audit summary and the verdict) and ``report-xy.png`` (the first theory's QCA solution with its
XY plot, each case labelled). ``--report-only`` skips the web app.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def report_shots(workspace: str, db: str, tmp: Path, out: Path) -> list[Path]:
    """Write the HTML report and screenshot its first page and the first QCA XY plot."""
    from playwright.sync_api import sync_playwright

    html = tmp / "report.html"
    subprocess.run([sys.executable, "-m", "casusbelli", "report", workspace, "-o", str(html),
                    "--db", db], check=True, stdout=subprocess.DEVNULL)
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(html.as_uri())
        page.wait_for_function(
            "() => [...document.querySelectorAll('div.chart[data-spec]')].every("
            "el => el.dataset.rendered || el.dataset.error)", timeout=120_000)
        page.locator("header#first-page").screenshot(path=str(out / "report-first-page.png"))
        written.append(out / "report-first-page.png")
        xy = page.locator("article.qca-theory:has(table.qca-solution)").first
        xy.scroll_into_view_if_needed()
        xy.screenshot(path=str(out / "report-xy.png"))
        written.append(out / "report-xy.png")
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    parser.add_argument("--workspace", default="russia")
    parser.add_argument("--db", default=None, help="store URL (default: a temporary store)")
    parser.add_argument("--report-only", action="store_true", help="skip the web app")
    args = parser.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="casus-shots-") as tmp:
        db = args.db or f"sqlite:///{Path(tmp) / 'casus.db'}"
        written = [] if args.report_only else web_shots(args.workspace, db, args.out)
        written += report_shots(args.workspace, db, Path(tmp), args.out)
    for p in written:
        sys.stdout.write(f"wrote {p}\n")
    return 0


def web_shots(workspace: str, db: str, out: Path) -> list[Path]:
    """Serve the workspace and screenshot the overview and a case's ACH page."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "casusbelli", "serve", workspace, "--port", str(port),
         "--db", db],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                raise SystemExit("casus serve exited before answering")
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("casus serve did not answer within 300 s")
            time.sleep(0.5)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "/")
            page.screenshot(path=str(out / "overview.png"), full_page=False)
            written = [out / "overview.png"]
            verdict = httpx.get(base + "/api/v1/overview", timeout=30).json()["verdict"]
            if verdict:
                page.goto(f"{base}/cases/{verdict[0]['case']}")
                page.wait_for_selector("#trace-chart svg", timeout=30_000)
                # the bottom of the matrix: scores, ranking and the process-tracing chart
                page.locator("#trace-chart").scroll_into_view_if_needed()
                page.screenshot(path=str(out / "case-ach.png"))
                written.append(out / "case-ach.png")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return written


if __name__ == "__main__":
    raise SystemExit(main())
