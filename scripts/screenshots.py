"""Make the README's screenshots of the web app with Debian's chromium (Playwright).

Usage: python scripts/screenshots.py [--out docs/img] [--workspace russia]

Starts ``casus serve`` on the workspace (a temporary store, so nothing of yours is touched),
on a free loopback port, opens the overview in headless chromium and saves ``overview.png``;
when a case has an evidence file, also ``case-ach.png`` (the ACH scores and the
process-tracing chart).
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    parser.add_argument("--workspace", default="russia")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="casus-shots-") as tmp:
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "casusbelli", "serve", args.workspace, "--port", str(port),
             "--db", f"sqlite:///{Path(tmp) / 'casus.db'}"],
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
                page.screenshot(path=str(args.out / "overview.png"), full_page=False)
                written = [args.out / "overview.png"]
                verdict = httpx.get(base + "/api/v1/overview", timeout=30).json()["verdict"]
                if verdict:
                    page.goto(f"{base}/cases/{verdict[0]['case']}")
                    page.wait_for_selector("#trace-chart svg", timeout=30_000)
                    # the bottom of the matrix: scores, ranking and the process-tracing chart
                    page.locator("#trace-chart").scroll_into_view_if_needed()
                    page.screenshot(path=str(args.out / "case-ach.png"))
                    written.append(args.out / "case-ach.png")
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    for p in written:
        sys.stdout.write(f"wrote {p}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
