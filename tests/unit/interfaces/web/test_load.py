"""Load on loopback: 20 readers streaming at once for 30 s while a new reader opens the page.

The readers run in a process of their own, so that decoding their frames does not slow down the
probe that times the page loads.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import urllib.request

import pytest
from web_server import Server

pytest.importorskip("websockets.asyncio.client")

SESSIONS = 20
SECONDS = 30.0

READERS = """
import asyncio, json, sys, time
from websockets.asyncio.client import connect

url, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])

async def reader(until, out):
    async with connect(url, max_size=2**22) as ws:
        run = 0
        while time.monotonic() < until:
            run += 1
            await ws.send(json.dumps({"id": run, "params": {"rounds": 1000, "seed": run}}))
            while time.monotonic() < until:
                msg = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                if msg["type"] == "error":
                    out["errors"].append(msg["message"])
                elif msg["type"] == "frame":
                    out["frames"] += 1
                elif msg["type"] == "done":
                    break

async def main():
    until = time.monotonic() + seconds
    stats = [{"errors": [], "frames": 0} for _ in range(n)]
    results = await asyncio.gather(*[reader(until, s) for s in stats], return_exceptions=True)
    for r, s in zip(results, stats):
        if isinstance(r, BaseException):
            s["errors"].append(repr(r))
    print(json.dumps(stats))

asyncio.run(main())
"""


def _page_load(base: str) -> float:
    """Seconds to fetch what a new reader's browser fetches first."""
    t = time.monotonic()
    for path in ("/", "/static/css/style.css", "/static/js/charts.js", "/static/js/app.js"):
        with urllib.request.urlopen(base + path, timeout=10) as r:
            assert r.status == 200
            r.read()
    with urllib.request.urlopen(base + "/api/catalogue", timeout=10) as r:
        assert r.status == 200
        r.read()
    return time.monotonic() - t


def _sessions(base: str) -> int:
    with urllib.request.urlopen(base + "/api/health", timeout=10) as r:
        return int(json.loads(r.read())["sessions"])


@pytest.mark.slow
def test_twenty_streams_for_thirty_seconds(server: Server) -> None:
    ws_url = server.url.replace("http", "ws") + "/ws/society"
    baseline = server.rss_kib()
    cpu0, t0 = server.cpu_seconds(), time.monotonic()
    readers = subprocess.Popen(
        [sys.executable, "-c", READERS, ws_url, str(SESSIONS), str(SECONDS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    loads: list[float] = []
    rss: list[int] = []
    # measure while all 20 stream: wait for their sessions (the readers' process starts first)
    deadline = time.monotonic() + 15
    while _sessions(server.url) < SESSIONS and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    end = t0 + SECONDS - 2.0
    while time.monotonic() < end:
        loads.append(_page_load(server.url))
        rss.append(server.rss_kib())
        time.sleep(1.0)
    out, _ = readers.communicate(timeout=SECONDS + 30)
    cpu = (server.cpu_seconds() - cpu0) / (time.monotonic() - t0)
    stats = json.loads(out)
    errors = [e for s in stats for e in s["errors"]]
    frames = [s["frames"] for s in stats]
    print(
        f"\n{SESSIONS} sessions × {SECONDS:.0f} s: {sum(frames)} frames "
        f"({min(frames) / SECONDS:.1f}–{max(frames) / SECONDS:.1f} frames/s per session); "
        f"page load median {statistics.median(loads) * 1000:.0f} ms, max "
        f"{max(loads) * 1000:.0f} ms over {len(loads)} loads; server memory "
        f"{baseline / 1024:.0f} MiB before, at most {max(rss) / 1024:.0f} MiB during; server "
        f"CPU {cpu:.2f} s per s; loads (ms): {[round(x * 1000) for x in loads]}"
    )
    assert errors == []
    assert len(stats) == SESSIONS and min(frames) > 0
    assert max(loads) < 1.0
    assert max(rss) - baseline < 300 * 1024
    # every reader has gone: the server holds no session any more
    time.sleep(0.5)
    assert _sessions(server.url) == 0
