"""A real ``trustlab serve`` on a free loopback port, for the browser and load tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_server import Server, free_port


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    src = str(Path(__file__).resolve().parents[4] / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    log = open(tmp_path_factory.mktemp("serve") / "serve.log", "w+b")  # noqa: SIM115
    argv = [sys.executable, "-c", "from trustlab.interfaces.cli import main; main()"]
    proc = subprocess.Popen(
        [*argv, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                log.seek(0)
                out = log.read().decode()
                raise RuntimeError(f"trustlab serve exited: {out}")
            try:
                with urllib.request.urlopen(url + "/api/health", timeout=2) as r:
                    if json.loads(r.read())["warm"]:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("trustlab serve did not warm up within 180 s")
            time.sleep(0.2)
        yield Server(proc, url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
