"""The real app in a real browser: `streamlit run` on a copy of the corpus, driven with Playwright.

The session fixture copies ``corpus/`` to a temporary folder, ingests it with the default
(real) embedder into a temporary data folder, starts the server on a free port and opens
Debian's Chromium. Tests run in file order and share the server: the upload test adds a
document to the temporary corpus only.

Skipped, with the reason, only when Chromium is missing and cannot be installed.
"""

from __future__ import annotations

import io
import re
import sqlite3
import time
from pathlib import Path

import pytest

from tests.browser_support import WAIT_MS, submit, wait_answer
from tests.browser_support import open_app as _open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
STARTER = "What is the annual limit for cross-border e-commerce retail imports?"


# The session-wide `server` (corpus/ copied and ingested with the default embedder, the app started
# on a free port) and `browser` (Debian's Chromium) fixtures live in tests/conftest.py, shared with
# the fault suite; helpers in tests/browser_support.py.


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(WAIT_MS)
    yield pg
    ctx.close()


# ---- helpers ---------------------------------------------------------------------------------


def open_app(page, server) -> float:
    """Load the page; returns the moment it was requested."""
    return _open_app(page, server["url"])


def ask(page, question: str, n: int):
    submit(page, question)
    return wait_answer(page, n)


def expand_first_source(msg):
    from playwright.sync_api import expect

    msg.get_by_test_id("stExpander").first.locator("summary").click()
    mark = msg.get_by_test_id("stExpander").first.locator("mark").first
    expect(mark).to_be_visible()
    return mark


def screenshot_whole_app(page, path: Path) -> None:
    """Streamlit scrolls inside its main block: grow the viewport to the content, then shoot."""
    page.wait_for_timeout(800)  # let the expander animation finish
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stMainBlockContainer]')]"
        ".map(e => e.scrollHeight), 1000)"
    )
    page.set_viewport_size({"width": 1400, "height": int(height) + 160})
    page.wait_for_timeout(500)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})


# ---- tests -------------------------------------------------------------------------------------


def test_composed_answer_has_the_same_parts(page, server):
    """A question no card answers is composed from the passages, in the same layout."""
    open_app(page, server)
    msg = ask(page, "Which cities can do 1210 imports?", 1)
    text = msg.get_by_test_id("stMarkdownContainer").first.inner_text()
    assert text.startswith("Short answer") and "[1]" in text, text
    assert msg.get_by_text(re.compile(r"^extractive · \d+ source\(s\)")).count() == 1


def test_calculable_question_and_tools_page_give_the_same_figure(page, server):
    from playwright.sync_api import expect

    open_app(page, server)
    msg = ask(page, "what guarantee for goods worth RMB 150,000 detained ex officio?", 1)
    text = msg.get_by_test_id("stMarkdownContainer").first.inner_text()
    assert "RMB 75,000.00" in text and "Article 23" in text, text
    page.get_by_role("link", name="Tools").click()
    page.get_by_role("tab", name="IPR guarantee").click()
    value = page.get_by_label("Goods' value (RMB)")
    value.fill("150000")
    value.press("Enter")
    page.get_by_role("button", name="Compute guarantee").click()
    expect(page.get_by_text(re.compile(r"Amount: RMB 75,000\.00")).first).to_be_visible(timeout=WAIT_MS)


def test_chinese_question_gets_a_chinese_answer_and_headings(page, server):
    open_app(page, server)
    msg = ask(page, "海关扣了我的货怎么办？", 1)
    text = msg.get_by_test_id("stMarkdownContainer").first.inner_text()
    assert text.startswith("简要回答"), text
    short = text.split("简要回答", 1)[1].strip().splitlines()[0]
    assert re.search(r"[\u4e00-\u9fff]{4}", short), short
    assert "法律依据" in text, text
    screenshot_whole_app(page, ARTIFACTS / "answered-chat-zh.png")


def test_starter_question_answer_with_sources_and_screenshot(page, server):
    from playwright.sync_api import expect

    t0 = open_app(page, server)
    expect(page.get_by_text("Try one of these:")).to_be_visible()
    t_ready = time.perf_counter()
    page.get_by_role("button", name=STARTER).click()
    msg = wait_answer(page, 1)
    t_answer = time.perf_counter()
    print(
        f"\npage load to first answer: {t_answer - t0:.1f} s "
        f"(page ready with the model loaded {t_ready - t0:.1f} s, starter click to answer {t_answer - t_ready:.1f} s)"
    )
    text = msg.get_by_test_id("stMarkdownContainer").first.inner_text()
    assert "[1]" in text and "26,000" in text, text
    # The answer's parts: the short answer first, then the legal basis (primary sources only).
    assert text.index("Short answer") < text.index("26,000") < text.index("Legal basis"), text
    basis = text.split("Legal basis")[1]
    assert "Cai Guan Shui [2018] No. 49" in basis and "source" in basis, basis
    mark = expand_first_source(msg)
    assert len(mark.inner_text()) > 20
    expect(msg.get_by_text("Instrument:").first).to_be_visible()
    expect(msg.get_by_text("not legal advice").first).to_be_visible()
    screenshot_whole_app(page, ARTIFACTS / "answered-chat.png")
    assert (ARTIFACTS / "answered-chat.png").stat().st_size > 10_000


def test_follow_up_question(page, server):
    open_app(page, server)
    first = ask(page, "How do I record my trademark with customs?", 1)
    assert "recordation" in first.inner_text().lower()
    second = ask(page, "And for patents?", 2)
    body = second.get_by_test_id("stMarkdownContainer").first.inner_text()
    # "And for patents?" alone names no customs topic; with the history it is about recording patents
    assert "patent" in body.lower() and "[1]" in body, body
    assert "does not cover" not in body


def test_filter_by_document_type(page, server):
    from playwright.sync_api import expect

    open_app(page, server)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stMultiSelect").filter(has_text="Document type").click()
    page.get_by_role("option", name="Case", exact=True).click()
    page.keyboard.press("Escape")
    msg = ask(page, "Customs detained my parcel — what now?", 1)
    expect(msg.get_by_text(re.compile(r"filters: doc_type=case"))).to_be_visible()
    source = msg.get_by_test_id("stExpander").first
    source.locator("summary").click()
    expect(source).to_contain_text("Type: Case")


def test_upload_document_then_answer_cites_it(page, server, tmp_path):
    from playwright.sync_api import expect

    doc = tmp_path / "zorblax-port.md"
    doc.write_text(
        "---\ntitle: \"Zorblax Free Trade Port clearance rules\"\ndoc_type: regulation\nissued: 2025-03-03\n"
        "source_url: \"https://example.org/zorblax\"\n---\n"
        "# Zorblax Free Trade Port clearance rules\n\n## Article 1 — Clearance time\n\n"
        "Cross-border e-commerce parcels entering the Zorblax Free Trade Port are cleared by customs within "
        "17 minutes at the quantum inspection desk.\n",
        encoding="utf-8",
    )
    open_app(page, server)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.locator("input[type=file]").set_input_files(str(doc))
    sidebar.get_by_role("button", name=re.compile(r"Index 1 file")).click()
    # Indexing embeds the upload: seconds on a busy 2-core machine, so wait longer than the default 5 s.
    expect(sidebar.get_by_text(re.compile(r"zorblax-port\.md: indexed as"))).to_be_visible(timeout=30_000)
    saved = list((server["corpus"] / "uploads").rglob("zorblax-port.md"))
    assert len(saved) == 1 and saved[0].parent.parent.name == "uploads", saved  # uploads/<this session>/
    msg = ask(page, "How quickly does customs clear parcels in the Zorblax Free Trade Port?", 1)
    body = msg.get_by_test_id("stMarkdownContainer").first.inner_text()
    assert "17 minutes" in body, body
    expect(msg.get_by_test_id("stExpander").filter(has_text="Zorblax Free Trade Port clearance rules").first).to_be_visible()


def test_memo_download(page, server):
    import docx

    open_app(page, server)
    msg = ask(page, "How do I record my trademark with customs?", 1)
    with page.expect_download() as info:
        msg.get_by_role("button", name=re.compile(r"Memo \.md")).click()
    md = Path(info.value.path()).read_text(encoding="utf-8")
    assert info.value.suggested_filename == "memo-how-do-i-record-my-trademark-with-customs.md"
    assert "How do I record my trademark with customs?" in md
    for heading in ("### Short answer", "### Legal basis", "### What to do", "### Sources"):
        assert heading in md
    assert "[1]" in md and "http" in md and "Not legal advice" in md
    with page.expect_download() as info:
        msg.get_by_role("button", name=re.compile(r"Memo \.docx")).click()
    word = docx.Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert any(p.text == "Legal basis" for p in word.paragraphs)


def test_feedback_is_stored(page, server):
    from playwright.sync_api import expect

    open_app(page, server)
    question = "How long is a customs recordation valid?"
    msg = ask(page, question, 1)
    msg.get_by_role("radio", name="Thumbs up").click()
    expect(msg.get_by_text("Feedback saved. Thank you.")).to_be_visible()
    comment = msg.get_by_label("Comment (optional)")
    comment.fill("Cited the right regulation.")
    comment.press("Enter")
    db = server["data"] / "feedback.sqlite"
    deadline = time.time() + 30
    rows = []
    while time.time() < deadline:
        rows = sqlite3.connect(db).execute(
            "SELECT rating, comment, question, settings FROM feedback WHERE question = ?", (question,)
        ).fetchall() if db.exists() else []
        if rows and rows[0][1]:
            break
        time.sleep(0.5)
    assert rows and rows[0][:3] == (1, "Cited the right regulation.", question), rows
    assert '"llm_api_key": ""' in rows[0][3] or '"llm_api_key": "***"' in rows[0][3]
