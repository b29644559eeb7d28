"""Command line: `python -m assistant ask ...` and `python -m assistant settings`.

    python -m assistant ask [--json] [--questions FILE] [--filter key=value ...] [QUESTION ...]

Answers many questions in one process (the model and indexes load once). With --json, one
JSON object per question per line. Exit status 1 if any question could not be answered
(an empty question), 2 if the index is missing or unreachable.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from assistant.settings import Settings, describe


def _ask(args) -> int:
    from assistant.chain import Assistant, QuestionError
    from assistant.retriever import Filters
    from assistant.store import StoreError

    questions = list(args.question)
    if args.questions:
        questions += [ln.rstrip("\n") for ln in Path(args.questions).read_text(encoding="utf-8").splitlines() if ln.strip()]
    if not questions:
        print("ask: give a question or --questions FILE", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    overrides = {}
    if args.backend:
        overrides["backend"] = args.backend
    if args.k:
        overrides["top_k"] = args.k
    settings = settings.replace(**overrides)
    try:
        filters = Filters.parse(args.filter or [], include_superseded=settings.include_superseded)
        assistant = Assistant.from_settings(settings)
    except (ValueError, StoreError) as exc:
        print(f"ask: {exc}", file=sys.stderr)
        return 2
    if assistant.retriever.lexical.ids == []:
        print("ask: the index is empty; run `python -m ingest` (or `make ingest`) first", file=sys.stderr)
        return 2
    status = 0
    for q in questions:
        try:
            ans = assistant.ask(q, filters=filters)
        except QuestionError as exc:
            status = 1
            if args.json:
                print(json.dumps({"question": q, "error": str(exc)}, ensure_ascii=False))
            else:
                print(f"error: {exc}\n", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(ans.to_dict(full=args.full), ensure_ascii=False), flush=True)
        else:
            for w in ans.warnings:
                print(f"warning: {w}", file=sys.stderr)
            print(f"Q: {ans.question}\n")
            print(textwrap.fill(ans.body(), 100) if "\n" not in ans.body() else ans.body())
            for note in ans.answer.split("\n\n")[1:]:
                print("\n" + textwrap.fill(note, 100))
            if ans.citations:
                print("\nSources:")
                for c in ans.citations:
                    print(f"  [{c.marker}] {c.label()}  {c.source_url}")
            print(f"\n({ans.backend}, {ans.timings_ms['total']:.0f} ms)\n" + "-" * 60)
    return status


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
    sub.add_parser("settings", help="list every setting with its default and meaning")
    args = ap.parse_args(argv)
    if args.cmd == "settings":
        for var, default, doc in describe():
            print(f"{var}={default}\n    {doc}")
        return 0
    return _ask(args)


if __name__ == "__main__":
    sys.exit(main())
