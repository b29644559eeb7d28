"""Ingest throughput against the embedder's raw encode rate on the same texts."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from assistant.config import Settings


def measure(records: list[dict], settings: Settings) -> dict[str, float]:
    """Raw encode rate, end-to-end ingest rate and their ratio; prints and returns them."""
    from assistant.embedders import make_embedder
    from ingest.converters import SourceDocument
    from ingest.pipeline import run_ingest
    from ingest.splitter import split_document

    emb = make_embedder(settings)
    emb.embed_documents(["warm up"])
    texts = []
    for r in records:
        doc = SourceDocument(r["id"], r["text"], "x.jsonl", r["metadata"], structured=False, record=True)
        texts.extend(c.page_content for c in split_document(doc, settings.chunk_size, settings.chunk_overlap))
    t = time.perf_counter()
    emb.embed_documents(texts)
    raw = len(texts) / (time.perf_counter() - t)
    with tempfile.TemporaryDirectory(prefix="cbec-ingest-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        (corpus / "c.jsonl").write_text("\n".join(json.dumps(r) for r in records))
        rep = run_ingest(settings.replace(data_dir=Path(tmp) / "data", collection="rate"), corpus=corpus, embeddings=emb)
    rate = rep.embedded / rep.seconds
    print(f"raw encode: {raw:.1f} chunks/s; ingest: {rate:.1f} chunks/s end to end "
          f"({rep.embedded} chunks in {rep.seconds:.1f} s) = {rate / raw:.2f}x raw")
    return {"raw": raw, "ingest": rate, "ratio": rate / raw}
