"""The answering chain: standalone question -> retrieve -> refuse or answer -> check citations.

`Assistant` is a LangChain `Runnable` (``invoke``, ``batch``, ``stream`` work): its input is a
question string or ``{"question", "history", "filters"}``; its output an `Answer`.
``stream`` yields text pieces as the backend produces them and finally the `Answer`.
Heavy parts (model, store, BM25) are built once in `Assistant.from_settings` and reused.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.runnables import Runnable, RunnableConfig

from assistant import citations as cit
from assistant.answering import NO_ANSWER, Answerer, Draft, make_answerer
from assistant.answering.calculable import chinese_lead, recognise
from assistant.answering.cards import Card, CardIndex
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.followups import ASKING_WORDS_ZH, rewrite
from assistant.answering.intent import Intent, classify
from assistant.answering.status import ASKS_STATUS
from assistant.config import Backend, Settings, UiLanguage
from assistant.guards import (
    DECLINE_CARD,
    DEFAULT_MIN_RELEVANCE,
    DEFAULT_MIN_RELEVANCE_ZH,
    evasion_kind,
    is_foreign,
    is_relevant,
)
from assistant.language import Lang, detect, text
from assistant.lexicon import Lexicon
from assistant.readability import near_duplicate, numbers
from assistant.retrieval import Filters, Hit, HybridRetriever, build_retriever
from assistant.retrieval.source_prior import asks_for_cases, search_preferring_rules
from assistant.schema import is_legal_text, named_codes, passage_text
from assistant.text import MARKER, split_sentences, terms

DISCLAIMER = text("disclaimer", Lang.EN)
REFUSAL = text("refusal", Lang.EN)
# Which result lines answer a calculation's question (the rest become points).
# A guarantee's lead says who posts it: a seller asking "what must I lodge" learns it is the right holder.
LEAD_LINES = {"tax": ("Tax payable", "Route"), "guarantee": ("Amount", "At most", "Posted by"), "deadline": ("3 working days",),
              "allowance": ("Left this year", "Largest order")}
# A question answered by yes or no opens with an auxiliary ("can I…", "is it…", "do I need…").
YES_NO_QUESTION = re.compile(
    r"^\s*(and |so |but |ok(ay)? |hi,? )?(can|could|may|might|is|are|am|do|does|did|will|would|should|must|has|have|shall)\b",
    re.I,
)
# The same in Chinese: a closing 吗/么, or an "A not A" pair (能不能, 是否…).
YES_NO_QUESTION_ZH = re.compile(r"(?:吗|(?<![怎什那这多])么|嘛)[？?。！!\s]*$|是否|(能|会|可|是|要|需|有|用|得)[不没]\1|可不可以|需不需要|有没有")
# A card's bare yes/no opening: "Yes.", "No,", "会。", "不可以。"
YES_NO_OPENER = re.compile(
    r"^(?:(?:Yes|No)[,.:;]\s*|(?:会|不会|可以|不可以|能|不能|是的|是|不是|需要|不需要|要|不用|有|没有|否|对)[。，；])"
)
# The same after a hedge: "Reportedly yes: …" -> "Reportedly, …", "据介绍是的：…" -> "据介绍，…".
HEDGED_YES_NO = re.compile(r"^(Reportedly|据介绍|据报道)\s*(?:yes|no|是的|不是)\s*[:：]\s*", re.I)


def asks_yes_or_no(question: str) -> bool:
    """Whether a question (English or Chinese) is answered by yes or no."""
    return bool(YES_NO_QUESTION.match(question) or YES_NO_QUESTION_ZH.search(question))


CITATION_FIELDS = ("marker", "id", "title", "instrument", "article", "source_url", "date", "text", "score")
LEGAL_BASIS_FIELDS = (
    "marker", "title", "title_zh", "official_ref", "instrument", "article", "date", "status", "source_quality", "source_url"
)



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
    # The parts every view shows (chat, memo, CLI, --json), each sentence with its [n] markers.
    short_answer: str = ""
    key_points: list[str] = field(default_factory=list)
    what_to_do: list[str] = field(default_factory=list)
    intent: str = ""
    card_id: str = ""  # the answer card that supplied the answer, if one did
    declined: bool = False  # a request for help evading customs controls, declined with the rule
    lang: str = "en"  # the language of the answer's own text (sources stay in their language)
    matched_terms: list[tuple[str, str]] = field(default_factory=list)  # Chinese terms -> corpus words

    @property
    def legal_basis(self) -> list[cit.Citation]:
        """The cited passages that are law: an article or section of a law, regulation, announcement
        or tax notice, in order. Guides, summaries, cases, statistics and commentary sections inside an
        instrument's document support points but never appear here.
        """
        out, seen = [], set()
        for c in self.citations:
            key = (c.doc_id or c.title, c.article)
            # One line per article: an article split over several passages is one legal basis.
            if key not in seen and is_legal_text({"doc_type": c.doc_type, "article": c.article}):
                seen.add(key)
                out.append(c)
        return out

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
        d.update(
            short_answer=self.short_answer,
            key_points=self.key_points,
            what_to_do=self.what_to_do,
            legal_basis=[{k: getattr(c, k) for k in LEGAL_BASIS_FIELDS} for c in self.legal_basis],
            intent=self.intent,
            card_id=self.card_id,
            declined=self.declined,
            lang=self.lang,
        )
        if self.matched_terms:
            d["matched_terms"] = [f"{zh} → {en}" for zh, en in self.matched_terms]
        return d

    def body(self) -> str:
        """The answer without the currency notes, suggestions and disclaimer that ``answer`` adds."""
        return self.body_text or self.answer.split("\n\n")[0]


_JOINED = "_joined_standalone"  # internal input key: the standalone question of a retried follow-up


def _turns(history: list) -> list[tuple[str, str]]:
    """(role, text) pairs from a chat history of dicts or pairs."""
    return [(h["role"], h["content"]) if isinstance(h, dict) else tuple(h) for h in history]


def _completes_calculation(prev: str, question: str, joined: str, zh: bool) -> bool:
    """Whether the follow-up supplies what makes the previous question computable, or the other way
    round: neither is a complete calculation alone, the two together are."""
    if is_foreign(joined):
        return False
    alone = [recognise(x, chinese=zh) for x in (prev, question)]
    together = recognise(joined, chinese=zh)
    return together is not None and not together.missing and all(c is None or c.missing for c in alone)


def _previous_question(turns: list[tuple[str, str]]) -> str | None:
    return next((t for r, t in reversed(turns) if r == "user"), None)


@dataclass
class Prepared:
    """A question made ready for retrieval: cleaned, made standalone, with its filters."""

    question: str
    standalone: str
    filters: Filters
    warnings: list[str]
    lang: Lang = Lang.EN
    # What retrieval searches: the standalone question, or for a Chinese one the corpus's English words.
    query: str = ""
    matched_terms: list[tuple[str, str]] = field(default_factory=list)  # (Chinese term, English words)


def suggestion_sentence(suggestions: list[str], lang: Lang | str = Lang.EN) -> str:
    if not suggestions:
        return ""
    return text("suggestions", lang) + ("；".join(suggestions) + "。" if Lang(lang) is Lang.ZH else "; ".join(suggestions) + ".")


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)


class Assistant(Runnable):
    """Question in, cited `Answer` out."""

    def __init__(self, settings: Settings, retriever: HybridRetriever, answerer: Answerer,
                 titles: dict[str, str] | None = None, cards: CardIndex | None = None, lexicon: Lexicon | None = None,
                 sentence_embeddings: Embeddings | None = None):
        self.settings = settings
        # Passage sentences embedded for the composer's closeness in meaning; a persistent cache in
        # `from_settings`, so each sentence is embedded once across questions and restarts.
        self.sentence_embeddings = sentence_embeddings
        self.retriever = retriever
        self.answerer = answerer
        self.titles = titles or {}
        self.cards = cards
        self.lexicon = lexicon
        self.min_relevance = settings.min_relevance or DEFAULT_MIN_RELEVANCE
        # Translated Chinese questions are bags of corpus words and score lower against passages:
        # measured with `python -m evals calibrate`, the 5th percentile of the cards' Chinese variants
        # was 0.325 (English variants 0.416); off-topic Chinese questions are caught first by needing
        # a lexicon term and by the jurisdiction rule.
        self.min_relevance_zh = settings.min_relevance or DEFAULT_MIN_RELEVANCE_ZH
        self._instruments: tuple | None = None  # (index, standing table, names), see `_instrument_table`

    @classmethod
    def from_settings(cls, settings: Settings, answerer: Answerer | None = None, use_cards: bool = True) -> Assistant:
        from assistant.answering.cards import cards_dir, load_cards
        from assistant.embedders import CachedEmbeddings
        from assistant.stores.catalog import titles

        retriever = build_retriever(settings)
        cards = None
        # Card variants and passage sentences are embedded once and cached across restarts.
        cache = CachedEmbeddings(retriever.store.embeddings, settings.data_dir / "cache" / "embeddings.sqlite")
        loaded = load_cards(cards_dir(settings.corpus_dir)) if use_cards else []
        if loaded:
            cards = CardIndex.build(loaded, cache, settings.card_threshold, retriever.bm25_index.texts)
        lexicon = Lexicon.load(settings.corpus_dir)
        return cls(settings, retriever, answerer or make_answerer(settings), titles(retriever.bm25_index.metadatas), cards,
                   lexicon if lexicon.entries else None, cache)

    def warm(self) -> None:
        """Load the embedding model, the segmenter and the indexes so the first question is fast."""
        self.retriever.search("customs", k=1)
        if self.lexicon is not None:
            self.lexicon.warm()

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
        # `_as_followup` sets the standalone question when it retries a refused one as a follow-up.
        standalone = inp.get(_JOINED) or self._standalone(history, question)
        fixed = self.settings.ui_language
        lang = detect(question) if fixed == UiLanguage.AUTO else Lang(fixed.value)
        query, matched = standalone, []
        if detect(standalone) is Lang.ZH and self.lexicon is not None:
            tr = self.lexicon.translate(standalone)
            query, matched = (tr.english or standalone), tr.matches
        return Prepared(question, standalone, filters, warnings, lang, query, matched)

    def _standalone(self, history: list, question: str) -> str:
        turns = _turns(history)
        prev = _previous_question(turns)
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
        out = rewrite(prev, question)
        zh = detect(question) is Lang.ZH
        joined = f"{prev.rstrip('？?')}{'？' if zh else '? '}{question}"
        if out == question and _completes_calculation(prev, question, joined, zh):
            # "跨境电商进口税怎么算" + "300元的东西要交多少", "goods worth 100000 detained on application" +
            # "how much guarantee": neither is computable alone, together they are.
            return joined
        if out == question and self.lexicon is not None and zh:
            # A Chinese follow-up with no term of its own ("要多久才有结果？", "那一年呢？") would be refused
            # as not understood; joined to the previous question it keeps that question's subject.
            subject = [zh for zh, _ in self.lexicon.translate(question).matches if zh not in ASKING_WORDS_ZH]
            if not subject and not named_codes(question):
                return f"{prev.rstrip('？?')}？{question}"
            codes = sorted(named_codes(prev), key=prev.index)
            if codes and not named_codes(question):
                # "9610出口可以退货吗" + "退货期限是多久": the same subject, so the same codes and direction
                # ("9610出口退货期限是多久"); without them it reads as an import return.
                before = {zh for zh, _ in self.lexicon.translate(prev).matches}
                if before & set(subject):
                    way = next((w for w in ("出口", "进口") if w in prev and w not in question), "")
                    return f"{'、'.join(codes)}{way}{question}"
        return out

    def _as_followup(self, inp: str | dict, prep: Prepared) -> dict | None:
        """A question the corpus cannot answer on its own, asked again as part of the previous one.

        "can i appeal?" after "customs fined me for fake shoes", or "不服怎么办" after "海关罚款了", reads
        as a follow-up although it has no pronoun or lead word. Only a question naming a word of the
        domain (one the cards use, or a lexicon term that is not only an asking word) is retried, so
        "tell me a joke" after a customs question is still refused; and only once.
        """
        if not isinstance(inp, dict) or inp.get(_JOINED) or prep.standalone != prep.question:
            return None
        prev = _previous_question(_turns(inp.get("history") or []))
        if not prev:
            return None
        if prep.lang is Lang.ZH or detect(prep.question) is Lang.ZH:
            names_topic = any(zh not in ASKING_WORDS_ZH for zh, _ in prep.matched_terms)
            joined = f"{prev.rstrip('？?')}？{prep.question}"
        else:
            names_topic = self.cards is not None and any(t in self.cards.idf for t in terms(prep.question))
            joined = f"{prev.rstrip('?')}? {prep.question}"
        return {**inp, _JOINED: joined} if names_topic else None

    def _suggestions(self, hits: list[Hit]) -> list[str]:
        seen, out = set(), []
        for h in hits:
            t = h.metadata.get("title", "")
            if t and t not in seen:
                seen.add(t)
                out.append(t)
        return out[:3]

    # ---- cards -----------------------------------------------------------------------------
    def _cited(self, ids) -> list[Hit] | None:
        """The index's passages with these chunk ids, in order; None when one is missing (cards,
        calculators and the status answer cite fixed passages, not search results)."""
        index = self.retriever.bm25_index
        rows = index.rows_by_chunk_id()
        if any(cid not in rows for cid in ids):
            return None
        return [Hit(cid, (c := index.chunk(rows[cid])).text, dict(c.metadata), 1.0) for cid in ids]

    def _card_hits(self, card: Card, filters: Filters) -> list[Hit] | None:
        """The passages a card cites, from the index; None when one is missing or filtered out."""
        hits = self._cited(card.cited_ids())
        if hits is None or any(h.chunk_id in card.legal_basis and not filters.matches(h.metadata) for h in hits):
            return None
        return hits

    def _card_draft(self, card: Card, hits: list[Hit], question: str = "", lang: Lang = Lang.EN,
                    verdict: bool = True) -> Draft:
        """The card's parts with ``[n]`` markers over ``hits`` (the card's cited passages, in order).

        A card's "Yes." or "No," answers a yes/no question; to "what happens…" it would read oddly,
        so it is left out when the question is not asked that way, and when ``verdict`` is False: the
        card was reached without some of the question's words, which may be what decides the answer
        ("can I import baby formula through cbec" is not "can I import through cbec").
        """
        pos = {h.chunk_id: i + 1 for i, h in enumerate(hits)}

        def marked(text: str, ids) -> list[str]:
            # A card's answer and each point are one unit backed by their passages: markers at the end.
            refs = "".join(f"[{pos[c]}]" for c in ids)
            text = " ".join(text.split())
            return [f"{text[:-1]} {refs}{text[-1]}" if text[-1:] in ".!?。" else f"{text} {refs}"]

        chinese = lang is Lang.ZH and bool(card.short_answer_zh)
        answer = card.short_answer_zh if chinese else card.short_answer
        if question and (not verdict or not asks_yes_or_no(question)):
            answer = YES_NO_OPENER.sub("", answer)
            answer = HEDGED_YES_NO.sub(lambda m: m.group(1) + ("，" if m.group(1).startswith("据") else ", "), answer)
            answer = answer[:1].upper() + answer[1:]
        short = marked(answer, self._answer_sources(card, hits, answer))
        standing = bool(question) and bool(ASKS_STATUS.search(question))
        if question and (classify(question) is Intent.LEGAL_BASIS or standing):
            # "Which document says…": the instrument is the answer, so it comes first; "…is it still
            # in force?": with its standing.
            basis = self._basis_sentence(card, hits, Lang.ZH if chinese else Lang.EN, standing)
            if basis:
                # The card's "Yes."/"不能。" answers another question than "which document".
                short = [re.sub(r"^(?:(?:Yes|No)[,.:;]\s*|[^，。]{1,4}。)", "", x) for x in short]
                short = [x[:1].upper() + x[1:] for x in short]
                short.insert(0, basis)
        points: list[str] = []
        for kp in card.key_points:
            for m in marked(kp.text_zh if chinese and kp.text_zh else kp.text, kp.cite):
                if not any(near_duplicate(m, x) for x in short + points):
                    points.append(m)
        # A step that only restates a point already made would read twice.
        todo = card.what_to_do_zh if chinese and card.what_to_do_zh else card.what_to_do
        steps = [x for x in todo if not any(near_duplicate(x, y) for y in short + points)]
        return Draft(" ".join(short + points), "card", short=short, points=points, steps=steps, intent=card.intent,
                     lang=Lang.ZH.value if chinese else Lang.EN.value)

    @staticmethod
    def _answer_sources(card: Card, hits: list[Hit], answer: str) -> list[str]:
        """The passages the card's answer rests on: its legal basis, and the cited passage stating a
        figure the legal basis does not (a case card's "2,259 pairs of shoes" is in the case passage,
        not in the article on infringing goods)."""
        text = {h.chunk_id: passage_text(h.text, h.metadata) for h in hits}
        ids = list(card.legal_basis)
        missing = numbers(answer) - frozenset().union(*(numbers(text.get(c, "")) for c in ids))
        for cid in card.cited_ids():
            found = missing & numbers(text.get(cid, ""))
            if found and cid not in ids:
                ids.append(cid)
                missing -= found
        return ids

    def _basis_sentence(self, card: Card, hits: list[Hit], lang: Lang, standing: bool = False) -> str:
        """"Legal basis: Title, Article 10 [1]." from a card's legal-basis passages that are law; with
        ``standing``, each instrument's status from its front matter ("…, Section 1 (in force) [1]")."""
        from assistant.language import article_text, status_text

        pos = {h.chunk_id: i + 1 for i, h in enumerate(hits)}
        parts: list[str] = []
        named: set[str] = set()
        for h in hits:
            if h.chunk_id not in card.legal_basis or not is_legal_text(h.metadata):
                continue
            md = h.metadata
            if lang is Lang.ZH:
                name = str(md.get("title_zh") or "") or (
                    self.lexicon.chinese_name(str(md.get("title", "")), str(md.get("instrument", "")))
                    if self.lexicon is not None else "")
                # The document number (商财发〔2018〕486号) reads better than a 60-character title.
                number = re.search(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)\s*$", str(md.get("official_ref") or ""))
                if number and (len(name) > 30 or not name):
                    name = number.group(1)
                label = f"{name or md.get('instrument') or md.get('title')}{article_text(str(md.get('article', '')), lang)}"
            else:
                art = str(md.get("article") or "")
                name = re.sub(r"\s*\(.*\)$", "", str(md.get("instrument") or md.get("title") or ""))
                label = name + (f", {art}" if art and art != "Overview" else "")
            if standing and label:
                state = status_text(str(md.get("status") or "in_force"), lang)
                label += f"（{state}）" if lang is Lang.ZH else f" ({state})"
            if label and name not in named and len(named) < 3:  # one line per instrument, three at most
                named.add(name)
                parts.append(f"{label} [{pos[h.chunk_id]}]")
        if not parts:
            return ""
        return ("法律依据：" + "；".join(parts) + "。") if lang is Lang.ZH else ("Legal basis: " + "; ".join(parts) + ".")

    def _status_answer(self, prep: Prepared, retrieved: list[Hit], t0: float) -> Answer | None:
        """An instrument's standing from the corpus status model, when the question asks for it."""
        from assistant.answering.lookup import standing_asked
        from assistant.answering.status import asked_instrument, asks_about_standing, status_sentence

        if not ASKS_STATUS.search(prep.standalone):
            return None
        table, names = self._instrument_table()
        inst = asked_instrument(prep.standalone, table) if asks_about_standing(prep.standalone) else None
        if inst is None:  # named by its title, not its number
            inst = standing_asked(prep.standalone, prep.query if prep.query != prep.standalone else "", table, names)
        if inst is None:
            return None
        replacement = table.get(inst.superseded_by) if inst.status in {"superseded", "partly_superseded"} else None
        hits = self._cited([one.chunk_id for one in (inst, replacement) if one is not None]) or []
        zh = prep.lang is Lang.ZH
        sentence = status_sentence(inst, replacement, zh)
        refs = "".join(f"[{i}]" for i in range(1, len(hits) + 1))
        short = f"{sentence[:-1]} {refs}{sentence[-1]}"
        draft = Draft(short, "status", short=[short], points=[], steps=[], intent="legal_basis",
                      lang=Lang.ZH.value if zh else Lang.EN.value)
        timings = {"retrieve": _ms(t0)}
        answer = self._finish(prep, hits, draft, "status", timings, "", retrieved, stated=frozenset({inst.doc_id}))
        timings.update(answer=_ms(t0) - timings["retrieve"], total=_ms(t0))
        return answer

    def _instrument_table(self):
        """Per document its standing and names, from the index (built once per index)."""
        from assistant.answering.lookup import aliases
        from assistant.answering.status import instruments

        index = self.retriever.bm25_index
        if self._instruments is None or self._instruments[0] is not index:
            table = instruments((index.chunk_id(r), index.metadatas[r]) for r in range(len(index.ids)))
            pairs = [(e.zh, e.en) for e in self.lexicon.entries if e.kind == "instrument"] if self.lexicon else []
            self._instruments = (index, table, aliases(table, pairs))
        return self._instruments[1], self._instruments[2]

    def _lookup_answer(self, prep: Prepared, retrieved: list[Hit], t0: float) -> Answer | None:
        """An instrument's overview, dates or article, quoted from it (see `answering.lookup`)."""
        from assistant.answering.lookup import Asked, articles_of, asked_lookup, compose

        table, names = self._instrument_table()
        found = asked_lookup(prep.standalone, prep.query if prep.query != prep.standalone else "", table, names)
        if found is None:
            return None
        index = self.retriever.bm25_index
        # One instrument in several documents (Announcement 2018 No. 194: import and export rules): the
        # document holding more of it first.
        size = {d.doc_id: sum(m.get("doc_id") == d.doc_id for m in index.metadatas) for d in found.parts}
        docs = sorted(found.parts, key=lambda d: -size[d.doc_id]) or [found.instrument]
        if found.kind is Asked.ARTICLE:
            wanted = {d.doc_id for d in docs}
            ids = [index.chunk_id(r) for r in range(len(index.ids))
                   if index.metadatas[r].get("doc_id") in wanted
                   and found.article in articles_of(str(index.metadatas[r].get("article", "")))]
        else:
            ids = [d.chunk_id for d in docs]
        hits = self._cited(ids) if ids else None
        if not hits:
            return None  # the article is not in the corpus: retrieval answers as for any question
        draft = compose(found, hits, zh=prep.lang is Lang.ZH)
        timings = {"retrieve": _ms(t0)}
        answer = self._finish(prep, hits, draft, "instrument", timings, "", retrieved,
                              stated=frozenset(d.doc_id for d in docs))
        timings.update(answer=_ms(t0) - timings["retrieve"], total=_ms(t0))
        return answer

    def _tool_answer(self, prep: Prepared, calc, retrieved: list[Hit], backend: str, timings: dict) -> Answer | None:
        """The calculator's result as an answer: the figures first, the steps, the legal basis cited.

        A missing input is asked for; an input the tool refuses is explained. None when the tool's
        legal-basis passages are not in the index (then the question is answered from passages).
        """
        from assistant.tools import ToolInputError, run_tool

        zh = prep.lang is Lang.ZH
        if calc.missing:
            return Answer(prep.question, calc.missing + "\n\n" + text("disclaimer", prep.lang), False, [], "calculator",
                          timings, prep.standalone, list(prep.warnings), body_text=calc.missing, short_answer=calc.missing,
                          intent="amount", lang=prep.lang.value, retrieved=[h.chunk_id for h in retrieved],
                          filters=prep.filters.describe())
        try:
            result = run_tool(calc.tool, **calc.inputs)
        except ToolInputError as exc:
            message = f"输入有误：{exc}" if zh else f"The calculator cannot use that input: {exc}."
            return Answer(prep.question, message + "\n\n" + text("disclaimer", prep.lang), False, [], "calculator",
                          timings, prep.standalone, list(prep.warnings), body_text=message, short_answer=message,
                          lang=prep.lang.value, filters=prep.filters.describe())
        hits = self._cited(result.legal_basis) if result.legal_basis else None
        if not hits:
            return None
        refs = "".join(f"[{i}]" for i in range(1, len(hits) + 1))
        lines = result.headline()
        # The figure asked for leads; the other result lines and the arithmetic follow as points.
        lead = [x for x in lines if x.strip().startswith(LEAD_LINES.get(calc.tool, ()))] or lines[:1]
        short = f"{'; '.join(x.strip().rstrip('.') for x in lead)} {refs}."
        if zh and chinese_lead(calc.tool, result):
            short = f"{chinese_lead(calc.tool, result)[:-1]} {refs}。"  # it says what the English lead lines say
        # The arithmetic is shown whole: a step is never a restatement, it is how the figure was reached.
        steps = [x if x.rstrip()[-1:] == "." else x.rstrip() + "." for x in result.steps]
        points: list[str] = []
        for x in [x for x in lines if x not in lead]:
            # A result line the lead states is left out, and so is a "label: figure" line whose label a
            # step works out ("Tax payable: RMB 27.30" beside "Tax payable = RMB 300.00 x 9.1% = …").
            x = x.strip() if x.rstrip()[-1:] == "." else x.strip() + "."
            label = set(terms(x.split(":")[0])) if ":" in x else set()
            worked_out = bool(label) and any(label <= set(terms(y)) and near_duplicate(x, y) for y in steps)
            if not worked_out and not any(near_duplicate(x, y) for y in [short, *points]):
                points.append(x)
        points += steps
        draft = Draft(short, "calculator", short=[short], points=points, steps=[],
                      intent="deadline" if calc.tool == "deadline" else "amount",
                      lang=Lang.ZH.value if zh else Lang.EN.value)
        answer = self._finish(prep, hits, draft, "calculator", timings, "", retrieved)
        if zh:
            answer.notes = [text("calculator_english", prep.lang), *answer.notes]
        answer.notes = [*answer.notes, *result.warnings]
        answer.answer = answer.answer.replace(text("disclaimer", prep.lang),
                                              "\n".join(result.warnings) + "\n\n" + text("disclaimer", prep.lang))
        return answer

    def _decline_card(self, kind: str, vec) -> Card | None:
        if self.cards is None:
            return None
        by_id = self.cards.by_id()
        wanted = DECLINE_CARD.get(kind, f"decline-{kind}")
        if wanted in by_id:
            return by_id[wanted]
        ranked = self.cards.ranked(vec, [i for i, c in enumerate(self.cards.cards) if c.declines])
        return self.cards.cards[ranked[0][1]] if ranked else None

    # ---- steps ----------------------------------------------------------------------------
    def _check_parts(self, draft: Draft, n: int, drop_uncited: bool):
        """Validate every sentence's markers part by part; renumber them 1..m in order of first use."""
        short, points, steps = draft.short, draft.points, draft.steps
        if not short:  # free text (an LLM): the first sentence answers, the rest are points
            sentences = split_sentences(draft.text)
            first = 2 if sentences and len(sentences[0].split()) < 12 else 1
            short, points = sentences[:first], sentences[first:]
        invalid: list[int] = []
        uncited: list[str] = []

        def keep(sentences: list[str], must_cite: bool) -> list[str]:
            out = []
            for sent in sentences:
                checked = cit.check(sent, n, drop_uncited=drop_uncited and must_cite)
                invalid.extend(checked.invalid_markers)
                if must_cite:
                    uncited.extend(checked.uncited_sentences)
                if checked.text:
                    out.append(checked.text)
            return out

        if draft.backend in ("card", "calculator"):  # curated or computed units, backed as a whole
            short, points = keep([" ".join(short)], False), keep(points, False)
        else:
            short, points = keep(short, True), keep(points, True)
        steps = keep(steps, False)  # steps are advice from cards or cited guide sentences
        cited: list[int] = []
        for sent in (*short, *points, *steps):
            for m in MARKER.findall(sent):
                if int(m) not in cited and 1 <= int(m) <= n:
                    cited.append(int(m))
        mapping = {old: new for new, old in enumerate(cited, 1)}
        renum = lambda xs: [cit.renumber(x, cited)[0] for x in xs]  # noqa: E731
        return renum(short), renum(points), renum(steps), cited, mapping, invalid, uncited

    def _finish(self, prep: Prepared, hits: list[Hit], draft: Draft, backend: str, timings: dict, fallback: str,
                retrieved: list[Hit] | None = None, card: Card | None = None, stated: frozenset[str] = frozenset()) -> Answer:
        extractive = backend in (Backend.EXTRACTIVE, "card", "calculator", "status", "instrument")
        retrieved = hits if retrieved is None else retrieved
        warnings = list(prep.warnings)
        if fallback:
            warnings.append(fallback)
        if draft.text.strip() == NO_ANSWER:
            return self._refusal(prep, retrieved, backend, timings, warnings)
        short, points, steps, cited, mapping, invalid, uncited = self._check_parts(draft, len(hits), extractive)
        if invalid:
            warnings.append(f"Dropped citation markers that point at no source: {invalid}")
        if uncited and not extractive:
            warnings.append(f"{len(uncited)} sentence(s) carry no citation.")
        if not cited or not short:
            return self._refusal(prep, retrieved, backend, timings, warnings)
        cites = [cit.citation_from(mapping[o], hits[o - 1]) for o in cited]
        body = "\n".join([" ".join(short), *points, *steps])
        lang = prep.lang
        notes = []
        if lang is Lang.ZH and draft.lang != Lang.ZH.value:
            notes.append(text("english_sources", lang))  # the points are quoted from English sources
        superseded = []
        by_doc: dict[str, list[int]] = {}  # one currency note per document, naming all its markers
        for c in cites:
            c.used_sentences = [x for x in (*short, *points, *steps) if f"[{c.marker}]" in x]
            if self.lexicon is not None and not c.title_zh:
                c.title_zh = self.lexicon.chinese_name(c.title, c.instrument)
            by_doc.setdefault(c.doc_id or c.id, []).append(c.marker)
            if c.status == "superseded":
                superseded.append(c.id)
        titles = self.titles
        if lang is Lang.ZH:
            from assistant.stores.catalog import titles as catalog_titles

            titles = catalog_titles(self.retriever.bm25_index.metadatas, "zh")
        for c in cites:
            markers = by_doc.pop(c.doc_id or c.id, None)
            # An answer about a document's standing states it in its body; no note repeats it.
            note = cit.currency_note(c, titles, lang, markers) if markers and c.doc_id not in stated else ""
            if note:
                notes.append(note)
        answer = body + ("\n\n" + " ".join(notes) if notes else "") + "\n\n" + text("disclaimer", lang)
        declined = bool(card and card.declines)
        return Answer(
            question=prep.question,
            answer=answer,
            refused=declined,
            citations=cites,
            backend=backend,
            timings_ms=timings,
            standalone_question=prep.standalone,
            warnings=warnings,
            invalid_markers=invalid,
            superseded=superseded,
            retrieved=[h.chunk_id for h in retrieved],
            filters=prep.filters.describe(),
            body_text=body,
            notes=notes,
            fallback_reason=fallback,
            short_answer=" ".join(short),
            key_points=points,
            what_to_do=steps,
            intent=draft.intent,
            card_id=card.id if card else "",
            declined=declined,
            lang=lang.value,
            matched_terms=prep.matched_terms,
        )

    def _refusal(self, prep: Prepared, hits: list[Hit], backend: str, timings: dict, warnings: list[str],
                 message: str = "", declined: bool = False) -> Answer:
        message = message or text("refusal", prep.lang)
        sugg = [] if declined else self._suggestions(hits)
        full = " ".join(x for x in (message, suggestion_sentence(sugg, prep.lang)) if x)
        return Answer(
            question=prep.question,
            answer=full + "\n\n" + text("disclaimer", prep.lang),
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
            short_answer=message,
            declined=declined,
            lang=prep.lang.value,
            matched_terms=prep.matched_terms,
        )

    def _relate(self, qvec: list[float] | None):
        """Sentences -> their cosine similarity to the question (the composer's closeness in meaning)."""
        if qvec is None:
            return None
        embedder = self.sentence_embeddings or self.retriever.store.embeddings
        q = np.asarray(qvec, dtype=np.float32)
        q = q / (np.linalg.norm(q) or 1.0)

        def relate(sentences: list[str]) -> list[float]:
            m = np.asarray(embedder.embed_documents(sentences), dtype=np.float32)
            norms = np.sqrt(np.einsum("ij,ij->i", m, m))
            norms[norms == 0] = 1.0
            return (np.einsum("ij,j->i", m, q) / norms).tolist()

        return relate

    def _uses_cards(self, prep: Prepared) -> bool:
        """Whether cards may answer: the extractive engine (LLM backends write their own answer from
        the passages) on the default view (a user who narrowed the sources, to a doc type, superseded
        instruments or a date range, is answered from the passages those filters allow). Which cards
        come first: `_card_pools`."""
        default_view = dataclasses.replace(prep.filters, workspace="") == self.retriever.filters
        return self.cards is not None and isinstance(self.answerer, ExtractiveAnswerer) and default_view

    def _card_pools(self, prep: Prepared, asked_topic: str) -> list[list[str] | None]:
        """The card ids that may answer, tried in turn (None: every card): those of a calculator's
        topic when it asks back for an input; for "how many seizures in 2023?" or "any real cases?"
        the case and statistics cards first (a rule card would answer another question), then the
        others, for a question using "case" of its own matter ("can customs refer a case to the police")."""
        topic = self.cards.of_topic(asked_topic)
        return [self.cards.illustrations(), topic] if asks_for_cases(prep.query) else [topic]

    def _embed(self, text: str) -> list[float] | None:
        return self.retriever.store.embeddings.embed_documents([text])[0] if self.settings.dense_weight else None

    def _run(self, inp, stream: bool) -> Iterator[str | Answer]:
        t0 = time.perf_counter()
        prep = self._prepare(inp)
        backend = self.answerer.name
        kind = evasion_kind(prep.question)
        vec = self._embed(prep.query)
        if kind:  # declined before any retrieval, with the rule and the penalty
            card = self._decline_card(kind, vec) if vec is not None else None
            hits = self._card_hits(card, Filters(include_superseded=True)) if card else None
            timings = {"retrieve": 0.0, "answer": 0.0, "total": _ms(t0)}
            if card is None or hits is None:
                yield self._refusal(prep, [], backend, timings, list(prep.warnings), text("evasion", prep.lang),
                                    declined=True)
            else:
                draft = self._card_draft(card, hits, prep.question, prep.lang)
                yield from self._emit(self._finish(prep, hits, draft, "card", timings, "", hits, card), stream)
            return
        hits = search_preferring_rules(self.retriever, prep.query, self.settings.top_k, prep.filters, vec)
        status = self._status_answer(prep, hits, t0)
        if status is not None:  # "is X still in force?": the status model answers, citing X
            yield from self._emit(status, stream)
            return
        quoted = self._lookup_answer(prep, hits, t0)
        if quoted is not None:  # "what is Announcement X about?", "what does Article N of Y say?"
            yield from self._emit(quoted, stream)
            return
        calc = None if is_foreign(prep.standalone) else recognise(prep.standalone, chinese=prep.lang is Lang.ZH)
        ask_back, asked_topic = "", ""
        if calc is not None and calc.missing:
            # Not computable yet: answer with the rule (a card of the tool's topic), and ask for what
            # the exact figure needs.
            ask_back, asked_topic, calc = calc.missing, calc.topic, None
        if calc is not None:  # computed exactly by a calculator that shows its steps and legal basis
            timings = {"retrieve": _ms(t0)}
            answer = self._tool_answer(prep, calc, hits, backend, timings)
            if answer is not None:
                timings.update(answer=_ms(t0) - timings["retrieve"], total=_ms(t0))
                yield from self._emit(answer, stream)
                return
        t1 = time.perf_counter()
        timings = {"retrieve": _ms(t0)}
        chinese = prep.query != prep.standalone
        # A Chinese question is understood only through the lexicon or the mode codes it names: with
        # neither it is refused.
        floor = self.min_relevance if not chinese else self.min_relevance_zh
        understood = bool(prep.matched_terms or named_codes(prep.standalone))
        relevant = (not chinese or understood) and is_relevant(
            prep.query, hits, floor, dense_used=self.settings.dense_weight != 0, original=prep.standalone
        )
        match = None
        if not relevant and not chinese and self._uses_cards(prep) and vec is not None and not is_foreign(prep.standalone):
            # MiniLM scores a short colloquial question ("whats a recordal") far from every passage;
            # a card carrying nearly all its words is evidence enough that the corpus covers it.
            match = self.cards.match(prep.standalone, vec, declines=False, words_only=True,
                                     among=self._card_pools(prep, asked_topic)[0])
        if not relevant and match is None:
            retry = self._as_followup(inp, prep)
            if retry is not None:
                yield from self._run(retry, stream)
                return
            timings.update(answer=0.0, total=_ms(t0))
            yield self._refusal(prep, hits, backend, timings, list(prep.warnings))
            return
        use_cards = self._uses_cards(prep) and match is None
        partial = False  # the card matched only the question without its rarer words (see `core`)
        pools = self._card_pools(prep, asked_topic) if use_cards else [None]
        pool = pools[0]
        if self.cards is not None and vec is not None and use_cards and prep.query != prep.standalone:
            # A Chinese question: matched on the cards' Chinese variants, word by word.
            for among in pools:
                match = match or self.cards.match_chinese(
                    prep.standalone, self.lexicon, [h.chunk_id for h in hits], vec, english=prep.query,
                    intent=classify(prep.standalone).value, among=among)
        elif self.cards is not None and vec is not None and use_cards:
            ids = [h.chunk_id for h in hits]
            followup = prep.standalone != prep.question
            # A follow-up's own words may name the card: first for one joined to the previous question
            # ("…last? when can we renew it?": they name what is asked now), last for a swapped one.
            joined = followup and "? " in prep.standalone
            own = lambda: self.cards.match(prep.question, self._embed(prep.question), ids, declines=False,  # noqa: E731
                                           among=pool)
            match = own() if joined else None
            match = match or self.cards.match(prep.standalone, vec, ids, declines=False, among=pool)
            if match is None and followup and not joined:
                match = own()
            for pool in pools[1:]:
                match = match or self.cards.match(prep.standalone, vec, ids, declines=False, among=pool)
            core = self.cards.core(prep.standalone)
            if match is None and core != prep.standalone and len(core.split()) >= 3:
                # Without its product and place names the question may reach its card, but only the
                # card closest to the whole question: the dropped words may be its point, so the
                # shorter question only confirms that card, never picks another.
                near = [self.cards.cards[ci].id
                        for _, _, ci, _ in self.cards.shortlist(prep.standalone, vec, ids, False, among=pool)[:1]]
                match = self.cards.match(core, self._embed(core), ids, declines=False, among=near)
                partial = match is not None
        card_hits = self._card_hits(match.card, prep.filters) if match else None
        if match and card_hits:
            draft = self._card_draft(match.card, card_hits, prep.question, prep.lang, verdict=not partial)
            timings.update(answer=_ms(t1), total=_ms(t0))
            answer = self._finish(prep, card_hits, draft, "card", timings, "", hits, match.card)
            yield from self._emit(self._asking(answer, ask_back), stream)
            return
        intent = classify(prep.question, self.cards.closest_intent(vec) if self.cards is not None and vec is not None else None)
        question = prep.query  # the composer matches the corpus's words
        pieces = []
        fallback = ""
        try:
            if isinstance(self.answerer, ExtractiveAnswerer):
                draft = self.answerer.compose(question, hits, intent, self._relate(vec))
            elif stream:
                for piece in self.answerer.stream(question, hits):
                    pieces.append(piece)
                    yield piece
                draft = Draft("".join(pieces), backend)
            else:
                draft = self.answerer.answer(question, hits)
        except Exception as exc:
            # An LLM endpoint that is down must not lose the user's question: fall back.
            fallback = (
                f"The {backend} backend failed ({exc.__class__.__name__}: {str(exc)[:200]}); "
                "answered with the extractive backend instead."
            )
            draft = ExtractiveAnswerer(self.settings.answer_sentences).compose(question, hits, intent)
            backend = Backend.EXTRACTIVE.value
        draft.intent = draft.intent or intent.value
        timings.update(answer=_ms(t1), total=_ms(t0))
        answer = self._finish(prep, hits, draft, backend, timings, fallback)
        yield from self._emit(self._asking(answer, ask_back), stream and not pieces)

    @staticmethod
    def _asking(answer: Answer, ask_back: str) -> Answer:
        """The answer with the question a calculation still needs answered as its last step."""
        if not ask_back or answer.refused:
            return answer
        step = ("如需计算确切金额：" if answer.lang == Lang.ZH.value else "For the exact figure: ") + ask_back
        answer.what_to_do = [*answer.what_to_do, step]
        answer.body_text = answer.body_text + "\n" + step
        head, sep, tail = answer.answer.partition("\n\n")
        answer.answer = head + "\n" + step + sep + tail
        return answer

    @staticmethod
    def _emit(answer: Answer, stream: bool) -> Iterator[str | Answer]:
        """Stream a composed answer line by line (markers final), then the `Answer` itself."""
        if stream and not answer.refused:
            for i, line in enumerate(answer.body_text.split("\n")):
                yield ("\n" if i else "") + line
        yield answer

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
