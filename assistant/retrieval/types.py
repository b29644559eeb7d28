"""The types that cross the retrieval border: what the user narrowed to (`Filters`), one arm's
ranking (`Ranked`) and one retrieved passage with its scores (`Hit`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.schema import CODE_FLAG, TOPIC_FLAG, WORKSPACE_KEY, flag_key, passage_text

FILTER_KEYS = ("doc_type", "mode_code", "topic", "status", "include_superseded", "date_from", "date_to")


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the search to. Empty tuples mean "any"."""

    doc_types: tuple[str, ...] = ()
    mode_codes: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    include_superseded: bool = False
    date_from: str = ""  # ISO date, inclusive
    date_to: str = ""
    # The workspace whose uploads may be searched besides the shared corpus ("" = shared corpus only).
    workspace: str = ""

    @classmethod
    def parse(cls, pairs: Iterable[str], include_superseded: bool = False) -> Filters:
        """From ``key=value`` strings (values may be comma-separated); unknown keys are an error."""
        acc: dict[str, list[str]] = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            key = key.strip().replace("-", "_")
            if not sep or key not in FILTER_KEYS:
                raise ValueError(f"bad filter {pair!r}: use key=value with key one of {', '.join(FILTER_KEYS)}")
            acc.setdefault(key, []).extend(v.strip() for v in value.split(",") if v.strip())
        inc = include_superseded
        if "include_superseded" in acc:
            inc = acc["include_superseded"][-1].lower() in {"1", "true", "yes"}
        for k in ("date_from", "date_to"):
            if k in acc and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", acc[k][-1]):
                raise ValueError(f"bad filter {k}={acc[k][-1]!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
        return cls(
            doc_types=tuple(acc.get("doc_type", ())),
            mode_codes=tuple(acc.get("mode_code", ())),
            topics=tuple(acc.get("topic", ())),
            statuses=tuple(acc.get("status", ())),
            include_superseded=inc or "superseded" in acc.get("status", ()),
            date_from=acc.get("date_from", [""])[-1],
            date_to=acc.get("date_to", [""])[-1],
        )

    def _date_bounds(self) -> tuple[int, int]:
        def num(s: str, end: bool) -> int:
            parts = s.split("-")
            y = int(parts[0])
            m = int(parts[1]) if len(parts) > 1 else (12 if end else 1)
            d = int(parts[2]) if len(parts) > 2 else (31 if end else 1)
            return y * 10000 + m * 100 + d

        return (num(self.date_from, False) if self.date_from else 0, num(self.date_to, True) if self.date_to else 0)

    def matches(self, meta: dict) -> bool:
        if meta.get(WORKSPACE_KEY, "") not in ("", self.workspace):
            return False  # another user's upload: never
        if self.doc_types and meta.get("doc_type") not in self.doc_types:
            return False
        if self.statuses and meta.get("status") not in self.statuses:
            return False
        if not self.include_superseded and meta.get("status") == "superseded":
            return False
        if self.mode_codes and not any(meta.get(flag_key(CODE_FLAG, m)) for m in self.mode_codes):
            return False
        if self.topics and not any(meta.get(flag_key(TOPIC_FLAG, t)) for t in self.topics):
            return False
        lo, hi = self._date_bounds()
        date = int(meta.get("date_num") or 0)
        if lo and date < lo:
            return False
        if hi and (not date or date > hi):
            return False
        return True

    def where(self) -> dict | None:
        """The same conditions as a Chroma ``where`` clause."""
        clauses: list[dict] = [{WORKSPACE_KEY: {"$in": ["", self.workspace] if self.workspace else [""]}}]
        if self.doc_types:
            clauses.append({"doc_type": {"$in": list(self.doc_types)}})
        if self.statuses:
            clauses.append({"status": {"$in": list(self.statuses)}})
        if not self.include_superseded:
            clauses.append({"status": {"$ne": "superseded"}})
        if self.mode_codes:
            ors = [{flag_key(CODE_FLAG, m): True} for m in self.mode_codes]
            clauses.append(ors[0] if len(ors) == 1 else {"$or": ors})
        if self.topics:
            ors = [{flag_key(TOPIC_FLAG, t): True} for t in self.topics]
            clauses.append(ors[0] if len(ors) == 1 else {"$or": ors})
        lo, hi = self._date_bounds()
        if lo:
            clauses.append({"date_num": {"$gte": lo}})
        if hi:
            clauses.append({"date_num": {"$lte": hi}})
            clauses.append({"date_num": {"$gt": 0}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def describe(self) -> str:
        parts = [f"{k}={','.join(v)}" for k, v in (
            ("doc_type", self.doc_types), ("mode_code", self.mode_codes), ("topic", self.topics), ("status", self.statuses)
        ) if v]
        if self.include_superseded:
            parts.append("include_superseded")
        if self.date_from:
            parts.append(f"from {self.date_from}")
        if self.date_to:
            parts.append(f"to {self.date_to}")
        return ", ".join(parts) or "none"


@dataclass
class Ranked:
    """One arm's ranking: chunk ids best first, with their scores."""

    ids: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    # Mean and sd of the query's scores over the whole corpus, when the arm knows them;
    # otherwise fusion standardises over the candidates.
    mean: float | None = None
    std: float | None = None


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk: its text and metadata, the fused score, and each arm's score and rank.

    ``dense_score`` is the cosine similarity (None when the dense arm did not return the chunk);
    ranks are 1-based. The scores travel here, never inside the metadata.
    """

    chunk_id: str
    text: str  # title and heading path + passage, as embedded
    metadata: dict
    score: float
    dense_score: float | None = None
    dense_rank: int | None = None
    bm25_score: float | None = None
    bm25_rank: int | None = None
    rerank_score: float | None = None  # the cross-encoder's, when re-ranking is on

    @property
    def passage(self) -> str:
        """The passage itself, without the title/heading prefix."""
        return passage_text(self.text, self.metadata)

    @property
    def doc_id(self) -> str:
        return str(self.metadata.get("doc_id", ""))

    def to_document(self):
        """As a LangChain `Document` (for LangChain callers), scores copied into the metadata."""
        from langchain_core.documents import Document

        meta = dict(self.metadata)
        meta.update(score=self.score, dense_score=self.dense_score, dense_rank=self.dense_rank,
                    bm25_score=self.bm25_score, bm25_rank=self.bm25_rank)
        return Document(page_content=self.text, metadata=meta, id=self.chunk_id)
