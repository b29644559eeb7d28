"""Fault suite: 10 browser sessions at once against one running app.

Ten Chromium contexts (separate cookies, so separate Streamlit sessions and workspaces) open the
chat together. Two of them upload a document each while the other eight ask the Chinese question on
the annual limit (answered while the index changes under them); then every session asks, round by
round, with all its peers' questions in flight at once. The uploaders ask about their own upload,
the Chinese question and the other uploader's document; the rest an English question and one of
the uploads' questions. Nothing may
fail: no exception or error box, every question answered with its footer, every session showing an
answer under the short-answer heading (简要回答 for the Chinese one), each upload found by its own
session and by no other. Tried and failed counts are printed.

Uses the session's app (`server` in tests/conftest.py: corpus/ with the real embedder). The same
size in `make test` and `make test-faults` (10 sessions, 3 questions each, 2 uploads).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from tests.browser_support import answer_text, assistant_messages, submit, upload, wait_answer, wait_indexed

pytestmark = [pytest.mark.faults, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

SESSIONS = 10
ANSWER_MS = 120_000  # ten answers queue behind one another on a 2-core machine
CHINESE = "跨境电商零售进口的年度限额是多少？"
ENGLISH = (
    "What is the annual limit for cross-border e-commerce retail imports?",
    "How do I record my trademark with customs?",
    "Customs detained my parcel — what now?",
    "Which customs mode fits my business?",
)


@dataclass(frozen=True)
class Doc:
    """A distinctive document one session uploads: its file, its question and the fact that answers it."""

    name: str
    title: str
    fact: str
    question: str

    def markdown(self) -> str:
        return (f"---\ntitle: \"{self.title}\"\nissued: 2025-05-05\n---\n# {self.title}\n\n## Article 1 — Rule\n\n"
                f"{self.fact}\n")


DOCS = (
    Doc("quillon-depot.md", "Quillon Bonded Depot release rules",
        "Parcels stored in the Quillon Bonded Depot are released by the depot clerk within 23 minutes of the quillon token scan.",
        "How quickly are parcels released from the Quillon Bonded Depot?"),
    Doc("vexmoor-zone.md", "Vexmoor Free Zone inspection rules",
        "The Vexmoor Free Zone charges an inspection fee of RMB 4,141 per parcel, paid at the vexmoor gate.",
        "What inspection fee does the Vexmoor Free Zone charge per parcel?"),
)
FACTS = {DOCS[0].name: "23 minutes", DOCS[1].name: "4,141"}


@dataclass
class Session:
    n: int
    page: object
    doc: Doc | None = None
    asked: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class Tally:
    tried: int = 0
    failed: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.failed.append(what)


def test_ten_concurrent_sessions_answer_without_errors_and_keep_uploads_apart(browser, server, tmp_path):
    started = time.perf_counter()
    contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(SESSIONS)]
    sessions = [Session(i, ctx.new_page()) for i, ctx in enumerate(contexts)]
    tally = Tally()
    try:
        for s in sessions:
            s.page.set_default_timeout(ANSWER_MS)
        # The first visit of the session's app builds its index and loads the model (paid once, by
        # whichever browser test comes first); then the other nine load at once.
        sessions[0].page.goto(server["url"])
        sessions[0].page.get_by_test_id("stChatInputTextArea").wait_for()
        warm = time.perf_counter()
        for s in sessions[1:]:
            s.page.goto(server["url"], wait_until="commit")
        for s in sessions[1:]:
            s.page.get_by_test_id("stChatInputTextArea").wait_for()
        loaded = time.perf_counter()

        # Round 0: two sessions upload while the eight others ask.
        for s, doc in zip(sessions[:2], DOCS, strict=True):
            s.doc = doc
            path = tmp_path / f"s{s.n}" / doc.name
            path.parent.mkdir()
            path.write_text(doc.markdown(), encoding="utf-8")
            tally.tried += 1
            upload(s.page, path)
        run_round([(s, CHINESE) for s in sessions[2:]], tally)  # answered while the index changes under them
        for s in sessions[:2]:
            try:
                wait_indexed(s.page, s.doc.name, timeout_ms=ANSWER_MS)
            except AssertionError as exc:
                tally.check(False, f"session {s.n}: upload {s.doc.name} not indexed ({str(exc)[:200]})")
        uploaded = time.perf_counter()

        # Rounds 1-2 with all ten sessions' questions in flight, then the uploaders' last one.
        others = {DOCS[0].name: DOCS[1], DOCS[1].name: DOCS[0]}
        for r in range(3):
            batch = []
            for s in sessions:
                if s.doc is not None:  # the uploaders: own document, Chinese, the other's document
                    batch.append((s, (s.doc.question, CHINESE, others[s.doc.name].question)[r]))
                elif r < 2:  # the rest (Chinese done): English, an upload's question they must not see answered
                    batch.append((s, (ENGLISH[s.n % len(ENGLISH)], DOCS[s.n % 2].question)[r]))
            run_round(batch, tally)
        finished = time.perf_counter()

        for s in sessions:
            page_errors = s.page.get_by_test_id("stException").count()
            tally.check(page_errors == 0, f"session {s.n}: {page_errors} exception box(es)")
            boxes = assistant_messages(s.page).get_by_test_id("stAlertContentError")
            tally.check(boxes.count() == 0, f"session {s.n}: error box: {boxes.first.inner_text()[:200] if boxes.count() else ''}")
            tally.check(any(t.startswith(("Short answer", "简要回答")) for t in s.texts),
                        f"session {s.n}: no answer under the short-answer heading")
            for q, t in zip(s.asked, s.texts, strict=True):
                if q == CHINESE:
                    tally.check(t.startswith("简要回答"), f"session {s.n}: the Chinese question not answered in Chinese: {t[:120]!r}")
                for doc in DOCS:
                    if q == doc.question and s.doc is doc:
                        tally.check(FACTS[doc.name] in t, f"session {s.n}: its own upload {doc.name} not found: {t[:200]!r}")
                    elif FACTS[doc.name] in t or doc.title in t:
                        tally.failed.append(f"session {s.n} saw another session's upload {doc.name}: {t[:200]!r}")
    finally:
        for ctx in contexts:
            ctx.close()
    print(f"\n{SESSIONS} concurrent sessions: tried {tally.tried}, failed {len(tally.failed)}; first page (app warm-up) "
          f"{warm - started:.1f} s, the other {SESSIONS - 1} pages at once {loaded - warm:.1f} s, 2 uploads indexed with "
          f"8 questions in flight {uploaded - loaded:.1f} s, 2 rounds of {SESSIONS} in-flight questions and 1 of 2 "
          f"{finished - uploaded:.1f} s; after warm-up {time.perf_counter() - warm:.1f} s")
    assert not tally.failed, "\n".join(tally.failed)


def run_round(batch: list[tuple[Session, str]], tally: Tally) -> None:
    """Send every question of the round, then wait for each answer: all are in flight at once."""
    for s, q in batch:
        tally.tried += 1
        s.asked.append(q)
        submit(s.page, q)
    for s, q in batch:
        try:
            msg = wait_answer(s.page, len(s.asked), timeout_ms=ANSWER_MS)
            text = msg.inner_text()
            s.texts.append(answer_text(msg) if msg.get_by_test_id("stMarkdownContainer").count() else text)
        except AssertionError as exc:
            s.texts.append("")
            tally.failed.append(f"session {s.n}: no answer to {q!r} ({str(exc)[:200]})")
