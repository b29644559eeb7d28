"""Page logic of the web chat and the evaluation page, driven in-process with Streamlit's AppTest.

Each test indexes a fresh copy of the fixture corpus with the deterministic hashing embedder
(about a second), so tests can upload, rate and filter without seeing each other's data.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
from pathlib import Path

import docx
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from assistant.config import PREFIX, Settings
from ingest.pipeline import run_ingest
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
EVAL_PAGE = str(ROOT / "app" / "evaluation_page.py")
TIMEOUT = 60
LIMIT_Q = "What is the annual limit for cross-border e-commerce retail imports?"


def _env(monkeypatch, **values: str) -> None:
    """A clean CBEC_* environment: nothing from the developer's shell leaks into the test."""
    import os

    for key in [k for k in os.environ if k.startswith(PREFIX)]:
        monkeypatch.delenv(key)
    for key, value in values.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def indexed(tmp_path, monkeypatch) -> Settings:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    _env(
        monkeypatch,
        CBEC_EMBEDDER="hashing:128",
        CBEC_DATA_DIR=str(tmp_path / "data"),
        CBEC_CORPUS_DIR=str(corpus),
        CBEC_MIN_RELEVANCE="0.05",  # hashing-embedder similarities are lower than the real model's
    )
    settings = Settings.from_env()
    report = run_ingest(settings)
    assert report.ok, report.failed
    return settings


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """File name -> bytes of every download button rendered (deferred ones are generated on read)."""
    files: dict[str, object] = {}
    real_add, real_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if is_for_static_download and file_name:
            files[file_name] = path_or_data
        return real_add(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        if file_name:
            files[file_name] = data_callable
        return real_deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add", add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)

    class Files(dict):
        def __getitem__(self, name):
            v = files[name]
            v = v() if callable(v) else v
            return v.encode() if isinstance(v, str) else v

        def __contains__(self, name):
            return name in files

        def keys(self):
            return files.keys()

    return Files()


def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def assistant_messages(at: AppTest):
    return [m for m in at.chat_message if m.name == "assistant"]


def answers(at: AppTest):
    return [m["answer"] for m in at.session_state["messages"] if m.get("answer") is not None]


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


# ---- chat ------------------------------------------------------------------------------------


def test_first_visit_shows_empty_state_with_starters(indexed):
    at = app()
    assert at.title[0].value == "CBEC Compliance Assistant"
    assert not at.error
    assert any("Ask about China Customs rules" in m.value for m in at.markdown)
    starters = [b.label for b in at.button if b.key and b.key.startswith("starter_")]
    assert len(starters) == 6 and LIMIT_Q in starters and "海关扣了我的货怎么办？" in starters
    assert not at.chat_input[0].disabled
    assert not at.chat_message  # no conversation yet
    assert any(e.label == "Indexed documents (9)" for e in at.expander)
    # sidebar: corpus status from the ingest state, filters offered from the index
    assert [m.value for m in at.sidebar.metric] == ["9", "21"]
    doc_types = next(m for m in at.multiselect if m.label == "Document type")
    assert {"Case", "Regulation"} <= set(doc_types.options)


def test_starter_question_answered_with_sources(indexed):
    at = app()
    at.button(key="starter_2").click().run()
    assert not at.exception, at.exception
    (msg,) = assistant_messages(at)
    text = msg.markdown[0].value
    assert "1,000 demo units" in text and "[1]" in text
    (ans,) = answers(at)
    assert not ans.refused and ans.citations
    sources = list(msg.expander)
    assert [e.label[:4] for e in sources] == [f"[{c.marker}] " for c in ans.citations]
    notice = next(e for e in sources if "Demo Tax Notice on Parcels" in e.label)
    # the passage with the sentence that was used highlighted
    passage = [m.value for m in notice.markdown if "<mark>" in m.value]
    assert passage and "<mark>The annual limit for parcel purchases is 1,000 demo units per person.</mark>" in passage[0]
    assert any("not legal advice" in c.value for c in msg.caption)
    # the empty state is gone once the conversation started
    assert not [b for b in at.button if b.key and b.key.startswith("starter_")]


def test_follow_up_passes_history(indexed):
    at = app()
    ask(at, "How long is a recordation valid?")
    ask(at, "And how do I renew it?")
    first, second = answers(at)
    assert "10 years" in first.answer
    assert second.standalone_question != second.question  # the follow-up was rewritten with the history
    assert "recordation" in second.standalone_question.lower()
    assert len(assistant_messages(at)) == 2


def test_filter_applied(indexed):
    at = app()
    at.multiselect(key="flt_doc_types").set_value(["case"]).run()
    ask(at, "What happened to the bracelets stopped at export?")
    (ans,) = answers(at)
    assert ans.filters == "doc_type=case"
    assert ans.citations and {c.doc_type for c in ans.citations} == {"case"}
    assert any("filters: doc_type=case" in c.value for c in at.caption)


def test_superseded_source_flagged(indexed):
    at = app()
    at.checkbox(key="flt_superseded").check().run()
    ask(at, "How many years did a recordation of a parcel right last under the old demo rules?")
    (ans,) = answers(at)
    old = [c for c in ans.citations if c.status == "superseded"]
    assert old, ans.citations
    assert any(e.label.endswith("· superseded") for e in at.expander)
    assert any("replaced by Demo Rules on Border Protection of Rights" in w.value for w in at.warning)


def test_refusal_shows_suggestions(indexed):
    at = app()
    ask(at, "What is the best recipe for chocolate cake with strawberries?")
    (ans,) = answers(at)
    assert ans.refused and ans.suggestions
    info = at.info[0].value
    assert "Closest topics" in info and ans.suggestions[0] in info


def test_new_conversation_clears_history(indexed):
    at = app()
    ask(at, "How long is a recordation valid?")
    assert at.session_state["messages"]
    at.sidebar.button[0].click().run()
    assert at.session_state["messages"] == []
    assert [b for b in at.button if b.key and b.key.startswith("starter_")]


def test_empty_index_error_message(tmp_path, monkeypatch):
    (tmp_path / "corpus").mkdir()
    _env(monkeypatch, CBEC_EMBEDDER="hashing:128", CBEC_DATA_DIR=str(tmp_path / "data"), CBEC_CORPUS_DIR=str(tmp_path / "corpus"))
    at = app()
    assert len(at.error) == 1
    assert "The index is empty" in at.error[0].value and "make ingest" in at.error[0].value
    assert at.chat_input[0].disabled
    assert not [b for b in at.button if b.key and b.key.startswith("starter_")]
    assert not at.exception


def test_unreachable_store_error_message(tmp_path, monkeypatch):
    _env(
        monkeypatch, CBEC_EMBEDDER="hashing:128", CBEC_DATA_DIR=str(tmp_path / "data"),
        CBEC_CHROMA_HOST="127.0.0.1", CBEC_CHROMA_PORT="9",
    )
    at = app()
    assert "cannot be opened" in at.error[0].value and "chroma run" in at.error[0].value
    assert at.chat_input[0].disabled


def test_llm_backend_without_model_is_explained(indexed):
    at = app()
    at.selectbox(key="cfg_backend").select("ollama").run()
    assert not at.exception
    assert "not usable" in at.error[0].value and "extractive" in at.error[0].value


def test_llm_endpoint_down_falls_back_with_error(indexed):
    at = app()
    at.selectbox(key="cfg_backend").select("openai").run()
    at.text_input(key="cfg_base_url").input("http://127.0.0.1:9/v1").run()
    at.text_input(key="cfg_model").input("some-model").run()
    at.text_input(key="cfg_api_key").input("sk-test-secret-123").run()
    ask(at, "How long is a recordation valid?")
    (ans,) = answers(at)
    assert ans.backend == "extractive" and "10 years" in ans.answer
    assert any("did not answer" in e.value and "extractive" in e.value for e in at.error)
    assert "sk-test-secret-123" not in json.dumps(at.session_state["messages"][-1]["settings"])


# ---- memo and feedback -------------------------------------------------------------------------


def test_memo_download_content(indexed, downloads):
    at = app()
    ask(at, "How long is a recordation valid?")
    (ans,) = answers(at)
    name = "memo-how-long-is-a-recordation-valid.md"
    assert name in downloads, list(downloads.keys())
    md = downloads[name].decode()
    assert "How long is a recordation valid?" in md
    for heading in ("### Short answer", "### Legal basis", "### Sources"):
        assert heading in md
    assert re.search(r"A recordation is valid for 10 years \[\d\]", md)
    assert re.search(r"- \[\d\] Demo Decree No. 7, Article 10", md)  # legal basis: instrument and article
    assert "https://example.org/demo-rules" in md
    assert "Not legal advice" in md
    word = docx.Document(io.BytesIO(downloads["memo-how-long-is-a-recordation-valid.docx"]))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Legal basis" in text and "https://example.org/demo-rules" in text
    # the conversation memo in the sidebar covers every answer
    ask(at, "What is the annual limit for parcel purchases?")
    conv = downloads["memo-conversation.md"].decode()
    assert "## 1. How long is a recordation valid?" in conv and "## 2. What is the annual limit" in conv


def test_feedback_stored(indexed, monkeypatch):
    monkeypatch.setenv("CBEC_LLM_API_KEY", "sk-env-secret-456")
    at = app()
    ask(at, "How long is a recordation valid?")
    at.feedback[0].set_value(1).run()
    assert not at.exception
    db = indexed.data_dir / "feedback.sqlite"
    rows = sqlite3.connect(db).execute("SELECT rating, question, citations, settings, comment FROM feedback").fetchall()
    assert len(rows) == 1
    rating, question, citations, settings, comment = rows[0]
    assert (rating, question, comment) == (1, "How long is a recordation valid?", "")
    assert "https://example.org/demo-rules" in [c["source_url"] for c in json.loads(citations)]
    stored = json.loads(settings)
    assert stored["llm_api_key"] == "***" and stored["top_k"] == 6
    # a comment, then a change of mind: still one row, updated
    at.text_input(key=f"fbc_{at.session_state['messages'][-1]['id']}").input("Clear and cited.").run()
    at.feedback[0].set_value(0).run()
    rows = sqlite3.connect(db).execute("SELECT rating, comment FROM feedback").fetchall()
    assert rows == [(0, "Clear and cited.")]
    assert b"sk-env-secret-456" not in db.read_bytes()
    assert any("Feedback saved" in c.value for c in at.caption)


# ---- documents ---------------------------------------------------------------------------------

ZORBLAX = b"""---
title: "Zorblax Free Trade Port rules"
doc_type: regulation
issued: 2024-02-02
source_url: "https://example.org/zorblax"
---
# Zorblax Free Trade Port rules

## Article 1

Parcels entering the Zorblax Free Trade Port are cleared within 17 minutes by the quantum customs desk.
"""


def test_upload_indexes_document_and_refreshes_assistant(indexed):
    at = app()
    at.file_uploader[0].set_value(("zorblax.md", ZORBLAX, "text/markdown")).run()
    at.button(key="index_uploads").click().run()
    assert not at.exception, at.exception
    saved = indexed.corpus_dir / "uploads" / at.session_state["workspace"] / "zorblax.md"
    assert saved.read_bytes() == ZORBLAX
    assert any("zorblax.md: indexed" in s.value for s in at.success)
    assert any(e.label == "Indexed documents (10)" for e in at.expander)
    ask(at, "How fast are parcels cleared in the Zorblax Free Trade Port?")
    (ans,) = answers(at)
    assert not ans.refused and "17 minutes" in ans.answer
    assert ans.citations[0].title == "Zorblax Free Trade Port rules" and ans.citations[0].doc_type == "upload"
    # Another visitor's session neither lists nor finds it.
    other = app()
    assert any(e.label == "Indexed documents (9)" for e in other.expander)
    ask(other, "How fast are parcels cleared in the Zorblax Free Trade Port?")
    (theirs,) = answers(other)
    assert "17 minutes" not in theirs.answer and all("zorblax" not in r for r in theirs.retrieved)


def test_upload_rejects_duplicates_and_unreadable_files(indexed):
    at = app()
    existing = (indexed.corpus_dir / "cases" / "demo-case-bracelets.md").read_bytes()
    at.file_uploader[0].set_value(
        [("copy.md", existing, "text/markdown"), ("empty.txt", b"   ", "text/plain")]
    ).run()
    at.button(key="index_uploads").click().run()
    assert not at.exception, at.exception
    problems = " ".join(e.value for e in at.error)
    assert "copy.md: already in the corpus as `cases/demo-case-bracelets.md`" in problems
    assert "empty.txt: cannot be read (empty file)" in problems
    assert not any(p.is_file() for p in (indexed.corpus_dir / "uploads").rglob("*"))


def test_upload_checks_size_against_settings(indexed, monkeypatch):
    monkeypatch.setenv("CBEC_MAX_FILE_MB", "0.001")
    at = app()
    at.file_uploader[0].set_value(("big.txt", b"Article 1 " + b"x" * 5000, "text/plain")).run()
    at.button(key="index_uploads").click().run()
    assert "over the 0.001 MB limit" in " ".join(e.value for e in at.error)


# ---- evaluation page ---------------------------------------------------------------------------


def test_evaluation_page_empty_state(tmp_path, monkeypatch):
    _env(monkeypatch, CBEC_DATA_DIR=str(tmp_path / "data"))
    at = AppTest.from_file(EVAL_PAGE, default_timeout=TIMEOUT)
    at.session_state["eval_results_dir"] = str(tmp_path / "results")
    at.run()
    assert not at.exception, at.exception
    assert "make eval" in at.info[0].value
    assert "No feedback yet" in at.info[1].value
    assert not (tmp_path / "data").exists()  # read only


def test_evaluation_page_and_feedback_are_for_admins_only(tmp_path, monkeypatch):
    """With an admin list and no one signed in, the question log and the feedback stay hidden."""
    from assistant.outputs.feedback import FeedbackStore

    _env(monkeypatch, CBEC_DATA_DIR=str(tmp_path / "data"), CBEC_ADMINS="boss@example.com")
    res = tmp_path / "results"
    res.mkdir()
    (res / "run-20261101.jsonl").write_text(json.dumps({"id": "q1", "question": "A private question?", "passed": False}))
    FeedbackStore(tmp_path / "data" / "feedback.sqlite").add(
        rating=0, question="Someone else's question?", answer="A [1].", citations=[], settings={}, comment="secret")
    at = AppTest.from_file(EVAL_PAGE, default_timeout=TIMEOUT)
    at.session_state["eval_results_dir"] = str(res)
    at.run()
    assert not at.exception, at.exception
    shown = " ".join(str(e.value) for e in (*at.markdown, *at.info, *at.caption))
    assert "admins only" in shown
    assert "A private question?" not in shown and "secret" not in shown and not at.dataframe


def test_evaluation_page_shows_runs_topics_failures_and_feedback(tmp_path, monkeypatch):
    from assistant.outputs.feedback import FeedbackStore

    _env(monkeypatch, CBEC_DATA_DIR=str(tmp_path / "data"))
    res = tmp_path / "results"
    res.mkdir()
    for i, hit in enumerate((0.7, 0.8)):
        (res / f"summary-2026110{i}.json").write_text(json.dumps({"metrics": {"hit@5": hit, "mrr": hit - 0.1}, "n": 3}))
    rows = [
        {"id": "q1", "question": "Annual limit?", "topic": "tax", "hit@5": 1.0, "passed": True},
        {"id": "q2", "question": "Recordation time?", "topic": "recordation", "hit@5": 0.0, "passed": False},
        {"id": "q3", "question": "Bond amount?", "topic": "recordation", "hit@5": 1.0, "passed": True},
    ]
    (res / "run-20261101.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    (res / "report-20261101.md").write_text("# Evaluation report\n\nhit@5 = 0.8\n")
    FeedbackStore(tmp_path / "data" / "feedback.sqlite").add(
        rating=0, question="Q?", answer="A [1].", citations=[{"marker": 1}], settings={"llm_api_key": "x"}, comment="wrong"
    )
    at = AppTest.from_file(EVAL_PAGE, default_timeout=TIMEOUT)
    at.session_state["eval_results_dir"] = str(res)
    at.run()
    assert not at.exception, at.exception
    assert any(e.label == "Latest report: report-20261101.md" for e in at.expander)
    assert any("1 line(s) of run-20261101.jsonl" in w.value for w in at.warning)
    headers = [h.value for h in at.subheader]
    assert "hit@5 by topic" in headers and "Failures (1)" in headers
    assert any("`passed` is false" in c.value for c in at.caption)
    assert at.selectbox(key="eval_failure").options == ["Recordation time?"]
    assert [m.value for m in at.metric] == ["1", "0", "1"]
    assert len(at.dataframe) >= 3
