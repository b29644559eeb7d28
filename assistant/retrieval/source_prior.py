"""Rules before illustrations: cases and statistics yield to rules unless the question asks for them.

A seller's situation ("customs detained my sneakers at Shenzhen, what now?") shares many words with
the published cases (sneakers, Shenzhen, detained), so on the whole corpus the cases outrank the
rules that answer it, often by several standard deviations. Unless the question asks for cases,
examples or figures, and cases or statistics came up, retrieval runs a second time restricted to
the other sources (laws, regulations, announcements, tax notices, guides...) and the answer step
gets those first, with at most ``MAX_ILLUSTRATIONS`` case or statistics passages after them.
"""

from __future__ import annotations

import dataclasses
import re

from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.types import Filters, Hit

# "Phone cases" are goods ("can I ship branded phone cases under 9610?"); "the NOKIA phone case" is a case.
ASKS_FOR_CASES = re.compile(
    r"\b(cases?(?<!phone cases)(?<!pencil cases)|examples?|precedents?|happened to|real[- ]life|statistics?|figures?|how many (seizures|cases|detentions|batches)|"
    r"seized in|in (19|20)\d\d)\b|案例|例子|统计|数据",
    re.I,
)
ILLUSTRATIONS = frozenset({"case", "statistics"})
MAX_ILLUSTRATIONS = 2


def asks_for_cases(question: str) -> bool:
    return bool(ASKS_FOR_CASES.search(question))


def search_preferring_rules(
    retriever: HybridRetriever, query: str, k: int, filters: Filters, vector: list[float] | None = None
) -> list[Hit]:
    """The ``k`` passages for ``query``: rule sources first unless cases are asked for (see module docstring)."""
    vectors = [vector] if vector is not None else None
    hits = retriever.search_many([query], k=k, filters=filters, vectors=vectors)[0]
    if asks_for_cases(query) or filters.doc_types:
        return hits
    rule_types = tuple(sorted(retriever.bm25_index.doc_types() - ILLUSTRATIONS))
    if not rule_types or not any(str(h.metadata.get("doc_type")) in ILLUSTRATIONS for h in hits):
        return hits
    rule_filters = dataclasses.replace(filters, doc_types=rule_types)
    rules = retriever.search_many([query], k=k, filters=rule_filters, vectors=vectors)[0]
    seen = {h.chunk_id for h in rules}
    illustrations = [h for h in hits if h.chunk_id not in seen and str(h.metadata.get("doc_type")) in ILLUSTRATIONS]
    extra = illustrations[:MAX_ILLUSTRATIONS]
    return (rules[: k - len(extra)] + extra) if len(rules) >= k - len(extra) else (rules + illustrations)[:k]
