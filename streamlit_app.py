"""Web chat: cited answers on China Customs cross-border e-commerce and Customs IPR rules.

The page only renders: answers come from the chain (`assistant.chain.Assistant.stream`), uploads
are checked and indexed by `ingest.uploads`, the document list and filter options come from
`assistant.stores.catalog`, memos from `assistant.outputs.memo`, feedback goes to
`assistant.outputs.feedback`, and pure rendering helpers live in `app.rendering`.

`streamlit run streamlit_app.py` executes it as ``__main__``: `run` sets up the navigation
(this chat and ``app/evaluation_page.py``) and `main` renders the chat.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import streamlit as st

from app.auth import current_viewer
from app.rendering import (
    MODE_LABELS,
    cache_key,
    highlight_used,
    humanize,
    legal_basis_line,
    status_label,
    when,
)
from assistant.citations.check import currency_note
from assistant.config import Settings
from assistant.language import Lang, quality_text
from assistant.text import escape_markdown, strip_markers

APP_TITLE = "CBEC Compliance Assistant"
STARTERS = (
    "Which customs mode fits my business?",
    "Customs detained my parcel — what now?",
    "What is the annual limit for cross-border e-commerce retail imports?",
    "How do I record my trademark with customs?",
    "海关扣了我的货怎么办？",
    "跨境电商零售进口每年能买多少？",
)


# ---- cached resources ------------------------------------------------------------------------


@st.cache_resource(show_spinner="Loading the index…", max_entries=4)
def load_assistant(key: str, _settings: Settings):
    """The heavy chain object, built once per distinct settings + index version (``key``)."""
    from assistant.chain import Assistant

    assistant = Assistant.from_settings(_settings)
    if assistant.retriever.bm25_index.ids:
        # Load the embedding model in the background: the page renders at once and the first
        # question waits only for what is left of the load (`python -m assistant serve`
        # already started it when the server booted).
        threading.Thread(target=assistant.warm, name="warm-assistant", daemon=True).start()
    return assistant


@st.cache_resource
def ingest_lock() -> threading.Lock:
    """One ingest at a time per server process, whatever the number of sessions."""
    return threading.Lock()


# ---- state -----------------------------------------------------------------------------------


def _init_state(base: Settings) -> None:
    ss = st.session_state
    ss.setdefault("messages", [])
    # Uploads belong to a workspace: this browser session's, or the signed-in user's (app/auth.py);
    # searched by it, never by other visitors.
    ss.setdefault("session_workspace", uuid.uuid4().hex[:16])
    ss.setdefault("workspace", ss["session_workspace"])
    ss.setdefault("upload_nonce", 0)
    ss.setdefault("cfg_backend", base.backend.value)
    ss.setdefault("cfg_top_k", max(1, min(20, base.top_k)))
    ss.setdefault("cfg_base_url", base.llm_base_url)
    ss.setdefault("cfg_model", base.llm_model)
    ss.setdefault("cfg_gguf", base.llm_gguf_path)
    ss.setdefault("cfg_api_key", "")  # typed keys only; the environment's key is never put in the page


def _new_conversation() -> None:
    ss = st.session_state
    for k in [k for k in ss if str(k).startswith(("fb_", "fbc_"))]:
        del ss[k]
    ss["messages"] = []
    ss.pop("pending_question", None)


def _ask_later(question: str) -> None:
    st.session_state["pending_question"] = question


def sidebar_account(viewer) -> None:
    """Sign in / out when OIDC sign-in is configured; nothing otherwise."""
    if not viewer.login_configured:
        return
    if viewer.identity:
        st.sidebar.caption(f"Signed in as {escape_markdown(viewer.identity)}" + (" (admin)" if viewer.is_admin else ""))
        st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:")
    else:
        st.sidebar.button("Sign in", on_click=st.login, icon=":material/login:")
        st.sidebar.caption("Signed-in users keep their uploads across visits.")


def effective_settings(base: Settings) -> Settings:
    """The environment's settings with the sidebar's choices applied."""
    ss = st.session_state
    changes: dict[str, Any] = {"backend": ss["cfg_backend"], "top_k": int(ss["cfg_top_k"])}
    if ss["cfg_backend"] != "extractive":
        changes.update(
            llm_base_url=ss["cfg_base_url"].strip(),
            llm_model=ss["cfg_model"].strip(),
            llm_gguf_path=ss["cfg_gguf"].strip(),
            llm_api_key=ss["cfg_api_key"] or base.llm_api_key,
        )
    return base.replace(**changes)


def get_assistant(settings: Settings):
    """(assistant, None) or (None, message saying what is wrong and what to do)."""
    from assistant.stores.catalog import read_state
    from assistant.stores.chroma import StoreError
    from assistant.stores.shared import StateError

    state = read_state(settings)
    try:
        assistant = load_assistant(cache_key(settings, state.last_ingest if state else ""), settings)
        # Uploads indexed through another serve process (shared state): the document list, the
        # filter options and the answers of this run include them (one integer read when none).
        assistant.retriever.refresh()
        return assistant, None
    except StateError as exc:
        return None, f"The shared state database cannot be opened. {exc}"
    except StoreError as exc:
        return None, f"The document store cannot be opened. {exc}"
    except ValueError as exc:
        if settings.backend != "extractive":
            return None, (
                f"The **{settings.backend}** answer backend is not usable: {exc}. Fill in its settings under "
                "**Answer backend** in the sidebar, or choose **extractive** (no LLM needed)."
            )
        return None, f"The assistant could not start: {exc}. Fix the setting named above (CBEC_* environment variable) and reload."
    except Exception as exc:  # never a stack trace in the page
        return None, start_problem(settings, exc)


def start_problem(settings: Settings, exc: Exception) -> str:
    """What stopped the assistant from starting, naming the folder and the problem when it is the disk."""
    import errno

    if isinstance(exc, OSError):
        where = exc.filename or settings.data_dir
        what = {
            errno.EACCES: "is not writable (permission denied)", errno.EROFS: "is on a read-only file system",
            errno.ENOSPC: "has no space left on its disk", errno.ENOENT: "does not exist",
        }.get(exc.errno, f"cannot be used ({exc.strerror or exc})")
        return f"The data folder `{where}` {what}. Fix that, then reload the page."
    return (
        f"The assistant could not start ({exc.__class__.__name__}: {str(exc)[:300]}). "
        f"Check that `{settings.data_dir}` exists and is readable and writable, run `make ingest`, and reload the page."
    )


# ---- sidebar -----------------------------------------------------------------------------------


def sidebar_backend(base: Settings) -> None:
    from assistant.answering import BACKENDS

    with st.sidebar.expander("Answer backend", expanded=st.session_state["cfg_backend"] != "extractive"):
        st.selectbox(
            "Backend",
            BACKENDS,
            key="cfg_backend",
            help="extractive: composes the answer from passage sentences, no LLM, no network. "
            "openai / ollama / llamacpp: an LLM writes the answer from the same numbered sources.",
        )
        backend = st.session_state["cfg_backend"]
        if backend in ("openai", "ollama"):
            st.text_input(
                "Endpoint (base URL)",
                key="cfg_base_url",
                placeholder="http://127.0.0.1:11434" if backend == "ollama" else "https://api.openai.com/v1",
            )
            st.text_input("Model", key="cfg_model", placeholder="llama3.1" if backend == "ollama" else "gpt-4o-mini")
        if backend == "openai":
            env_key = bool(base.llm_api_key)
            st.text_input(
                "API key",
                key="cfg_api_key",
                type="password",
                placeholder="using CBEC_LLM_API_KEY from the environment" if env_key else "sk-…",
                help="Kept in this browser session only; never logged or stored with feedback.",
            )
        if backend == "llamacpp":
            st.text_input("GGUF model file", key="cfg_gguf", placeholder="/models/model.gguf")
        if backend != "extractive":
            st.caption("If the endpoint fails, answers fall back to the extractive backend with a warning.")


def sidebar_filters(box, options: dict[str, list[str]], enabled: bool):
    """Render the filter widgets; returns the `Filters` to pass to the chain."""
    from assistant.retrieval import Filters

    ss = st.session_state
    for key, opts in (("flt_doc_types", options["doc_types"]), ("flt_modes", options["mode_codes"]), ("flt_topics", options["topics"])):
        if key in ss:  # an option can disappear after re-indexing; a stale choice would raise
            ss[key] = [v for v in ss[key] if v in opts]
    with box:
        st.subheader("Filters")
        doc_types = st.multiselect(
            "Document type", options["doc_types"], key="flt_doc_types", format_func=humanize,
            placeholder="any type", disabled=not enabled,
        )
        modes = st.multiselect(
            "Customs mode code", options["mode_codes"], key="flt_modes",
            format_func=lambda c: MODE_LABELS.get(c, c), placeholder="any mode", disabled=not enabled,
        )
        topics = st.multiselect(
            "Topic", options["topics"], key="flt_topics", format_func=humanize,
            placeholder="any topic", disabled=not enabled,
        )
        superseded = st.checkbox(
            "Include superseded instruments", key="flt_superseded", disabled=not enabled,
            help="Older, replaced rules are left out by default; when included they are flagged in answers.",
        )
        st.slider("Number of sources", 1, 20, key="cfg_top_k", help="Passages given to the answer step (top_k).")
    return Filters(
        doc_types=tuple(doc_types), mode_codes=tuple(modes), topics=tuple(topics), include_superseded=bool(superseded),
        workspace=ss["workspace"],
    )


def sidebar_status(box, settings: Settings, assistant) -> None:
    from assistant.stores.catalog import read_state

    with box:
        st.subheader("Corpus")
        state = read_state(settings)
        if state:
            c1, c2 = st.columns(2)
            c1.metric("Documents", state.documents)
            c2.metric("Chunks", state.chunks)
            st.caption(
                f"Last ingest {when(state.last_ingest)} · collection `{state.collection or settings.collection}` "
                f"· embedder `{state.embedder or settings.embedder}`"
            )
        else:
            st.caption("No index yet: run `make ingest`, or add documents above.")
        held = len(assistant.retriever.bm25_index.ids) if assistant is not None else 0
        if assistant is not None and state and held != state.chunks:
            st.caption(f"The store holds {held} chunks.")


def sidebar_upload(box, settings: Settings, assistant) -> None:
    from ingest.uploads import UPLOAD_TYPES

    ss = st.session_state
    with box:
        st.subheader("Add documents")
        files = st.file_uploader(
            "PDF, DOCX, HTML, Markdown or text",
            type=list(UPLOAD_TYPES),
            accept_multiple_files=True,
            key=f"uploader_{ss['upload_nonce']}",
            max_upload_size=max(1, math.ceil(settings.max_file_mb)),
            help=f"Up to {settings.max_file_mb:g} MB each. Indexed for this session only: other visitors never see "
                 "your documents, and they are never treated as law.",
        )
        report = ss.get("upload_report")
        if report:
            for line in report.ok:
                st.success(line)
            for line in report.problems:
                st.error(line)
        if files and st.button(f"Index {len(files)} file(s)", type="primary", key="index_uploads"):
            ss["upload_report"] = index_uploads(files, settings, assistant)
            if ss["upload_report"].indexed:
                load_assistant.clear()  # the cached Assistant holds the old BM25 index and titles
            ss["upload_nonce"] += 1
            st.rerun()


def index_uploads(files, settings: Settings, assistant):
    """Hand the uploaded files to `ingest.uploads.index_uploads`, showing its progress."""
    from ingest.uploads import Upload
    from ingest.uploads import index_uploads as run_uploads

    with st.status(f"Indexing {len(files)} file(s)…", expanded=True) as status:
        bar = st.progress(0.0, text="Checking files")
        report = run_uploads(
            [Upload(f.name, f.getvalue()) for f in files],
            settings,
            embeddings=assistant.retriever.store.embeddings if assistant is not None else None,
            indexed_ids=[str(m.get("doc_id", "")) for m in assistant.retriever.bm25_index.metadatas] if assistant else (),
            lock=ingest_lock(),
            progress=lambda frac, text: bar.progress(frac, text=text),
            workspace=st.session_state["workspace"],
        )
        state = "error" if report.problems and not report.ok else "complete"
        status.update(label="Upload finished" if not report.problems else "Upload finished with problems", state=state)
    return report


def sidebar_export(box, turns: list) -> None:
    from assistant.outputs.memo import memo_docx, memo_filename, memo_markdown

    with box:
        st.subheader("Export")
        if not turns:
            st.caption("Ask a question to export the conversation as a draft memo.")
            return
        st.download_button(
            "Conversation memo (.md)", memo_markdown(turns), file_name=memo_filename(turns, "md"),
            mime="text/markdown", key="conv_memo_md", on_click="ignore", icon=":material/description:", width="stretch",
        )
        st.download_button(
            "Conversation memo (.docx)", lambda: memo_docx(turns), file_name=memo_filename(turns, "docx"),
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            key="conv_memo_docx", on_click="ignore", icon=":material/article:", width="stretch",
        )
        st.caption(f"All {len(turns)} answer(s) of this conversation as a draft memo: question, short answer, "
                   "key points, legal basis, what to do, sources.")


# ---- chat --------------------------------------------------------------------------------------


def _find_message(msg_id: str) -> dict | None:
    return next((m for m in st.session_state.get("messages", []) if m.get("id") == msg_id), None)


def _save_feedback(msg_id: str) -> None:
    """Widget callback: store the rating (and comment) of one answer."""
    from assistant.outputs.feedback import FeedbackStore

    msg = _find_message(msg_id)
    rating = st.session_state.get(f"fb_{msg_id}")
    if msg is None or rating is None:
        return
    ans = msg["answer"]
    try:
        # The environment's settings name the store (the message's copy has the URL's password masked).
        FeedbackStore.for_settings(Settings.from_env()).add(
            answer_id=msg_id,
            rating=int(rating),
            comment=st.session_state.get(f"fbc_{msg_id}", "") or "",
            question=ans.question,
            answer=ans.answer,
            citations=[c.to_dict() for c in ans.citations],
            settings=msg["settings"],
            backend=ans.backend,
            filters=ans.filters,
        )
        msg["feedback"] = "saved"
    except Exception as exc:  # feedback must never break the chat
        msg["feedback"] = f"not saved ({exc.__class__.__name__}: {exc})"


def render_sources(ans, titles: dict[str, str]) -> None:
    st.markdown("**Sources**")
    for c in ans.citations:
        superseded = c.status in {"superseded", "partly_superseded", "expired"}
        art = f" — {c.article}" if c.article and c.article != "Overview" else ""
        label = f"[{c.marker}] {c.title}{art}" + (f" · {status_label(c.status)}" if superseded else "")
        with st.expander(escape_markdown(label), icon=":material/warning:" if superseded else ":material/article:"):
            meta = [
                f"**Instrument:** {escape_markdown(c.official_ref or c.instrument or c.title)}",
                f"**Article:** {escape_markdown(c.article or '—')}",
                f"**Date:** {c.date or 'not stated'}",
                f"**Status:** {status_label(c.status)}",
            ]
            if c.doc_type:
                meta.append(f"**Type:** {humanize(c.doc_type)}")
            if c.source_quality and c.source_quality != "upload":
                meta.append(f"**Source quality:** {quality_text(c.source_quality, 'en')}")
            st.markdown(" · ".join(meta))
            if c.source_url:
                st.markdown(f"**Source:** [{escape_markdown(c.source_url)}]({c.source_url})")
            else:
                st.markdown("**Source:** no address recorded")
            if superseded:
                st.warning(currency_note(c, titles, Lang.EN), icon=":material/history:")
            used = [strip_markers(s) for s in c.used_sentences]
            marked = highlight_used(c.text, used)
            if used and "<mark>" not in marked:
                st.caption("Used in the answer (paraphrased): " + " ".join(f"“{escape_markdown(s)}”" for s in used))
            st.markdown(marked, unsafe_allow_html=True)


def answer_markdown(ans) -> str:
    """The answer's parts as Markdown, headed in the answer's language."""
    from assistant.language import text

    lang = ans.lang
    parts = [f"##### {text('short_answer', lang)}", escape_markdown(ans.short_answer or ans.body())]
    if ans.key_points:
        parts += [f"##### {text('key_points', lang)}", "\n".join(f"- {escape_markdown(p)}" for p in ans.key_points)]
    if ans.legal_basis:
        parts += [f"##### {text('legal_basis', lang)}", "\n".join(f"- {legal_basis_line(c, lang)}" for c in ans.legal_basis)]
    if ans.what_to_do:
        parts += [f"##### {text('what_to_do', lang)}",
                  "\n".join(f"{i}. {escape_markdown(x)}" for i, x in enumerate(ans.what_to_do, 1))]
    if ans.matched_terms:
        parts.append(":small[" + ("匹配术语：" if lang == "zh" else "Matched terms: ")
                     + escape_markdown("；".join(f"{zh} → {en}" for zh, en in ans.matched_terms[:8])) + "]")
    return "\n\n".join(parts)


def render_answer(msg: dict, titles: dict[str, str]) -> None:
    """One answer: warnings, text with [n] markers, notes, sources, feedback and memo buttons."""
    from assistant.language import text
    from assistant.outputs.memo import memo_docx, memo_filename, memo_markdown

    if msg.get("error"):
        st.error(msg["content"])
        return
    ans = msg["answer"]
    for w in ans.warnings:
        if w == ans.fallback_reason:
            st.error(
                f"The **{msg['requested_backend']}** endpoint did not answer, so this answer was composed by the "
                f"extractive backend. {w} Check the endpoint URL and model under **Answer backend** in the sidebar "
                "(is the server running?), or switch to **extractive**.",
                icon=":material/error:",
            )
        else:
            st.warning(w, icon=":material/warning:")
    if ans.refused and not ans.declined:
        st.markdown(escape_markdown(ans.body()))
        if ans.suggestions:
            st.info(
                "**Closest topics the corpus does cover:**\n\n" + "\n".join(f"- {escape_markdown(s)}" for s in ans.suggestions)
                + "\n\nRephrase your question around one of these"
                + (f", or clear the filters ({escape_markdown(ans.filters)})." if ans.filters != "none" else "."),
                icon=":material/lightbulb:",
            )
    else:
        st.markdown(answer_markdown(ans))
    for note in ans.notes:
        st.warning(note, icon=":material/history:")
    st.caption(text("disclaimer", ans.lang))
    if ans.citations:
        render_sources(ans, titles)
    total = ans.timings_ms.get("total")
    st.caption(
        f"{ans.backend} · {len(ans.citations)} source(s)"
        + (f" · {total / 1000:.1f} s" if isinstance(total, (int, float)) else "")
        + (f" · filters: {ans.filters}" if ans.filters != "none" else "")
    )
    mid = msg["id"]
    turn = [(ans.question, ans)]
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="center")
    with c1:
        st.feedback("thumbs", key=f"fb_{mid}", on_change=_save_feedback, args=(mid,))
    c2.download_button(
        "Memo .md", memo_markdown(turn), file_name=memo_filename(turn, "md"), mime="text/markdown",
        key=f"memo_md_{mid}", on_click="ignore", icon=":material/download:",
    )
    c3.download_button(
        "Memo .docx", lambda: memo_docx(turn), file_name=memo_filename(turn, "docx"),
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key=f"memo_docx_{mid}", on_click="ignore", icon=":material/download:",
    )
    if st.session_state.get(f"fb_{mid}") is not None:
        st.text_input(
            "Comment (optional)", key=f"fbc_{mid}", on_change=_save_feedback, args=(mid,),
            placeholder="What was right or wrong? Press Enter to save.",
        )
        if msg.get("feedback"):
            st.caption(f"Feedback {msg['feedback']}. Thank you.")


def _history(messages: list[dict]) -> list[dict]:
    return [{"role": m["role"], "content": m["content"]} for m in messages if not m.get("error")]


def ask(question: str, assistant, settings: Settings, filters) -> None:
    """Stream one answer into the page and add the turn to the conversation."""
    from assistant.chain import Answer, QuestionError
    from assistant.stores.chroma import StoreError

    messages = st.session_state["messages"]
    history = _history(messages)
    messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(escape_markdown(question))
    with st.chat_message("assistant"):
        holder: dict[str, Answer] = {}

        def pieces() -> Iterator[str]:
            for item in assistant.stream({"question": question, "history": history, "filters": filters}):
                if isinstance(item, str):
                    yield item
                else:
                    holder["answer"] = item

        error = None
        started = time.perf_counter()
        placeholder = st.empty()
        try:
            with placeholder.container():
                with st.spinner("Searching the sources…"):
                    st.write_stream(pieces())
        except QuestionError as exc:
            error = str(exc)
        except StoreError as exc:
            error = f"The document store became unreachable while answering. {exc}"
        except Exception as exc:  # never a stack trace in the page
            advice = ("switch the answer backend to extractive under **Answer backend**" if settings.backend != "extractive"
                      else "check the corpus status in the sidebar and run `make ingest`")
            error = (
                f"Answering failed ({exc.__class__.__name__}: {str(exc)[:300]}). Try again; if it keeps failing, {advice}."
            )
        placeholder.empty()
        if error or "answer" not in holder:
            msg = {"role": "assistant", "content": error or "No answer was produced; please try again.", "error": True, "id": uuid.uuid4().hex}
        else:
            ans = holder["answer"]
            msg = {
                "role": "assistant",
                "content": ans.answer,
                "answer": ans,
                "id": uuid.uuid4().hex,
                "settings": settings.public_dict(),
                "requested_backend": settings.backend,
                "seconds": round(time.perf_counter() - started, 2),
            }
        messages.append(msg)
        render_answer(msg, assistant.titles)


def empty_state(ready: bool) -> None:
    st.markdown("#### Ask about China Customs rules for cross-border e-commerce")
    st.markdown(
        "Import and export modes **9610, 1210, 1239, 9710, 9810**, tax limits and returns, and Customs protection "
        "of intellectual property (recordation, detention, guarantees, penalties, cases). Every answer cites the "
        "passages it rests on as **[n]**; open a source to see the sentence that was used."
    )
    if not ready:
        return
    st.markdown("**Try one of these:**")
    cols = st.columns(2)
    for i, q in enumerate(STARTERS):
        cols[i % 2].button(q, key=f"starter_{i}", on_click=_ask_later, args=(q,), width="stretch")


def visible_metadatas(assistant) -> list[dict]:
    """Chunk metadata of the shared corpus and of this session's own uploads only."""
    mine = ("", st.session_state.get("workspace", ""))
    return [m for m in assistant.retriever.bm25_index.metadatas if m.get("workspace", "") in mine]


def documents_panel(assistant) -> None:
    from assistant.stores.catalog import documents

    rows = [
        {"title": r.title, "doc_type": humanize(r.doc_type), "date": r.date, "status": status_label(r.status),
         "source": r.source, "source_url": r.source_url, "chunks": r.chunks}
        for r in documents(visible_metadatas(assistant))
    ]
    with st.expander(f"Indexed documents ({len(rows)})", icon=":material/library_books:"):
        if not rows:
            st.caption("Nothing indexed yet.")
            return
        st.dataframe(
            rows,
            hide_index=True,
            column_config={
                "title": st.column_config.TextColumn("Title", width="large"),
                "doc_type": st.column_config.TextColumn("Type"),
                "date": st.column_config.TextColumn("Date"),
                "status": st.column_config.TextColumn("Status"),
                "source": st.column_config.TextColumn("File"),
                "source_url": st.column_config.LinkColumn("Source"),
                "chunks": st.column_config.NumberColumn("Chunks"),
            },
        )


def main() -> None:
    from assistant.stores.catalog import filter_options

    st.set_page_config(page_title=APP_TITLE, page_icon="📦", layout="centered")
    try:
        base = Settings.from_env()
    except ValueError as exc:
        st.error(f"A setting in the environment is invalid: {exc}. Fix it and restart the app.")
        st.stop()
    _init_state(base)
    ss = st.session_state
    viewer = current_viewer(st, base.admins, ss["session_workspace"])
    ss["workspace"] = viewer.workspace
    ss["is_admin"] = viewer.is_admin
    sidebar_account(viewer)

    st.sidebar.button("New conversation", on_click=_new_conversation, icon=":material/add_comment:", width="stretch")
    filters_box = st.sidebar.container()
    sidebar_backend(base)
    export_box = st.sidebar.container()
    upload_box = st.sidebar.container()
    status_box = st.sidebar.container()

    settings = effective_settings(base)
    assistant, problem = get_assistant(settings)
    empty_index = assistant is not None and not assistant.retriever.bm25_index.ids
    ready = assistant is not None and not empty_index
    options = filter_options(visible_metadatas(assistant) if assistant is not None else [])
    filters = sidebar_filters(filters_box, options, enabled=ready)
    sidebar_upload(upload_box, settings, assistant)
    sidebar_status(status_box, settings, assistant)

    st.title(APP_TITLE)
    st.caption("Cited answers on China Customs cross-border e-commerce and IPR rules. General information, not legal advice.")
    if problem:
        st.error(problem, icon=":material/error:")
    elif empty_index:
        st.error(
            "The index is empty: no documents have been ingested yet. Run `make ingest` (or "
            "`.venv/bin/python -m ingest`) in the project folder, or add documents under **Add documents** "
            "in the sidebar, then reload this page.",
            icon=":material/error:",
        )
    if assistant is not None and not empty_index:
        documents_panel(assistant)

    titles = assistant.titles if assistant is not None else {}
    for msg in ss["messages"]:
        with st.chat_message(msg["role"]):
            if msg["role"] == "user":
                st.markdown(escape_markdown(msg["content"]))
            else:
                render_answer(msg, titles)

    typed = st.chat_input(
        "Ask about CBEC customs modes, tax limits or IPR protection… / 可以用中文提问" if ready
        else "The assistant is not ready (see above)",
        disabled=not ready,
        max_chars=base.max_question_chars,
    )
    question = typed or ss.pop("pending_question", None)
    if not ss["messages"] and not question:
        empty_state(ready)
    if question and ready:
        ask(question, assistant, settings, filters)

    turns = [(m["answer"].question, m["answer"]) for m in ss["messages"] if m.get("answer") is not None]
    sidebar_export(export_box, turns)


def run() -> None:
    """Entry point: the chat and the evaluation page, with readable names in the navigation."""
    st.navigation(
        [
            st.Page(main, title="Chat", icon=":material/chat:", default=True),
            st.Page("app/tools_page.py", title="Tools", icon=":material/calculate:"),
            st.Page("app/evaluation_page.py", title="Evaluation", icon=":material/monitoring:"),
        ]
    ).run()


if __name__ == "__main__":
    run()
