"""Warm retrieval and extractive answer latency on a large index (ObliQA, ~14k chunks)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from assistant.config import Settings
from evals import metrics as M


def measure(records: list[dict], questions: list[str], settings: Settings) -> dict[str, float]:
    """p50/p95 of retrieve, answer step and whole ask over ``questions``; prints and returns them."""
    from assistant.answering.extractive import ExtractiveAnswerer
    from assistant.chain import Assistant
    from assistant.embedders import make_embedder
    from assistant.retrieval import Filters, build_retriever
    from evals.benchmarks.retrieval import prepare

    with tempfile.TemporaryDirectory(prefix="cbec-latency-") as tmp:
        bench, _, rep = prepare(records, settings, Path(tmp))
        bench = bench.replace(reranker=settings.reranker)  # measured with the reranker when one is set
        # A plain (uncached) embedder for queries, as in the product.
        retriever = build_retriever(bench, embeddings=make_embedder(bench), filters=Filters(include_superseded=True))
        assistant = Assistant(bench, retriever, ExtractiveAnswerer(bench.answer_sentences))
        assistant.min_relevance = 0.0
        retriever.search("warm up", k=bench.top_k)
        ret, tot, ans = [], [], []
        for q in questions:
            t = time.perf_counter()
            retriever.search(q, k=bench.top_k)
            ret.append((time.perf_counter() - t) * 1000)
            a = assistant.invoke(q)
            tot.append(a.timings_ms["total"])
            ans.append(a.timings_ms["answer"])
        out = {
            "chunks": rep.chunks,
            "retrieve_p50": M.percentile(ret, 50), "retrieve_p95": M.percentile(ret, 95),
            "answer_p50": M.percentile(ans, 50), "answer_p95": M.percentile(ans, 95),
            "ask_p50": M.percentile(tot, 50), "ask_p95": M.percentile(tot, 95),
        }
        print(f"index: {rep.chunks} chunks; {len(questions)} questions"
              + (f"; re-ranking the top {bench.rerank_depth} with {bench.reranker}" if bench.reranker else ""))
        print(f"retrieve       p50 {out['retrieve_p50']:7.1f} ms   p95 {out['retrieve_p95']:7.1f} ms")
        print(f"answer step    p50 {out['answer_p50']:7.1f} ms   p95 {out['answer_p95']:7.1f} ms")
        print(f"ask (total)    p50 {out['ask_p50']:7.1f} ms   p95 {out['ask_p95']:7.1f} ms")
        return out
