"""Two `serve` processes, one Chroma server, one real PostgreSQL: uploads and feedback are shared.

A PostgreSQL cluster of its own (Debian's package, a temporary folder, a free loopback port), a
`chroma run` server, and two `python -m assistant serve` processes A and B with their own data and
corpus folders and the same ``CBEC_STATE_URL``, ``CBEC_CHROMA_HOST``/``PORT``. Both are driven in
Chromium. The same signed-in user in both (Streamlit's sign-in cookie, signed with the
``cookie_secret`` both servers share, stands in for the OIDC round trip) uploads a document through
A and asks about it through B; an anonymous visitor of B must not see it. Feedback is given in both
and must be in PostgreSQL exactly once per answer.

Skipped, with the reason, when PostgreSQL or Chromium is not installed (CI installs both: .ci/run).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack

import pytest

from app.auth import user_workspace
from tests.browser_support import (
    ROOT,
    answer_text,
    clean_env,
    launch,
    open_app,
    submit,
    upload,
    wait_answer,
    wait_indexed,
)
from tests.conftest import FIXTURES
from tests.support import postgres, postgres_binaries

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(300)]

USER = "pat@example.com"
COOKIE_SECRET = "shared-state-test-cookie-secret-4f1c"
DOC = (
    "---\ntitle: \"Quillon Bonded Depot release rules\"\nissued: 2025-04-04\n---\n"
    "# Quillon Bonded Depot release rules\n\n## Article 1 — Release time\n\n"
    "Parcels stored in the Quillon Bonded Depot are released by the depot clerk within 23 minutes "
    "of the quillon token being scanned.\n"
)
QUESTION = "How quickly are parcels released from the Quillon Bonded Depot?"


@pytest.fixture
def pg_url():
    bindir, why = postgres_binaries()
    if bindir is None:
        pytest.skip(why)
    with postgres() as url:
        yield url


def signed_in(browser, url: str):
    """A browser context carrying Streamlit's sign-in cookie for ``USER`` on the app at ``url``."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    payload = json.dumps({"origin": url, "is_logged_in": True, "email": USER, "name": "Pat"})
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    value = create_signed_value(COOKIE_SECRET, "_streamlit_user", payload).decode("latin-1")
    ctx.add_cookies([{"name": "_streamlit_user", "value": value, "url": url}])
    return ctx


def documents_listed(page) -> int:
    """The number in the page's "Indexed documents (N)" expander: what this session's index shows."""
    import re

    label = page.get_by_test_id("stExpander").filter(has_text="Indexed documents").first.locator("summary").inner_text()
    return int(re.search(r"Indexed documents \((\d+)\)", label).group(1))


def rate(msg, up: bool, comment: str = "") -> None:
    from playwright.sync_api import expect

    msg.get_by_role("radio", name="Thumbs up" if up else "Thumbs down").click()
    expect(msg.get_by_text("Feedback saved. Thank you.")).to_be_visible(timeout=30_000)
    if comment:
        box = msg.get_by_label("Comment (optional)")
        box.fill(comment)
        box.press("Enter")


def test_upload_in_one_process_is_found_in_the_other_and_feedback_lands_once(pg_url, chroma_server, browser, tmp_path):
    from playwright.sync_api import expect
    from sqlalchemy import create_engine, text

    started = time.perf_counter()
    # Both servers read the same [auth] section: one cookie secret, as behind a load balancer.
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(
        '[auth]\nredirect_uri = "http://127.0.0.1:9/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\nclient_id = "test"\nclient_secret = "test"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'
    )
    envs = {}
    for name in ("a", "b"):
        corpus = tmp_path / f"corpus-{name}"
        shutil.copytree(FIXTURES / "corpus", corpus)
        envs[name] = clean_env(
            CBEC_CORPUS_DIR=str(corpus), CBEC_DATA_DIR=str(tmp_path / f"data-{name}"), CBEC_EMBEDDER="hashing:128",
            CBEC_MIN_RELEVANCE="0.05", CBEC_CHROMA_HOST="127.0.0.1", CBEC_CHROMA_PORT=str(chroma_server),
            CBEC_STATE_URL=pg_url,
        )
    ingested = {}
    for name in ("a", "b"):  # as `make run` does before serving; B's corpus is another copy of the same
        run = subprocess.run([sys.executable, "-m", "ingest", "--json"], cwd=ROOT, env=envs[name],
                             capture_output=True, text=True, timeout=180)
        assert run.returncode == 0, run.stderr[-2000:]
        ingested[name] = json.loads(run.stdout.strip().splitlines()[-1])
    assert ingested["a"]["added"] == ingested["a"]["chunks"] > 0
    # one record manager: B's ingest finds every chunk already indexed, embeds and deletes nothing
    assert (ingested["b"]["added"], ingested["b"]["deleted"], ingested["b"]["skipped"]) == (0, 0, ingested["a"]["chunks"])

    with ExitStack() as stack:
        apps = {n: stack.enter_context(launch(envs[n], tmp_path / f"serve-{n}.log", serve=True, cwd=home)) for n in "ab"}
        for app in apps.values():  # both boot at once
            app.wait(120)
        booted = time.perf_counter()

        # B is serving (its index loaded) before the upload: the signed-in user and an anonymous visitor.
        ctx_b = stack.enter_context(signed_in(browser, apps["b"].url))
        page_b = ctx_b.new_page()
        open_app(page_b, apps["b"].url)
        submit(page_b, "How long is a recordation valid?")
        wait_answer(page_b, 1, timeout_ms=60_000)
        listed_before = documents_listed(page_b)
        ctx_other = stack.enter_context(browser.new_context(viewport={"width": 1400, "height": 1000}))
        page_other = ctx_other.new_page()
        open_app(page_other, apps["b"].url)

        # The user uploads through A.
        ctx_a = stack.enter_context(signed_in(browser, apps["a"].url))
        page_a = ctx_a.new_page()
        open_app(page_a, apps["a"].url)
        expect(page_a.get_by_test_id("stSidebar").get_by_text(f"Signed in as {USER}")).to_be_visible()
        doc = tmp_path / "quillon-depot.md"
        doc.write_text(DOC, encoding="utf-8")
        upload(page_a, doc)
        wait_indexed(page_a, "quillon-depot.md")
        indexed_at = time.perf_counter()
        workspace = user_workspace(USER)
        assert (tmp_path / "corpus-a" / "uploads" / workspace / "quillon-depot.md").exists()
        assert not (tmp_path / "corpus-b" / "uploads").exists()  # B never gets the file

        # The same user asks through B, whose index was loaded before: answered from the upload.
        submit(page_b, QUESTION)
        found_b = wait_answer(page_b, 2, timeout_ms=60_000)
        found_after = time.perf_counter() - indexed_at
        body = answer_text(found_b)
        assert "23 minutes" in body, body
        expect(found_b.get_by_test_id("stExpander").filter(has_text="Quillon Bonded Depot release rules").first).to_be_visible()
        # B's own index took the upload in (its document list is built from its BM25 index)
        assert documents_listed(page_b) == listed_before + 1

        # Someone else on B (not signed in: a session workspace) never sees it.
        submit(page_other, QUESTION)
        other_text = wait_answer(page_other, 1, timeout_ms=60_000).inner_text()
        assert "23 minutes" not in other_text and "Quillon Bonded Depot release rules" not in other_text, other_text
        assert documents_listed(page_other) == listed_before

        # Feedback through both processes (in A a rating, then a comment on the same answer).
        rate(found_b, up=True)
        submit(page_a, "How long is a recordation valid?")
        answer_a = wait_answer(page_a, 1, timeout_ms=60_000)
        rate(answer_a, up=False, comment="Wanted the renewal fee too.")

        engine = create_engine(pg_url)
        try:
            deadline, rows = time.time() + 30, []
            while time.time() < deadline:
                with engine.connect() as conn:
                    rows = conn.execute(text("SELECT answer_id, rating, comment, question, settings FROM feedback")).all()
                if len(rows) >= 2 and any(r.comment for r in rows):
                    break
                time.sleep(0.5)
            with engine.connect() as conn:
                per_answer = conn.execute(text("SELECT answer_id, COUNT(*) FROM feedback GROUP BY answer_id")).all()
                (record,) = conn.execute(text(
                    "SELECT workspace, file_name, sha256, doc_id, chunks, deleted FROM cbec_workspace_documents")).all()
        finally:
            engine.dispose()
        by_question = {r.question: (r.rating, r.comment) for r in rows}
        assert by_question == {QUESTION: (1, ""), "How long is a recordation valid?": (0, "Wanted the renewal fee too.")}, rows
        assert len(per_answer) == 2 and all(n == 1 for _, n in per_answer), per_answer
        assert all("cbec-secret" not in r.settings and ":***@" in json.loads(r.settings)["state_url"] for r in rows)
        assert (record.workspace, record.file_name, record.deleted) == (workspace, "quillon-depot.md", False)
        assert record.sha256 == hashlib.sha256(DOC.encode()).hexdigest() and "23 minutes" in record.chunks

    print(f"\nshared state: servers booted {booted - started:.1f} s after start; upload in A found in B "
          f"{found_after:.1f} s after A said indexed; feedback rows: 2 expected, {len(rows)} found "
          f"({len(per_answer)} answers, each once); total {time.perf_counter() - started:.1f} s")
