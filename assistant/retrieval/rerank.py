"""Re-ranking the fused candidates with a cross-encoder: the question and a passage read together.

The two arms score a passage without ever seeing it beside the question: BM25 counts shared words,
the embedder compares two vectors made apart. A cross-encoder reads both at once, so it can tell
the passage a question was written from among several that share its words. It costs one model
pass per (question, passage) pair, so only the fused top ``rerank_depth`` are read, and it is off
by default: the chat's answer step needs 50 ms, a re-ranked search on 2 cores takes a few hundred.
Consultants' batch work and the ObliQA benchmark turn it on with ``CBEC_RERANKER=DIR``.

A reranker is trained by `evals.train_reranker` (``python -m evals train-reranker``) from the
bundled MiniLM's weights; any Hugging Face sequence-classification model with one output works.
The final order blends the cross-encoder's standardised score with the fusion's standardised
score (``rerank_weight`` is the cross-encoder's share, chosen on ObliQA's training fold).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.config import PREFIX, Settings


@runtime_checkable
class Reranker(Protocol):
    """Scores passages for one question: higher is more likely to answer it."""

    name: str

    def scores(self, query: str, passages: Sequence[str]) -> list[float]: ...


class RerankerError(ValueError):
    """A reranker setting that cannot work (missing folder, not a model), said in one line."""


class CrossEncoderReranker:
    """A Hugging Face sequence-classification model with a single relevance output, on CPU.

    Loaded on first use, once, behind a lock (several chat sessions may ask at once).
    """

    def __init__(self, path: Path, max_length: int = 192, batch_size: int = 32) -> None:
        self.path = Path(path)
        self.name = f"cross-encoder:{self.path.name}"
        self.max_length = max_length
        self.batch_size = batch_size
        self._model = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                import torch  # noqa: F401  (the model runs on torch; the fast path never builds a reranker)
                from transformers import AutoModelForSequenceClassification, AutoTokenizer

                self._tokenizer = AutoTokenizer.from_pretrained(str(self.path))
                model = AutoModelForSequenceClassification.from_pretrained(str(self.path))
                model.eval()
                self._model = model
        return self._model, self._tokenizer

    def scores(self, query: str, passages: Sequence[str]) -> list[float]:
        import torch

        if not passages:
            return []
        model, tok = self._load()
        out: list[float] = []
        with torch.inference_mode():
            for i in range(0, len(passages), self.batch_size):
                part = list(passages[i : i + self.batch_size])
                enc = tok([query] * len(part), part, truncation="only_second", max_length=self.max_length,
                          padding=True, return_tensors="pt")
                out.extend(model(**enc).logits[:, 0].tolist())
        return out


def make_reranker(settings: Settings) -> Reranker | None:
    """The reranker ``settings.reranker`` names, or None when re-ranking is off (the default)."""
    ref = settings.reranker.strip()
    if not ref:
        return None
    path = Path(ref).expanduser()
    if not (path / "config.json").is_file():
        raise RerankerError(
            f"{PREFIX}RERANKER={ref!r}: no model folder there (expected a config.json); train one with "
            "`python -m evals train-reranker`, or leave the setting empty to search without re-ranking"
        )
    return CrossEncoderReranker(path, max_length=settings.rerank_max_length)


def _standardise(values: Sequence[float]) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    sd = float(v.std()) or 1.0
    return (v - float(v.mean())) / sd


def blend(fused: Sequence[float], cross: Sequence[float], weight: float) -> list[float]:
    """``weight`` × standardised cross-encoder score + (1 − weight) × standardised fused score."""
    if len(fused) != len(cross):
        raise ValueError("one cross-encoder score per fused candidate")
    if not len(fused):
        return []
    return (weight * _standardise(cross) + (1.0 - weight) * _standardise(fused)).tolist()
