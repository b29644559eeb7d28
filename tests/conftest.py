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


# ---- the real app in a real browser (tests/ui, tests/faults, the shared-state test) --------------


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A running app on an index of a copy of corpus/ built with the default (real) embedder.

    One per test session, shared by the browser tests and the fault suite's concurrent sessions:
    uploads go into the temporary copy only, each into its own session's workspace.
    """
    from tests.browser_support import ROOT, clean_env, start_app

    root = tmp_path_factory.mktemp("browser")
    corpus, data = root / "corpus", root / "data"
    shutil.copytree(ROOT / "corpus", corpus)
    env = clean_env(CBEC_CORPUS_DIR=str(corpus), CBEC_DATA_DIR=str(data))
    t = time.perf_counter()
    ingest = subprocess.run(
        [sys.executable, "-m", "ingest"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    print(f"\ningest of corpus/ with the default embedder: {time.perf_counter() - t:.1f} s")
    with start_app(env, root / "streamlit.log") as url:
        yield {"url": url, "corpus": corpus, "data": data, "root": root}


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (installed with apt-get when missing, else skipped)."""
    from tests.browser_support import CHROMIUM, LAUNCH_ARGS, ensure_chromium

    ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()
