"""Shared fixtures: the sample newsroom on 127.0.0.1, sites files, and the CLI in a subprocess.

Crawls run in a subprocess (Twisted's reactor cannot be restarted in one process), against a
real HTTP server whose request log the tests read.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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


def newsarchive(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run the `newsarchive` command as a user would, from ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def crawl(folder: Path, *sites: str, mode: str = "crawl") -> subprocess.CompletedProcess[str]:
    result = newsarchive(mode, *sites, *FAST, cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]
    return result
