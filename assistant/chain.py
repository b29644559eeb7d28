"""The answering chain: standalone question -> retrieve -> refuse or answer -> check citations.

`Assistant` is a LangChain `Runnable` (``invoke``, ``batch``, ``stream`` work): its input is a
question string or ``{"question", "history", "filters"}``; its output an `Answer`.
``stream`` yields text pieces as the backend produces them and finally the `Answer`.
Heavy parts (model, store, BM25) are built once in `Assistant.from_settings` and reused.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.runnables import Runnable, RunnableConfig

from assistant import citations as cit
from assistant.answering import NO_ANSWER, Answerer, make_answerer
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.followups import rewrite
from assistant.config import Backend, Settings
from assistant.guards import DEFAULT_MIN_RELEVANCE, EVASION_REFUSAL, is_evasion, is_relevant
from assistant.retrieval import Filters, Hit, HybridRetriever, build_retriever
from assistant.text import split_sentences

DISCLAIMER = "This is general information drawn from the cited sources, not legal advice."
REFUSAL = (
    "The corpus does not cover this question, so I cannot answer it from cited sources. "
    "I cover China Customs rules for cross-border e-commerce (modes 9610, 1210, 1239, 9710, 9810; "
    "tax limits; returns) and Customs protection of intellectual property (recordation, detention, "
    "guarantees, investigation, penalties, cases)."
)
CITATION_FIELDS = ("marker", "id", "title", "instrument", "article", "source_url", "date", "text", "score")


class QuestionError(ValueError):
    """The question cannot be answered as given (empty); the message says why."""


@dataclass
class Answer:
    """One answer with everything the UI, the memo, the CLI and the evals need, as fields."""

    question: str
    answer: str
    refused: bool
    citations: list[cit.Citation]
    backend: str
    timings_ms: dict[str, float]
    standalone_question: str = ""
    warnings: list[str] = field(default_factory=list)
    invalid_markers: list[int] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)
    filters: str = "none"
    body_text: str = ""  # the answer proper (for a refusal, its message), without notes and disclaimer
    notes: list[str] = field(default_factory=list)  # currency notes on superseded sources
    # Why the requested backend did not write this answer (an LLM endpoint down): empty when it did.
    fallback_reason: str = ""

    def to_dict(self, full: bool = False) -> dict[str, Any]:
        d = {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_dict() if full else {k: getattr(c, k) for k in CITATION_FIELDS} for c in self.citations],
            "backend": self.backend,
            "timings_ms": self.timings_ms,
        }
        if full or self.warnings:
            d["warnings"] = self.warnings
        if full:
            d.update(
                standalone_question=self.standalone_question,
                invalid_markers=self.invalid_markers,
                superseded=self.superseded,
                suggestions=self.suggestions,
                notes=self.notes,
                retrieved=self.retrieved,
                filters=self.filters,
                fallback_reason=self.fallback_reason,
            )
        return d

    def body(self) -> str:
        """The answer without the currency notes, suggestions and disclaimer that ``answer`` adds."""
        return self.body_text or self.answer.split("\n\n")[0]


@dataclass
class Prepared:
    """A question made ready for retrieval: cleaned, made standalone, with its filters."""

    question: str
    standalone: str
    filters: Filters
    warnings: list[str]


def suggestion_sentence(suggestions: list[str]) -> str:
    return "Closest topics I do cover: " + "; ".join(suggestions) + "." if suggestions else ""


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)


class Assistant(Runnable):
    """Question in, cited `Answer` out."""

    def __init__(self, settings: Settings, retriever: HybridRetriever, answerer: Answerer, titles: dict[str, str] | None = None):
        self.settings = settings
        self.retriever = retriever
        self.answerer = answerer
        self.titles = titles or {}
        self.min_relevance = settings.min_relevance or DEFAULT_MIN_RELEVANCE

    @classmethod
    def from_settings(cls, settings: Settings, answerer: Answerer | None = None) -> Assistant:
        from assistant.stores.catalog import titles

        retriever = build_retriever(settings)
        return cls(settings, retriever, answerer or make_answerer(settings), titles(retriever.bm25_index.metadatas))

    def warm(self) -> None:
        """Load the embedding model and touch the indexes so the first question is fast."""
        self.retriever.search("customs", k=1)

    # ---- steps ----------------------------------------------------------------------------
    def _prepare(self, inp: str | dict) -> Prepared:
        if isinstance(inp, str):
            inp = {"question": inp}
        question = inp.get("question")
        if not isinstance(question, str) or not question.strip():
            raise QuestionError("The question is empty: type a question about China Customs e-commerce or IPR rules.")
        question = " ".join(question.split()) if len(question) < 20000 else question.strip()
        warnings = []
        limit = self.settings.max_question_chars
        if len(question) > limit:
            warnings.append(f"The question was {len(question):,} characters; only the first {limit:,} were used.")
            question = question[:limit]
        history = inp.get("history") or []
        filters = inp.get("filters")
        if filters is None:
            filters = self.retriever.filters
        elif isinstance(filters, (list, tuple)):
            filters = Filters.parse(filters, include_superseded=self.settings.include_superseded)
        return Prepared(question, self._standalone(history, question), filters, warnings)

    def _standalone(self, history: list, question: str) -> str:
        turns = [(h["role"], h["content"]) if isinstance(h, dict) else tuple(h) for h in history]
        prev = next((t for r, t in reversed(turns) if r == "user"), None)
        if prev is None:
            return question
        model = getattr(self.answerer, "model", None)
        if model is not None:  # an LLM backend rewrites with its model
            from assistant.answering.prompts import rewrite_messages

            try:
                text = str(model.invoke(rewrite_messages(turns, question)).content).strip()
                return text or question
            except Exception:  # rewriting is a help, not a requirement
                return rewrite(prev, question)
        return rewrite(prev, question)

    def _suggestions(self, hits: list[Hit]) -> list[str]:
        seen, out = set(), []
        for h in hits:
            t = h.metadata.get("title", "")
            if t and t not in seen:
                seen.add(t)
                out.append(t)
        return out[:3]

    def _finish(self, prep: Prepared, hits: list[Hit], raw: str, backend: str, timings: dict, fallback: str) -> Answer:
        extractive = backend == Backend.EXTRACTIVE
        checked = cit.check(raw, len(hits), drop_uncited=extractive)
        text = checked.text
        warnings = list(prep.warnings)
        if fallback:
            warnings.append(fallback)
        if checked.invalid_markers:
            warnings.append(f"Dropped citation markers that point at no source: {checked.invalid_markers}")
        if checked.uncited_sentences and not extractive:
            warnings.append(f"{len(checked.uncited_sentences)} sentence(s) carry no citation.")
        if not checked.cited or text.strip() == NO_ANSWER or not text:
            return self._refusal(prep, hits, backend, timings, warnings)
        text, mapping = cit.renumber(text, checked.cited)
        cites = [cit.citation_from(mapping[o], hits[o - 1]) for o in checked.cited]
        for c in cites:
            c.used_sentences = [s for s in split_sentences(text) if f"[{c.marker}]" in s]
        notes = []
        superseded = []
        for c in cites:
            if c.status == "superseded":
                repl = self.titles.get(c.superseded_by, c.superseded_by) or "a later instrument"
                superseded.append(c.id)
                notes.append(f"Note: source [{c.marker}] ({c.title}) is superseded; it was replaced by {repl}.")
        answer = text + ("\n\n" + " ".join(notes) if notes else "") + "\n\n" + DISCLAIMER
        return Answer(
            question=prep.question,
            answer=answer,
            refused=False,
            citations=cites,
            backend=backend,
            timings_ms=timings,
            standalone_question=prep.standalone,
            warnings=warnings,
            invalid_markers=checked.invalid_markers,
            superseded=superseded,
            retrieved=[h.chunk_id for h in hits],
            filters=prep.filters.describe(),
            body_text=text,
            notes=notes,
            fallback_reason=fallback,
        )

    def _refusal(self, prep: Prepared, hits: list[Hit], backend: str, timings: dict, warnings: list[str],
                 message: str = REFUSAL) -> Answer:
        sugg = self._suggestions(hits)
        full = " ".join(x for x in (message, suggestion_sentence(sugg)) if x)
        return Answer(
            question=prep.question,
            answer=full + "\n\n" + DISCLAIMER,
            refused=True,
            citations=[],
            backend=backend,
            timings_ms=timings,
            standalone_question=prep.standalone,
            warnings=warnings,
            suggestions=sugg,
            retrieved=[h.chunk_id for h in hits],
            filters=prep.filters.describe(),
            body_text=message,
        )

    def _run(self, inp, stream: bool) -> Iterator[str | Answer]:
        t0 = time.perf_counter()
        prep = self._prepare(inp)
        backend = self.answerer.name
        if is_evasion(prep.question):  # declined before any retrieval
            timings = {"retrieve": 0.0, "answer": 0.0, "total": _ms(t0)}
            yield self._refusal(prep, [], backend, timings, list(prep.warnings), EVASION_REFUSAL)
            return
        hits = self.retriever.search(prep.standalone, k=self.settings.top_k, filters=prep.filters)
        t1 = time.perf_counter()
        timings = {"retrieve": _ms(t0)}
        if not is_relevant(prep.standalone, hits, self.min_relevance, dense_used=self.settings.dense_weight != 0):
            timings.update(answer=0.0, total=_ms(t0))
            yield self._refusal(prep, hits, backend, timings, list(prep.warnings))
            return
        pieces = []
        fallback = ""
        try:
            if stream:
                for piece in self.answerer.stream(prep.standalone, hits):
                    pieces.append(piece)
                    yield piece
                raw = "".join(pieces)
            else:
                raw = self.answerer.answer(prep.standalone, hits).text
        except Exception as exc:
            # An LLM endpoint that is down must not lose the user's question: fall back.
            fallback = (
                f"The {backend} backend failed ({exc.__class__.__name__}: {str(exc)[:200]}); "
                "answered with the extractive backend instead."
            )
            raw = ExtractiveAnswerer(self.settings.answer_sentences).answer(prep.standalone, hits).text
            backend = Backend.EXTRACTIVE.value
        timings.update(answer=_ms(t1), total=_ms(t0))
        yield self._finish(prep, hits, raw, backend, timings, fallback)

    # ---- Runnable ---------------------------------------------------------------------------
    def invoke(self, input: str | dict, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        out = None
        for item in self._run(input, stream=False):
            out = item
        assert isinstance(out, Answer)
        return out

    def stream(self, input: str | dict, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[str | Answer]:
        yield from self._run(input, stream=True)

    def ask(self, question: str, history: list | None = None, filters: Filters | list[str] | None = None) -> Answer:
        return self.invoke({"question": question, "history": history or [], "filters": filters})
