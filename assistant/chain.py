"""The answering chain: standalone question -> retrieve -> refuse or answer -> check citations.

`Assistant` is a LangChain `Runnable` (``invoke``, ``batch``, ``stream`` work): its input is a
question string or ``{"question", "history", "filters"}``; its output an `Answer`.
``stream`` yields text pieces as the backend produces them and finally the `Answer`.
Heavy parts (model, store, BM25) are built once in `Assistant.from_settings` and reused.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.documents import Document
from langchain_core.runnables import Runnable, RunnableConfig

from assistant import citations as cit
from assistant.answerers import NO_ANSWER, Answerer, ExtractiveAnswerer, LLMAnswerer, make_answerer, terms
from assistant.retriever import Filters, HybridRetriever
from assistant.rewrite import rewrite
from assistant.settings import Settings

DISCLAIMER = "This is general information drawn from the cited sources, not legal advice."
REFUSAL = (
    "The corpus does not cover this question, so I cannot answer it from cited sources. "
    "I cover China Customs rules for cross-border e-commerce (modes 9610, 1210, 1239, 9710, 9810; "
    "tax limits; returns) and Customs protection of intellectual property (recordation, detention, "
    "guarantees, investigation, penalties, cases)."
)
# Calibrated on the reference set with the bundled model: the best passage's cosine similarity
# was >= 0.451 for 105 of 106 in-scope questions and <= 0.314 for every off-topic one (the
# foreign-jurisdiction and evasion questions score higher and are caught by the rules below);
# 0.38 sits in that gap. Another embedder needs its own value (CBEC_MIN_RELEVANCE).
DEFAULT_MIN_RELEVANCE = 0.38
# The corpus covers China only: a question about another jurisdiction's rules, with nothing
# tying it to China, is out of scope however close its wording is to customs passages.
FOREIGN = re.compile(
    r"\b(germany|german|france|french|united states|u\.s\.|usa|america|american|eu|european union|europe|"
    r"uk|united kingdom|britain|british|japan|japanese|korea|korean|india|indian|canada|canadian|australia|"
    r"australian|brazil|mexico|russia|singapore|vietnam|indonesia|thailand|de minimis|hmrc|cbp)\b",
    re.I,
)
# What ties a question to China's own rules. "from China" alone does not: "US de minimis for
# parcels shipped from China" asks about US rules.
CHINA = re.compile(
    r"\b(prc|gacc|cbec|9610|1210|1239|9710|9810|mainland|hainan|china customs|chinese (customs|law|rules|consumers?|buyers?|platforms?)|"
    r"(into|in|to|inside|within) china|china'?s)\b",
    re.I,
)
# Requests for help getting goods past customs controls are declined, whatever else they ask.
EVASION = re.compile(
    r"\b(evade|evading|evasion|get (them |it |goods )?past|sneak|smuggle|smuggling (them|it)|mislabel|"
    r"avoid (detection|inspection|being caught)|without (customs|them) (noticing|finding)|bypass|trick customs|fool customs)\b",
    re.I,
)
EVASION_REFUSAL = (
    "I can't help with getting goods past customs controls or disguising infringing goods. "
    "Importing or exporting infringing goods leads to confiscation, fines and, where a crime is made out, "
    "criminal liability; ask me about those rules or about shipping genuine goods lawfully."
)


CITATION_FIELDS = ("marker", "id", "title", "instrument", "article", "source_url", "date", "text", "score")


class QuestionError(ValueError):
    """The question cannot be answered as given (empty); the message says why."""


@dataclass
class Answer:
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
            )
        return d

    def body(self) -> str:
        """The answer without the currency notes, suggestions and disclaimer that ``answer`` adds."""
        return self.body_text or self.answer.split("\n\n")[0]


def suggestion_sentence(suggestions: list[str]) -> str:
    return "Closest topics I do cover: " + "; ".join(suggestions) + "." if suggestions else ""


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
        from assistant import lexical
        from assistant.embedder import make_embedder
        from assistant.store import open_store

        store = open_store(settings, make_embedder(settings))
        lex = lexical.load_current(settings, store)
        retriever = HybridRetriever(
            store=store,
            lexical=lex,
            settings=settings,
            filters=Filters(include_superseded=settings.include_superseded),
            k=settings.top_k,
        )
        titles = {m.get("doc_id", ""): m.get("title", "") for m in lex.metadatas}
        return cls(settings, retriever, answerer or make_answerer(settings), titles)

    def warm(self) -> None:
        """Load the embedding model and touch the indexes so the first question is fast."""
        self.retriever.search("customs", k=1)

    # ---- steps ----------------------------------------------------------------------------
    def _prepare(self, inp: str | dict) -> dict:
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
        standalone = self._standalone(history, question)
        filters = inp.get("filters")
        if filters is None:
            filters = self.retriever.filters
        elif isinstance(filters, (list, tuple)):
            filters = Filters.parse(filters, include_superseded=self.settings.include_superseded)
        return {"question": question, "standalone": standalone, "filters": filters, "warnings": warnings}

    def _standalone(self, history: list, question: str) -> str:
        turns = [(h["role"], h["content"]) if isinstance(h, dict) else tuple(h) for h in history]
        prev = next((t for r, t in reversed(turns) if r == "user"), None)
        if prev is None:
            return question
        if isinstance(self.answerer, LLMAnswerer):
            from assistant.prompts import rewrite_messages

            try:
                out = self.answerer.model.invoke(rewrite_messages(turns, question))
                text = str(out.content).strip()
                return text or question
            except Exception:  # rewriting is a help, not a requirement
                return rewrite(prev, question)
        return rewrite(prev, question)

    def _relevant(self, question: str, docs: list[Document]) -> bool:
        if not docs:
            return False
        if FOREIGN.search(question) and not CHINA.search(question):
            return False  # another jurisdiction's rules
        best = max((d.metadata.get("dense_score") or 0.0) for d in docs)
        if self.settings.dense_weight == 0:
            best = 1.0 if docs[0].metadata.get("bm25_score") else 0.0
        q = set(terms(question))
        lexical_hit = any(q & set(terms(d.page_content)) for d in docs[:3])
        return best >= self.min_relevance and lexical_hit

    def _suggestions(self, docs: list[Document]) -> list[str]:
        seen, out = set(), []
        for d in docs:
            t = d.metadata.get("title", "")
            if t and t not in seen:
                seen.add(t)
                out.append(t)
        return out[:3]

    def _finish(self, prep: dict, docs: list[Document], raw: str, backend: str, timings: dict) -> Answer:
        checked = cit.check(raw, len(docs), drop_uncited=isinstance(self.answerer, ExtractiveAnswerer))
        text = checked.text
        warnings = list(prep["warnings"])
        if checked.invalid_markers:
            warnings.append(f"Dropped citation markers that point at no source: {checked.invalid_markers}")
        if checked.uncited_sentences and not isinstance(self.answerer, ExtractiveAnswerer):
            warnings.append(f"{len(checked.uncited_sentences)} sentence(s) carry no citation.")
        refused = not checked.cited or text.strip() == NO_ANSWER or not text
        if refused:
            return self._refusal(prep, docs, backend, timings, warnings)
        # Renumber markers 1..m in order of first use so citations are dense.
        mapping = {old: new for new, old in enumerate(checked.cited, 1)}
        text = cit.MARKER.sub(lambda m: f"[{mapping.get(int(m.group(1)), m.group(1))}]", text)
        cites = [cit.citation_from(mapping[o], docs[o - 1]) for o in checked.cited]
        for c in cites:
            c.used_sentences = [s for s in cit.split_sentences(text) if f"[{c.marker}]" in s]
        notes = []
        superseded = []
        for c in cites:
            if c.status == "superseded":
                repl = self.titles.get(c.superseded_by, c.superseded_by) or "a later instrument"
                superseded.append(c.id)
                notes.append(f"Note: source [{c.marker}] ({c.title}) is superseded; it was replaced by {repl}.")
        answer = text + ("\n\n" + " ".join(notes) if notes else "") + "\n\n" + DISCLAIMER
        return Answer(
            question=prep["question"],
            answer=answer,
            refused=False,
            citations=cites,
            backend=backend,
            timings_ms=timings,
            standalone_question=prep["standalone"],
            warnings=warnings,
            invalid_markers=checked.invalid_markers,
            superseded=superseded,
            retrieved=[d.metadata.get("chunk_id", d.id) for d in docs],
            filters=prep["filters"].describe(),
            body_text=text,
            notes=notes,
        )

    def _refusal(self, prep, docs, backend, timings, warnings, message: str = REFUSAL) -> Answer:
        sugg = self._suggestions(docs)
        full = " ".join(x for x in (message, suggestion_sentence(sugg)) if x)
        return Answer(
            question=prep["question"],
            answer=full + "\n\n" + DISCLAIMER,
            refused=True,
            citations=[],
            backend=backend,
            timings_ms=timings,
            standalone_question=prep["standalone"],
            warnings=warnings,
            suggestions=sugg,
            retrieved=[d.metadata.get("chunk_id", d.id) for d in docs],
            filters=prep["filters"].describe(),
            body_text=message,
        )

    def _run(self, inp, stream: bool) -> Iterator[str | Answer]:
        t0 = time.perf_counter()
        prep = self._prepare(inp)
        backend = self.answerer.name
        if EVASION.search(prep["question"]):  # declined before any retrieval
            timings = {"retrieve": 0.0, "answer": 0.0, "total": round((time.perf_counter() - t0) * 1000, 1)}
            yield self._refusal(prep, [], backend, timings, list(prep["warnings"]), EVASION_REFUSAL)
            return
        docs = self.retriever.search(prep["standalone"], k=self.settings.top_k, filters=prep["filters"])
        t1 = time.perf_counter()
        timings = {"retrieve": round((t1 - t0) * 1000, 1)}
        if not self._relevant(prep["standalone"], docs):
            timings.update(answer=0.0, total=round((time.perf_counter() - t0) * 1000, 1))
            yield self._refusal(prep, docs, backend, timings, list(prep["warnings"]))
            return
        pieces = []
        try:
            if stream:
                for piece in self.answerer.stream(prep["standalone"], docs):
                    pieces.append(piece)
                    yield piece
                raw = "".join(pieces)
            else:
                raw = self.answerer.answer(prep["standalone"], docs).text
        except Exception as exc:
            # An LLM endpoint that is down must not lose the user's question: fall back.
            prep["warnings"].append(
                f"The {backend} backend failed ({exc.__class__.__name__}: {str(exc)[:200]}); "
                "answered with the extractive backend instead."
            )
            raw = ExtractiveAnswerer(self.settings.answer_sentences).answer(prep["standalone"], docs).text
            backend = "extractive"
        t2 = time.perf_counter()
        timings.update(answer=round((t2 - t1) * 1000, 1), total=round((t2 - t0) * 1000, 1))
        yield self._finish(prep, docs, raw, backend, timings)

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
