"""The same ingest and query code against a real `chroma run` server on loopback."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.embedder import make_embedder
from assistant.store import open_store
from ingest.pipeline import run_ingest
from tests.conftest import FIXTURES
from tests.support import free_port, stop

pytestmark = pytest.mark.integration



@pytest.fixture
def chroma_server(tmp_path):
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


def test_ingest_into_server_and_query_back(settings, chroma_server):
    s = settings.replace(chroma_host="127.0.0.1", chroma_port=chroma_server)
    first = run_ingest(s, corpus=FIXTURES / "corpus")
    assert first.ok and first.added == first.chunks > 0
    second = run_ingest(s, corpus=FIXTURES / "corpus")
    assert (second.added, second.updated) == (0, 0)
    store = open_store(s, make_embedder(s))
    assert store._collection.count() == first.chunks
    hits = store.similarity_search("recordation valid for 10 years renewal", k=3)
    assert any(h.metadata["chunk_id"].startswith("demo-ipr-rules:art-10") for h in hits)
    # nothing was written to the embedded store folder
    assert not (s.data_dir / "chroma").exists()
