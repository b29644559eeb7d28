"""Ingest throughput against the embedder's raw encode rate on the same texts."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from assistant.config import Settings


def raw_rate(emb, texts: list[str]) -> float:
    """Chunks per second the embedder encodes on its own (after one warm-up call)."""
    emb.embed_documents(["warm up"])
    t = time.perf_counter()
    emb.embed_documents(texts)
    return len(texts) / (time.perf_counter() - t)


def measure(records: list[dict], settings: Settings, against: str = "") -> dict[str, float]:
    """Raw encode rate, end-to-end ingest rate and their ratio; prints and returns them.

    With ``against`` (another embedder, e.g. the torch model), its raw encode rate on the same
    chunks is measured first, and the ingest rate is also given as a multiple of it.
    """
    from assistant.config import EmbedderKind, embedder_kind
    from assistant.embedders import make_embedder
    from assistant.embedders.onnx import ensure_exported
    from ingest.converters import SourceDocument
    from ingest.splitter import split_document

    texts = []
    for r in records:
        doc = SourceDocument(r["id"], r["text"], "x.jsonl", r["metadata"], structured=False, record=True)
        texts.extend(c.page_content for c in split_document(doc, settings.chunk_size, settings.chunk_overlap))
    base = raw_rate(make_embedder(settings.replace(embedder=against)), texts) if against else None
    kind, arg = embedder_kind(settings.embedder)
    if kind is EmbedderKind.ONNX:  # the export is a build step: made once, before anything is timed
        ensure_exported(arg, settings.data_dir)
    emb = make_embedder(settings)
    raw = raw_rate(emb, texts)
    # The raw rate is measured warm (model loaded, one call made), so ingest is too: a first ingest
    # of a few records pays the one-time set-up (imports of the record manager, store client, BM25),
    # which is printed, not hidden.
    setup = _ingest(records[:3], settings, emb).seconds
    rep = _ingest(records, settings, emb)
    rate = rep.embedded / rep.seconds
    print(f"raw encode: {raw:.1f} chunks/s; ingest: {rate:.1f} chunks/s end to end "
          f"({rep.embedded} chunks in {rep.seconds:.1f} s) = {rate / raw:.2f}x raw  [{settings.embedder}]; "
          f"one-time set-up before it (first ingest of 3 records): {setup:.1f} s")
    out = {"raw": raw, "ingest": rate, "ratio": rate / raw, "setup_seconds": setup}
    if base is not None:
        print(f"raw encode of {against}: {base:.1f} chunks/s; ingest with {settings.embedder} = {rate / base:.2f}x that")
        out |= {"against_raw": base, "vs_against": rate / base}
    return out


def _ingest(records: list[dict], settings: Settings, emb):
    """One full ingest of ``records`` into a fresh data folder; its report."""
    from ingest.pipeline import run_ingest

    with tempfile.TemporaryDirectory(prefix="cbec-ingest-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        (corpus / "c.jsonl").write_text("\n".join(json.dumps(r) for r in records))
        return run_ingest(settings.replace(data_dir=Path(tmp) / "data", collection="rate"), corpus=corpus, embeddings=emb)
