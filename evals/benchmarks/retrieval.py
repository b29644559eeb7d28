"""Retrieval benchmark on any corpus given as JSONL records, through the normal pipeline.

The corpus is ingested by `ingest.pipeline.run_ingest` into its own collection in a
temporary folder (embeddings cached across runs in the main data folder), then every
question is answered by the dense arm, the BM25 arm and the fused retriever, each
measured with the same metrics. Split records (``id#n``) count as their record.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from assistant.config import Settings
from assistant.embedders import CachedEmbeddings, make_embedder
from assistant.retrieval import Filters, HybridRetriever, build_retriever
from evals.metrics import retrieval_summary
from ingest.pipeline import run_ingest

ARMS = {"bm25": {"dense_weight": 0.0}, "dense": {"bm25_weight": 0.0}, "fused": {}}


def record_id(chunk_id: str) -> str:
    return chunk_id.split("#", 1)[0]


def dedupe(ids, k: int) -> list[str]:
    out: list[str] = []
    for i in ids:
        r = record_id(i)
        if r not in out:
            out.append(r)
            if len(out) == k:
                break
    return out


def _bring_onnx_export(settings: Settings, bench: Settings) -> None:
    """The fast path's exported model lives in the data folder: reuse the main one's (else export)."""
    import shutil

    from assistant.config import EmbedderKind, embedder_kind
    from assistant.embedders.onnx import VARIANTS, ensure_exported, export_dir

    kind, arg = embedder_kind(settings.embedder)
    if kind is not EmbedderKind.ONNX or arg not in ("", *VARIANTS):
        return
    src, dst = export_dir(settings.data_dir, arg or "fp32"), export_dir(bench.data_dir, arg or "fp32")
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    else:
        ensure_exported(arg, bench.data_dir)


def prepare(records: list[dict], settings: Settings, workdir: Path, log=print):
    """Ingest the records into a fresh collection under workdir; returns (settings, retriever, report).

    The retriever searches every chunk (superseded ones too) with the cached embedder.
    """
    corpus = workdir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    with open(corpus / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    cache = CachedEmbeddings(make_embedder(settings), settings.data_dir / "cache" / "embeddings.sqlite")
    # Arms choose their own reranker (`run_arms` overrides): the base retriever re-ranks nothing.
    bench = settings.replace(data_dir=workdir / "data", collection="bench", max_file_mb=1e4, reranker="")
    _bring_onnx_export(settings, bench)
    t = time.perf_counter()
    report = run_ingest(bench, corpus=corpus, embeddings=cache, progress=False)
    log(f"ingested {report.documents} records as {report.chunks} chunks in {time.perf_counter() - t:.1f} s "
        f"({len(report.failed)} reported)")
    return bench, build_retriever(bench, embeddings=cache, filters=Filters(include_superseded=True)), report


def run_arms(
    bench: Settings, base: HybridRetriever, questions: list[dict], k: int = 10, arms=("bm25", "dense", "fused"),
    overrides=None,
) -> dict[str, dict]:
    """Rankings and metrics per arm: ``{arm: {"runs": {qid: [ids]}, "metrics": {...}, "seconds": s}}``.

    ``arms`` names arms of `ARMS`, or maps new arm names to their settings overrides.
    """
    table = arms if isinstance(arms, dict) else {a: ARMS[a] for a in arms}
    texts = [q["question"] for q in questions]
    vectors = base.store.embeddings.embed_documents(texts)
    qrels = {q["id"]: q["relevant_ids"] for q in questions}
    results = {}
    for arm, arm_overrides in table.items():
        s = bench.replace(**{**(overrides or {}), **arm_overrides})
        retriever = base.with_settings(s)
        t = time.perf_counter()
        runs = {}
        for i in range(0, len(questions), 64):
            batch = questions[i : i + 64]
            docs = retriever.search_many(
                [q["question"] for q in batch], k=k * 3, vectors=vectors[i : i + 64]
            )
            for q, ds in zip(batch, docs, strict=True):
                runs[q["id"]] = dedupe([h.chunk_id for h in ds], k)
        results[arm] = {
            "runs": runs,
            "metrics": retrieval_summary(runs, qrels, k),
            "seconds": round(time.perf_counter() - t, 2),
        }
    return results


def benchmark(records, questions, settings: Settings, k=10, run_out: Path | None = None, log=print, overrides=None):
    with tempfile.TemporaryDirectory(prefix="cbec-bench-") as tmp:
        bench, retriever, report = prepare(records, settings, Path(tmp), log)
        results = run_arms(bench, retriever, questions, k, overrides=overrides)
        if run_out:
            with open(run_out, "w", encoding="utf-8") as fh:
                for qid, ranked in results["fused"]["runs"].items():
                    fh.write(json.dumps({"id": qid, "ranked": ranked}) + "\n")
        return report, results


def record_texts(retriever: HybridRetriever) -> dict[str, str]:
    """Each record's text as the index holds it (its first chunk: heading path, then passage)."""
    index = retriever.bm25_index
    out: dict[str, str] = {}
    for row in range(len(index.ids)):
        chunk = index.chunk(row)
        out.setdefault(record_id(chunk.chunk_id), chunk.text)
    return out


class MemoReranker:
    """A reranker that remembers its scores: blends tried one after another read each pair once."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self._seen: dict[tuple[str, str], float] = {}

    def scores(self, query: str, passages) -> list[float]:
        todo = [p for p in dict.fromkeys(passages) if (query, p) not in self._seen]
        for p, s in zip(todo, self.inner.scores(query, todo), strict=True):
            self._seen[(query, p)] = s
        return [self._seen[(query, p)] for p in passages]
