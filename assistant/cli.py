"""Command line: `python -m assistant ask | settings | serve`.

    python -m assistant ask [--json] [--questions FILE] [--filter key=value ...] [QUESTION ...]
    python -m assistant settings [--markdown]
    python -m assistant serve [--port 8501] [--address 127.0.0.1]

Answers many questions in one process (the model and indexes load once). With --json, one
JSON object per question per line. Exit status 1 if any question could not be answered
(an empty question), 2 if the index is missing or unreachable or a setting is wrong (serve checks
the shared state database, CBEC_STATE_URL, before starting).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
import time
from pathlib import Path

from assistant.config import Settings, describe, settings_table


def clean_argument(text: str) -> str:
    """A command-line question with undecodable bytes replaced (argv arrives with surrogate escapes)."""
    raw = text.encode("utf-8", "surrogateescape")
    decoded = raw.decode("utf-8", "replace")
    if decoded != text:
        print("ask: the question held bytes that are not UTF-8; they were replaced with \ufffd", file=sys.stderr)
    return decoded


def read_questions(path: Path) -> list[str]:
    """One question per line, split on newlines only (U+2028 or \\x0b inside a line stay in it).

    A line that is not valid UTF-8 is decoded with replacement characters and reported, so every
    other line is still answered and answers stay aligned with the lines they answer.
    """
    out = []
    for n, raw in enumerate(path.read_bytes().split(b"\n"), 1):
        try:
            line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            line = raw.decode("utf-8", "replace")
            print(f"ask: {path.name}:{n}: not valid UTF-8 (byte {exc.start}); bad bytes replaced", file=sys.stderr)
        line = line.rstrip("\r")
        if line.strip():
            out.append(line)
    return out


def _ask(args) -> int:
    from assistant.chain import Assistant, QuestionError
    from assistant.embedders import EmbedderUnavailable
    from assistant.retrieval import Filters
    from assistant.stores.chroma import StoreError

    questions = [clean_argument(q) for q in args.question]
    if args.questions:
        try:
            questions += read_questions(Path(args.questions))
        except OSError as exc:
            print(f"ask: cannot read {args.questions}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    if not questions:
        print("ask: give a question or --questions FILE", file=sys.stderr)
        return 2
    overrides = {}
    if args.backend:
        overrides["backend"] = args.backend
    if args.k:
        overrides["top_k"] = args.k
    try:
        settings = Settings.from_env().replace(**overrides)
        filters = Filters.parse(args.filter or [], include_superseded=settings.include_superseded)
        assistant = Assistant.from_settings(settings)
    except (ValueError, StoreError) as exc:
        print(f"ask: {exc}", file=sys.stderr)
        return 2
    if not assistant.retriever.bm25_index.ids:
        print("ask: the index is empty; run `python -m ingest` (or `make ingest`) first", file=sys.stderr)
        return 2
    status = 0
    for q in questions:
        try:
            ans = assistant.ask(q, filters=filters)
        except EmbedderUnavailable as exc:  # no question can be answered: say why, once
            print(f"ask: {exc}", file=sys.stderr)
            return 2
        except QuestionError as exc:
            status = 1
            if args.json:
                print(json_line({"question": q, "error": str(exc)}))
            else:
                print(f"error: {exc}\n", file=sys.stderr)
            continue
        if args.json:
            print(json_line(ans.to_dict(full=args.full)), flush=True)
        else:
            for w in ans.warnings:
                print(f"warning: {w}", file=sys.stderr)
            print(f"Q: {ans.question}\n")
            print(render_text(ans))
            if ans.citations:
                from assistant.language import text as ui_text

                print(f"\n{ui_text('sources', ans.lang)}:")
                for c in ans.citations:
                    print(f"  [{c.marker}] {c.label()}  {c.source_url}")
            print(f"\n({ans.backend}, {ans.timings_ms['total']:.0f} ms)\n" + "-" * 60)
    return status


def wrap_cjk(text: str, columns: int, lead: str = "") -> str:
    """Chinese (or mixed) text in lines of at most ``columns`` display columns after ``lead``."""
    pieces = re.findall(r"[A-Za-z0-9][A-Za-z0-9.,:%/()\[\]'-]*|\s+|.", text)
    lines, line, used = [], lead, len(lead)
    for piece in pieces:
        width = sum(2 if "\u3000" <= ch <= "\uffef" or "\u4e00" <= ch <= "\u9fff" else 1 for ch in piece)
        if used + width > columns and line.strip():
            lines.append(line.rstrip())
            line, used = " " * len(lead), len(lead)
            if piece.isspace():
                continue
        line += piece
        used += width
    lines.append(line.rstrip())
    return "\n".join(lines)


def render_text(ans) -> str:
    """An answer as plain text in its parts: short answer, key points, legal basis, what to do, notes."""
    from assistant.chain import suggestion_sentence
    from assistant.language import Lang, text

    lang = Lang(ans.lang)
    def wrap(t: str, lead: str = "") -> str:
        # The width follows the text, not the answer's language (an English passage quoted in a
        # Chinese answer keeps full-width lines). Chinese has no spaces to break at: it breaks between
        # characters (never inside an ASCII word), each character two columns wide.
        if not re.search(r"[\u4e00-\u9fff]", t):
            return textwrap.fill(t, 100, initial_indent=lead, subsequent_indent=" " * len(lead))
        return wrap_cjk(t, 100, lead)
    out = [wrap(ans.short_answer or ans.body())]
    if ans.key_points:
        out.append(f"{text('key_points', lang)}:\n" + "\n".join(wrap(p, "  - ") for p in ans.key_points))
    if ans.legal_basis:
        lines = [f"[{c.marker}] {c.basis_label(lang.value)}" for c in ans.legal_basis]
        out.append(f"{text('legal_basis', lang)}:\n" + "\n".join(wrap(x, "  - ") for x in lines))
    if ans.what_to_do:
        out.append(f"{text('what_to_do', lang)}:\n" + "\n".join(wrap(s, f"  {i}. ") for i, s in enumerate(ans.what_to_do, 1)))
    out.extend(wrap(n) for n in ans.notes)
    if ans.refused and ans.suggestions:
        out.append(wrap(suggestion_sentence(ans.suggestions, lang)))
    out.append(text("disclaimer", lang))
    return "\n\n".join(out)


def _serve(args) -> int:
    """Start the web chat, loading the embedding model while the server boots.

    Importing sentence-transformers and loading the model take ~5 s; Streamlit would only
    start them when the first visitor's session runs the page. Doing it in a thread of the
    server process, shared through the embedder's model cache, makes the first answer come
    that much sooner. The index is brought in step first by `python -m ingest --if-stale`
    (`make run` runs both).
    """
    import threading

    from assistant.embedders import make_embedder
    from assistant.stores.shared import StateError, check

    try:
        settings = Settings.from_env()
        # A shared state database that cannot be reached is a configuration error: said in one
        # line before the server starts, not at the first upload or rating.
        check(settings)
    except (ValueError, StateError) as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2

    def warm() -> None:
        t = time.perf_counter()
        try:
            make_embedder(settings).embed_query("warm up")
        except Exception as exc:  # the page reports it to the user too; the server keeps running
            print(f"serve: the embedding model could not load: {exc}", file=sys.stderr, flush=True)
            return
        print(f"embedding model ready in {time.perf_counter() - t:.1f} s", flush=True)

    # Started first, so the ~5 s import overlaps the server's boot.
    threading.Thread(target=warm, name="warm-embedder", daemon=True).start()

    script = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
    print(f"Web chat: http://{args.address}:{args.port}", flush=True)
    from streamlit.web import cli as streamlit_cli

    # The public `streamlit run` command line, in this process (so the warm thread counts).
    streamlit_cli.main.main(
        args=["run", script, "--server.headless", "true", "--server.address", args.address,
              "--server.port", str(args.port), "--browser.gatherUsageStats", "false"],
        prog_name="streamlit",
    )
    return 0


def json_line(obj: dict) -> str:
    """One JSON Lines record, readable (Chinese stays Chinese) and safe to split: U+2028 and U+2029,
    which many readers (Python's ``splitlines``, JavaScript) treat as line breaks, are escaped."""
    return json.dumps(obj, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant")
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("ask", help="answer questions with citations")
    a.add_argument("question", nargs="*")
    a.add_argument("--json", action="store_true", help="one JSON object per question per line")
    a.add_argument("--full", action="store_true", help="with --json: also warnings, rewrite, retrieved ids")
    a.add_argument("--questions", help="file with one question per line")
    a.add_argument("--filter", action="append", metavar="KEY=VALUE",
                   help="doc_type, mode_code, topic, status, include_superseded, date_from, date_to")
    a.add_argument("--backend", help="override CBEC_BACKEND")
    a.add_argument("-k", type=int, help="passages to retrieve (override CBEC_TOP_K)")
    st = sub.add_parser("settings", help="list every setting with its default and meaning")
    st.add_argument("--markdown", action="store_true", help="as the README's Markdown table")
    sv = sub.add_parser("serve", help="start the web chat (model warmed while the server boots)")
    sv.add_argument("--port", type=int, default=8501)
    sv.add_argument("--address", default="127.0.0.1")
    from assistant.tools.cli import add_tool_parser, run_tool_command

    add_tool_parser(sub)
    args = ap.parse_args(argv)
    if args.cmd == "tool":
        return run_tool_command(args)
    if args.cmd == "serve":
        return _serve(args)
    if args.cmd == "settings":
        if args.markdown:
            print(settings_table())
            return 0
        for var, default, doc in describe():
            print(f"{var}={default}\n    {doc}")
        return 0
    return _ask(args)


if __name__ == "__main__":
    sys.exit(main())
