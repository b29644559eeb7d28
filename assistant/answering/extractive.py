"""The extractive answer backend (the default): no LLM, no network.

It composes a consultant's note from the retrieved passages:

- **candidates**: every passage sentence that stands alone (no document ids, no sentences about
  documents, no fragments or headings); a sentence that leans on its neighbour ("They…") is used
  only together with the sentence before it; a list of clauses is read with its lead-in as one
  sentence; an over-long enumeration is split at its semicolons;
- **scoring**: the question's content words weighted by rarity (the corpus's words for the user's
  everyday words count too), times what the intent wants (a figure, a period, a modal rule, a
  penalty, an article), times the passage's rank and kind (primary sources state rules);
- **short answer**: the best candidate (for amount and deadline questions, the best one stating a
  figure); **key points**: up to four more, none restating a fact already given; **steps**: for
  seller situations, up to three instructions found in the passages.

Every sentence ends with its ``[n]`` marker, so every claim is a quoted, cited passage sentence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant.answering.base import NO_ANSWER, Draft
from assistant.answering.intent import Intent, asked_intent, classify
from assistant.readability import has_slug, is_dangling, is_meta, near_duplicate
from assistant.retrieval.query_expansion import expand
from assistant.retrieval.source_prior import asks_for_cases
from assistant.retrieval.types import Hit
from assistant.schema import UPLOAD_DOC_TYPE, is_primary
from assistant.text import fold_lists, neutralise_markers, plain, split_sentences, terms

NUMBER = re.compile(r"\d")
MONEY = re.compile(r"\b(rmb|yuan|cny|usd)\b|¥|%|\bper ?cent\b|\d[\d,]*(\.\d+)? ?(million|billion)", re.I)
PERIOD = re.compile(r"\b\d+\s*(working |calendar )?(days?|months?|years?|hours?)\b|\bwithin\b", re.I)
MODAL = re.compile(r"\b(may|may not|must|shall|shall not|cannot|can not|can't|not allowed|prohibit\w*|forbid\w*|only|"
                   r"barred|banned|no longer|required|need not|exempt\w*)\b", re.I)
PENALTY = re.compile(r"\b(fines?|fined|penalt\w*|confiscat\w*|criminal|prosecut\w*|punish\w*|sanction\w*|"
                     r"liab\w*|revok\w*|suspend\w*|barred)\b", re.I)
ARTICLE = re.compile(r"\b(Article|Art\.|Announcement|Decree|Order|Notice)\s+(No\.\s*)?\d", re.I)
DEFINES = re.compile(r"\b(is|are|means|refers to|covers|is called|known as|stands for)\b", re.I)
# Instructions a seller can follow, as the guides and checklists phrase them.
IMPERATIVE = re.compile(
    r"^(check|keep|ask|reply|respond|provide|submit|file|apply|contact|prepare|make sure|ensure|confirm|gather|"
    r"collect|record|declare|use|choose|register|obtain|get|send|read|review|consider|appoint|verify|do not|don't|"
    r"never|avoid|answer|write|tell|show|lodge|pay|request|seek|document|label|list)\b",
    re.I,
)
SITUATION = re.compile(
    r"\b(detain\w*|stopp?ed|held|seiz\w*|notice|notif\w*|what (now|next|should|do)|ship\w*|send\w*|export\w*|"
    r"import\w*|choose|which (mode|code)|return\w*|set up|start|sell\w*)\b",
    re.I,
)
_SEE = re.compile(r"\s*\((?:see|cf\.)\s+[a-z0-9]+(?:-[a-z0-9]+)+[^)]*\)|;?\s*see [a-z0-9]+(?:-[a-z0-9]+){2,}(?:, [A-Z][^.;]*)?", re.I)
MAX_WORDS = 55
YEAR = re.compile(r"(?<![\d,.])(?:19[89]\d|20[0-4]\d)(?![\d,])")
# Closeness in meaning (cosine of the bundled embedder) re-ranks the best word-matched sentences:
# words find the sentences on the topic, meaning picks the one that answers ("What taxes does a
# consumer pay?" -> the rate sentence, not a worked example that shares more words).
MEANING_POOL = 30
MEANING_WEIGHT = 1.0
CLOSE_IN_MEANING = 0.8  # share of the closeness range a key point without the question's own words needs
Relate = Callable[[list[str]], list[float]]  # sentences -> cosine similarity to the question
# Words nearly every passage shares: a key point must name something more specific from the question.
GENERIC = frozenset(terms("customs china chinese cross-border e-commerce cbec goods good import export imports exports "
                          "rule rules law seller sellers buy buying sell selling product products platform order orders"))


def clean(sentence: str) -> str:
    """A passage sentence as plain prose, without internal cross-references to document ids.

    A "[1]" inside a passage (planted in an upload) is neutralised, so it can never be read as a
    citation marker and renumbered onto a real source.
    """
    return neutralise_markers(_SEE.sub("", plain(sentence)).strip())


@dataclass
class Candidate:
    passage: int  # 0-based index of the passage
    position: int  # sentence position inside the passage
    text: str
    terms: frozenset[str]
    score: float = 0.0
    meaning: float = 0.0  # closeness in meaning to the question, 0..1 among the best candidates


def _finish(text: str) -> str:
    """Close a list line or clause with a full stop, so it reads as a sentence."""
    text = text.rstrip().rstrip(";,:—–-").rstrip()
    return text if text[-1:] in ".!?。)”\"'" else text + "."


def _standalone(s: str) -> bool:
    return (
        len(s) >= 25
        and not s.startswith(("|", "#", "---", ">"))
        and not s.endswith(":")
        and (s[0].isupper() or s[0].isdigit() or s[0] in "\"'“(")
        and not is_meta(s)
        and not has_slug(s)
    )


def candidates(passages: list[Hit]) -> list[Candidate]:
    """Sentences of the passages that can stand alone in an answer (see module docstring)."""
    out: list[Candidate] = []
    for pi, hit in enumerate(passages):
        prev = ""
        for si, raw in enumerate(split_sentences(fold_lists(hit.passage, MAX_WORDS))):
            s = clean(raw)
            ok = _standalone(s)
            if ok and is_dangling(s):
                # Only with its antecedent, and only when that one stands alone itself.
                s = f"{_finish(prev)} {s}" if prev and not is_dangling(prev) else ""
            if ok and s:
                pieces = [s]
                if len(s.split()) > MAX_WORDS:
                    # An enumeration crammed into one sentence: its clauses, when each is a statement.
                    parts = [p.strip() for p in re.split(r";\s+", s)]
                    pieces = [p[0].upper() + p[1:] for p in parts if len(p.split()) >= 6 and len(p.split()) <= MAX_WORDS]
                for p in pieces:
                    p = _finish(p)
                    out.append(Candidate(pi, si, p, frozenset(terms(p))))
            prev = clean(raw) if _standalone(clean(raw)) else ""
    return out


def intent_factor(intent: Intent, text: str) -> float:
    """How well a sentence's form fits what the question asks for."""
    if intent is Intent.AMOUNT:
        return 1.7 if MONEY.search(text) else 1.2 if NUMBER.search(text) else 0.6
    if intent is Intent.DEADLINE:
        return 1.7 if PERIOD.search(text) and NUMBER.search(text) else 1.1 if PERIOD.search(text) else 0.6
    if intent is Intent.PERMISSION:
        return 1.4 if MODAL.search(text) else 0.9
    if intent is Intent.PENALTY:
        return (1.6 if PENALTY.search(text) else 0.7) * (1.25 if MONEY.search(text) else 1.0)
    if intent is Intent.LEGAL_BASIS:
        return 1.5 if ARTICLE.search(text) else 0.8
    if intent is Intent.DEFINITION:
        return 1.25 if DEFINES.search(text) else 1.0
    if intent is Intent.PROCEDURE:
        return 1.2 if (PERIOD.search(text) or MODAL.search(text) or IMPERATIVE.match(text)) else 1.0
    return 1.0


def source_factor(hit: Hit) -> float:
    """Rules come from primary sources and guides; cases and statistics illustrate them."""
    if is_primary(hit.metadata):
        return 1.15
    kinds = {"guide": 1.0, "article": 0.9, "case": 0.75, "statistics": 0.7, UPLOAD_DOC_TYPE: 0.5}
    return kinds.get(str(hit.metadata.get("doc_type")), 0.9)


class ExtractiveAnswerer:
    """Grounded extractive composer (see module docstring)."""

    name = "extractive"

    def __init__(self, max_sentences: int = 3, max_steps: int = 3) -> None:
        self.max_points = max_sentences
        self.max_steps = max_steps

    def score(self, question: str, passages: list[Hit], intent: Intent, relate: Relate | None = None) -> list[Candidate]:
        """Candidates that share a content word with the question, best first.

        With ``relate``, the best word-matched candidates are re-scored by their closeness in
        meaning to the question too: word score (relative to the best) plus closeness (relative to
        the range among those candidates), keeping the word score's scale.
        """
        cands = candidates(passages)
        q_terms = set(terms(question))
        # Corpus words for the user's everyday words count too, at a lower weight.
        extra = set(terms(expand(question))) - q_terms
        if not cands or not q_terms:
            return []
        n = len(cands)
        df: dict[str, int] = {}
        for c in cands:
            for t in c.terms:
                df[t] = df.get(t, 0) + 1
        idf = {t: math.log(1 + n / (1 + df.get(t, 0))) + 0.5 for t in q_terms}
        idf.update({t: 0.6 * (math.log(1 + n / (1 + df.get(t, 0))) + 0.5) for t in extra})
        wanted = q_terms | extra
        wants_cases = asks_for_cases(question)
        # A question about one year ("in 2023") is not answered by another year's figure.
        years = set(YEAR.findall(question))
        scored = []
        for c in cands:
            overlap = wanted & c.terms
            if not overlap:
                continue
            hit = passages[c.passage]
            s = sum(idf[t] for t in overlap) / math.sqrt(max(len(c.terms), 4))
            s *= 1.0 + 1.0 / (1 + c.passage)  # better-ranked passages first
            s *= 1.0 + 0.1 / (1 + c.position)  # lead sentences state the rule
            s *= intent_factor(intent, c.text)
            s *= 1.0 if wants_cases else source_factor(hit)
            if years:
                said = set(YEAR.findall(c.text))
                s *= 1.2 if said & years else 0.4 if said else 1.0
            c.score = s
            scored.append(c)
        scored.sort(key=lambda c: (-c.score, c.passage, c.position))
        if relate is not None and len(scored) > 1:
            head = scored[:MEANING_POOL]
            sims = relate([c.text for c in head])
            top, lo, hi = head[0].score, min(sims), max(sims)
            if hi > lo:
                for c, sim in zip(head, sims, strict=True):
                    c.meaning = (sim - lo) / (hi - lo)
                    c.score = top * (c.score / top + MEANING_WEIGHT * c.meaning) / (1 + MEANING_WEIGHT)
                head.sort(key=lambda c: (-c.score, c.passage, c.position))
                scored = head + scored[MEANING_POOL:]
        return scored

    def compose(self, question: str, passages: list[Hit], intent: Intent | None = None,
                relate: Relate | None = None) -> Draft:
        intent = intent or classify(question)
        scored = self.score(question, passages, intent, relate)
        if not scored:
            return Draft(NO_ANSWER, self.name, intent=intent.value)
        best = scored[0]
        # The short answer has the form asked for, when a close candidate has it: "how much / how
        # long" a figure, "what happens / can I be fined" the penalty, "which article" an article.
        # (A penalty or an article only when the question itself asks for one, not when the intent
        # was only guessed from the closest card: "was there a case of…" wants the case.)
        form = {Intent.AMOUNT: NUMBER, Intent.DEADLINE: NUMBER, Intent.PENALTY: PENALTY, Intent.LEGAL_BASIS: ARTICLE}.get(intent)
        if intent in (Intent.PENALTY, Intent.LEGAL_BASIS) and asked_intent(question) != intent.value:
            form = None
        if form is not None and not form.search(best.text):
            with_form = next((c for c in scored if form.search(c.text) and c.score >= 0.5 * best.score), None)
            best = with_form or best
        # A key point must be about something the question names, not only about its generic words.
        n = len(scored)
        common = {t for t in set(terms(question)) if sum(1 for c in scored if t in c.terms) > max(3, 0.4 * n)} | GENERIC
        specific = (set(terms(question)) | set(terms(expand(question)))) - common
        chosen = [best]
        # ... or be among the closest in meaning and name one of the question's topic words: "What
        # taxes does a consumer pay?" is answered by a rate sentence naming neither consumer nor paying.
        topical = (set(terms(question)) | set(terms(expand(question)))) - GENERIC
        pool = [
            c for c in scored
            if c is not best and c.score >= 0.5 * best.score
            and (not specific or specific & c.terms or (c.meaning >= CLOSE_IN_MEANING and topical & c.terms))
        ]
        covered = set(best.terms)
        while pool and len(chosen) <= self.max_points:
            # Greedy: a sentence bringing a part of the question not yet answered ("and per order?")
            # beats a slightly better-scored one repeating what is already said.
            missing = specific - covered
            pick = max(pool, key=lambda c: (c.score * (1.0 + len(missing & c.terms) / max(1, len(specific))),
                                            -c.passage, -c.position))
            pool.remove(pick)
            if any(near_duplicate(pick.text, o.text) for o in chosen):
                continue
            chosen.append(pick)
            covered |= pick.terms
        steps: list[Candidate] = []
        if intent is Intent.PROCEDURE or SITUATION.search(question):
            for c in scored:
                if len(steps) >= self.max_steps:
                    break
                if IMPERATIVE.match(c.text) and c not in chosen and not any(near_duplicate(c.text, o.text) for o in chosen + steps):
                    steps.append(c)
        cite = lambda c: f"{c.text[:-1]} [{c.passage + 1}]{c.text[-1]}"  # noqa: E731
        short = [cite(best)]
        points = [cite(c) for c in chosen[1:]]
        step_lines = [cite(c) for c in steps]
        return Draft(" ".join(short + points + step_lines), self.name, short=short, points=points, steps=step_lines,
                     intent=intent.value)

    def answer(self, question: str, passages: list[Hit]) -> Draft:
        return self.compose(question, passages)

    def stream(self, question: str, passages: list[Hit]) -> Iterator[str]:
        draft = self.answer(question, passages)
        parts = [*draft.short, *draft.points, *draft.steps] or [draft.text]
        for i, sent in enumerate(parts):
            yield ("" if i == 0 else " ") + sent
