"""Shared fixtures. Unit tests may not open network connections (loopback included) unless
marked `integration` or `browser`; the guard fails the test that tries."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from tests.support import free_port, stop

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _no_network(request, monkeypatch):
    if request.node.get_closest_marker("integration") or request.node.get_closest_marker("browser"):
        return

    def guard(self, address, *args, **kwargs):
        if self.family == socket.AF_UNIX:
            return real_connect(self, address, *args, **kwargs)
        raise RuntimeError(f"unit test tried to open a network connection to {address!r}")

    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket.socket, "connect_ex", guard)


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Settings on a temporary data folder with the deterministic hashing embedder."""
    return Settings.from_env(
        {}, data_dir=tmp_path / "data", corpus_dir=FIXTURES / "corpus", embedder="hashing:128"
    )


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory) -> Settings:
    """The real corpus ingested with the real bundled model (once per test session, ~1 min)."""
    from ingest.pipeline import run_ingest

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    s = Settings.from_env({}, data_dir=tmp_path_factory.mktemp("real") / "data", corpus_dir=corpus)
    report = run_ingest(s, corpus=corpus)
    assert report.ok, report.failed
    return s


@pytest.fixture(scope="session")
def real_assistant(real_settings):
    from assistant.chain import Assistant

    return Assistant.from_settings(real_settings)


@pytest.fixture
def chroma_server(tmp_path):
    """A real `chroma run` server on a free loopback port, stopped after the test; yields the port."""
    exe = Path(sys.executable).with_name("chroma")
    exe = str(exe) if exe.exists() else shutil.which("chroma")
    assert exe, "the chroma CLI is installed with chromadb"
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "server")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert proc.poll() is None, "chroma server exited at start"
                time.sleep(0.3)
        else:
            pytest.fail("chroma server did not start within 60 s")
        yield port
    finally:
        stop(proc, timeout=15)


