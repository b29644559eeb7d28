"""`python -m ingest [--corpus PATH] [--rebuild] [--if-stale] [--verify] [--json]`: bring the index in step with the corpus.

`--verify` compares the vector store, the record manager and the BM25 index (after a killed
run they can disagree: chunks served twice, chunks the record manager no longer knows), repairs
what differs, then ingests, so the three agree with the corpus again.

Exit status: 0 when every file loaded (or, with --if-stale, nothing had changed), 1 when some
files failed (the rest is ingested), 2 when the run itself could not happen (no corpus folder,
store unreachable, a setting or an installed package missing).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.config import Settings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="corpus folder (default: CBEC_CORPUS_DIR or ./corpus)")
    ap.add_argument("--rebuild", action="store_true", help="drop the collection and index everything again")
    ap.add_argument("--if-stale", action="store_true",
                    help="do nothing when the corpus and the settings that shape the index are unchanged since the last good ingest")
    ap.add_argument("--verify", action="store_true",
                    help="compare store, record manager and BM25 index, repair differences, then ingest")
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"ingest: {exc}", file=sys.stderr)
        return 2
    from assistant.config import EmbedderKind, embedder_kind

    kind, arg = embedder_kind(settings.embedder)
    if kind is EmbedderKind.ONNX:
        # The fast path's model is exported here, once (needs torch); the server never exports.
        from assistant.embedders.onnx import ensure_exported

        try:
            ensure_exported(arg, settings.data_dir)
        except (ImportError, OSError) as exc:
            print(f"ingest: could not export the ONNX model ({exc.__class__.__name__}: {exc})", file=sys.stderr)
            return 2
    if args.verify:
        code = _verify(settings, args.json)
        if code:
            return code
    elif args.if_stale and not args.rebuild:
        from assistant.stores.catalog import interrupted_ingest, pid_alive

        journal = interrupted_ingest(settings)
        if journal and not pid_alive(int(journal.get("pid") or 0)):
            print(f"ingest: the ingest started {journal.get('started')} did not finish; completing it now",
                  file=sys.stderr)
        from ingest.state import is_current

        # A stat of each file decides; an unchanged corpus costs no model, store or LangChain import.
        if is_current(settings, args.corpus):
            if not args.json:
                print("ingest: the index is current; nothing to do")
            return 0

    from assistant.embedders.errors import EmbedderUnavailable
    from assistant.stores.chroma import StoreError
    from ingest.converters import MissingDependencyError
    from ingest.pipeline import run_ingest

    try:
        report = run_ingest(
            settings,
            corpus=args.corpus,
            rebuild=args.rebuild,
            progress=not (args.quiet or args.json) and sys.stderr.isatty(),
        )
    except (FileNotFoundError, StoreError, MissingDependencyError, EmbedderUnavailable) as exc:
        print(f"ingest: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        r = report
        print(
            f"documents {r.documents}  chunks {r.chunks}  added {r.added}  updated {r.updated}  "
            f"skipped {r.skipped}  deleted {r.deleted}  failed {len(r.failed)}  "
            f"{r.seconds:.1f} s  {r.chunks_per_s:.1f} chunks/s embedded"
        )
        for f in r.failed:
            print(f"  FAILED {f.path}: {f.reason}")
    return 0 if report.ok else 1


def _verify(settings: Settings, as_json: bool) -> int:
    """Check and repair; 0 to go on with the ingest, 2 when the store cannot be reached."""
    from assistant.stores.chroma import StoreError
    from ingest.pipeline import verify

    try:
        r = verify(settings, repair=True)
    except (StoreError, OSError) as exc:
        print(f"ingest: cannot verify: {exc}", file=sys.stderr)
        return 2
    if as_json:
        d = r.to_dict()
        print(json.dumps({k: (len(v) if isinstance(v, list) else v) for k, v in d.items()}))
    else:
        print(f"verify: store {r.store}  records {r.records}  bm25 {r.bm25}  store-only {len(r.store_only)}  "
              f"records-only {len(r.records_only)}  chunk ids served twice {len(r.duplicate_chunk_ids)}  "
              f"bm25 stale {r.bm25_stale}  interrupted run {r.interrupted}  -> "
              + ("repaired" if r.repaired else "consistent"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
