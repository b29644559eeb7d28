"""Driving the real app in Debian's Chromium with Playwright: shared by the browser tests, the fault
suite's concurrent sessions and the shared-state integration test.

`start_app` starts a server (``streamlit run`` or ``python -m assistant serve``) on a free port and
waits for its health check; the helpers find the chat input, submit questions and wait for final
answers. `tests/conftest.py` builds the session-wide ``server`` and ``browser`` fixtures from them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support import free_port, stop

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WAIT_MS = 180_000  # the first answer may wait for the embedding model to load
FOOTER = re.compile(r"^(card|calculator|extractive|openai|ollama|llamacpp) · \d+ source\(s\)")


def ensure_chromium() -> None:
    """Chromium at /usr/bin/chromium, installed with apt-get when missing (as root); else skip with why."""
    if CHROMIUM.exists():
        return
    why = "no /usr/bin/chromium"
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run = subprocess.run(
            "apt-get update -q && apt-get install -y -q chromium chromium-driver",
            shell=True, env=env, capture_output=True, text=True, timeout=900,
        )
        if CHROMIUM.exists():
            return
        why += f"; apt-get install chromium failed: {(run.stderr or run.stdout).strip()[-300:]}"
    else:
        why += "; cannot install it (apt-get missing or not root)"
    pytest.skip(f"Chromium unavailable: {why}")


def clean_env(**values: str) -> dict[str, str]:
    """The test process's environment without any CBEC_* variable, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CBEC_")}
    env.update(PYTHONUNBUFFERED="1", **values)
    return env


@contextmanager
def start_app(
    env: Mapping[str, str], log: Path, *, serve: bool = False, cwd: Path = ROOT, timeout: float = 120
) -> Iterator[str]:
    """A running app on a free loopback port; yields its URL and stops it afterwards.

    ``serve``: the product's ``python -m assistant serve`` (which checks the settings first and warms
    the model); else ``streamlit run streamlit_app.py`` as before.
    """
    with launch(env, log, serve=serve, cwd=cwd) as app:
        app.wait(timeout)
        yield app.url


class App:
    """A launched app process: its URL, and `wait` for its health check."""

    def __init__(self, proc: subprocess.Popen, url: str, log: Path) -> None:
        self.proc, self.url, self.log = proc, url, log

    def wait(self, timeout: float = 120) -> None:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the app did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.5)


@contextmanager
def launch(env: Mapping[str, str], log: Path, *, serve: bool = False, cwd: Path = ROOT) -> Iterator[App]:
    """Start the app without waiting (several can boot at once); stopped when the block ends."""
    port = free_port()
    if serve:
        cmd = [sys.executable, "-m", "assistant", "serve", "--address", "127.0.0.1", "--port", str(port)]
    else:
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
            "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
        ]
    out = open(log, "w")
    proc = subprocess.Popen(cmd, cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT)
    try:
        yield App(proc, f"http://127.0.0.1:{port}", log)
    finally:
        stop(proc, timeout=20)
        out.close()


def open_app(page, url: str) -> float:
    """Load the page until the chat input is there; returns the moment it was requested."""
    t0 = time.perf_counter()
    page.goto(url)
    page.get_by_test_id("stChatInputTextArea").wait_for()
    return t0


def assistant_messages(page):
    return page.get_by_test_id("stChatMessage").filter(has=page.get_by_test_id("stChatMessageAvatarAssistant"))


def submit(page, question: str) -> None:
    """Type a question and send it, without waiting for the answer."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")


def wait_answer(page, n: int, timeout_ms: int = WAIT_MS):
    """The n-th answer (1-based), once it is final (its footer says how many sources)."""
    from playwright.sync_api import expect

    msg = assistant_messages(page).nth(n - 1)
    expect(msg.get_by_text(FOOTER)).to_be_visible(timeout=timeout_ms)
    return msg


def ask(page, question: str, n: int):
    submit(page, question)
    return wait_answer(page, n)


def answer_text(msg) -> str:
    """The answer's Markdown block (headings, short answer, points) as the page shows it."""
    return msg.get_by_test_id("stMarkdownContainer").first.inner_text()


def upload(page, path: Path) -> None:
    """Choose one file in the sidebar's uploader and start indexing it (returns at once)."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.locator("input[type=file]").set_input_files(str(path))
    sidebar.get_by_role("button", name=re.compile(r"Index 1 file")).click()


def wait_indexed(page, name: str, timeout_ms: int = 60_000) -> None:
    """Until the sidebar says the uploaded file ``name`` was indexed."""
    from playwright.sync_api import expect

    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(re.compile(rf"{re.escape(name)}: indexed as"))).to_be_visible(timeout=timeout_ms)
