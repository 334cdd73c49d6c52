"""Shared fixtures: the sample newsroom on 127.0.0.1, sites files, and the CLI in a subprocess.

Crawls run in a subprocess (Twisted's reactor cannot be restarted in one process), against a
real HTTP server whose request log the tests read.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import DemoServer
from crawler.sites import toml_table

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# Our own server on loopback: no politeness delays, so tests stay fast.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


def write_sites(folder: Path, tables: dict[str, dict]) -> Path:
    path = folder / "sites.toml"
    path.write_text("".join(toml_table(k, t) for k, t in tables.items()), encoding="utf-8")
    return path


def newsarchive(
    *args: str, cwd: Path, timeout: int = 300, **options: Any
) -> subprocess.CompletedProcess[str]:
    """Run the `newsarchive` command as a user would, from ``cwd`` (``options``: subprocess.run's)."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        **options,
    )


def start_newsarchive(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """Start the `newsarchive` command in the background, from ``cwd``, its output piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def crawl(folder: Path, *sites: str, mode: str = "crawl") -> subprocess.CompletedProcess[str]:
    result = newsarchive(mode, *sites, *FAST, cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@contextmanager
def serving(folder: Path, db: str, port: int, plain: bool = False) -> Iterator[str]:
    """`newsarchive serve` on ``folder/db``, as a user starts it (``plain``: `datasette DB`,
    with the project's plugin as installed); yields its base URL.

    Its log goes to a file: Datasette logs every request, and a pipe nobody reads fills after
    some 700 of them, which stops the server in the middle of a request."""
    log_path = folder / f"serve-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "datasette", "serve", db, "--port", str(port)]
            if plain
            else [sys.executable, "-m", "crawler.cli", "serve", "--db", db, "--port", str(port)],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # a loaded machine starts Datasette slowly
        while True:
            try:
                get_json(f"{base}/-/versions.json")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"newsarchive serve did not start: {log_path.read_text()[-3000:]}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
