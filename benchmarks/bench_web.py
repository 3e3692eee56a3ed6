"""Bounded loopback load on the web app: the case page vs a trivial JSON endpoint, same run.

A real server (``casus serve`` in a subprocess: one uvicorn worker, SQLite store) on a
temporary workspace whose case has 20 evidence items rated against 2 hypotheses; 50 httpx
asyncio clients on 127.0.0.1 loop for 60 s (5 s with ``quick``) on ``GET /cases/one`` (the ACH
matrix, scores, process tracing, codings: what the ACH editor renders) and then on
``GET /api/v1/health`` (the baseline: no work). Reports throughput, p50/p99 latency and the
error count of each; ``ratio`` = baseline p50 / case-page p50.

The client runs on the same machine and takes CPU from the server, so absolute numbers are a
floor; the ratio says what the page costs over the framework's own overhead.
"""

from __future__ import annotations

import asyncio
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
CLIENTS = 50


def _workspace(root: Path, n_items: int = 20) -> Path:
    sys.path.insert(0, str(REPO))
    from tests.conftest import MINI_FILES

    rng = random.Random(7)
    scale = ["CC", "C", "N", "I", "II"]
    items = []
    for i in range(n_items):
        items.append(
            f"  - id: e{i}\n    text: Evidence item {i} with <b>markup</b> & text.\n"
            f"    sources: [{{source: src1, locator: p. {i + 1}}}]\n"
            f"    credibility: {rng.choice(['low', 'medium', 'high'])}\n"
            f"    ratings: {{alpha: {rng.choice(scale)}, beta: {rng.choice(scale)}}}\n")
    files = {**MINI_FILES, "evidence/one.yaml": "case: one\nitems:\n" + "".join(items)}
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    ws = _workspace(tmp / "ws")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "casusbelli", "serve", str(ws), "--port", str(port),
         "--db", f"sqlite:///{tmp / 'casus.db'}", "--sections", "within"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


async def _load(url: str, seconds: float, clients: int = CLIENTS) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    kinds: dict[str, int] = {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await client.get(url)  # warm-up (and the anonymous cookie)
        t_end = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < t_end:
                t0 = time.perf_counter()
                try:
                    r = await client.get(url)
                    kind = "" if r.status_code == 200 else str(r.status_code)
                except httpx.HTTPError as exc:
                    kind = type(exc).__name__
                if not kind:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors += 1
                    kinds[kind] = kinds.get(kind, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - t0
    latencies.sort()

    def q(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return {"n": len(latencies), "wall": wall, "throughput": len(latencies) / wall,
            "p50": q(0.50), "p99": q(0.99), "errors": errors, "error_kinds": kinds}


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Load the case page and the trivial endpoint, one after the other, on one server."""
    seconds = 5.0 if quick else 60.0
    with tempfile.TemporaryDirectory(prefix="casus-bench-web-") as d:
        proc, base = _start(Path(d))
        try:
            page = asyncio.run(_load(base + "/cases/one", seconds))
            trivial = asyncio.run(_load(base + "/api/v1/health", seconds))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return [{
        "case": f"GET /cases/one (20-item ACH page), {CLIENTS} clients x {seconds:.0f} s",
        "n": page["n"],
        "seconds": page["p50"],
        "baseline": "GET /api/v1/health (trivial JSON), p50",
        "baseline_seconds": trivial["p50"],
        "ratio": trivial["p50"] / page["p50"] if page["p50"] else None,
        "throughput": round(page["throughput"], 1),
        "p50": page["p50"],
        "p99": page["p99"],
        "errors": page["errors"],
        "error_kinds": page["error_kinds"],
        "baseline_n": trivial["n"],
        "baseline_throughput": round(trivial["throughput"], 1),
        "baseline_p99": trivial["p99"],
        "baseline_errors": trivial["errors"],
        "baseline_error_kinds": trivial["error_kinds"],
    }]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        sys.stdout.write(f"{row}\n")
