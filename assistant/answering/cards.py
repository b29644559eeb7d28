"""Answer cards: curated question -> answer units for the questions sellers ask most.

A card (``corpus/cards/*.yaml``) holds question variants in sellers' and consultants' words, a
short answer, key points each with the passages that back them, steps for seller situations, and
its legal basis as chunk ids of primary sources. Cards are written in the project's own words from
the same facts as the corpus; every figure in a card appears in a passage it cites (tested).

`CardIndex` matches a question against every card's variants: dense similarity (the question's
own embedding, computed once for retrieval too), word coverage and retrieval's agreement (see
`CardIndex.match`); a Chinese question by its words against the cards' Chinese variants (see
`CardIndex.match_chinese`). Otherwise the composer answers from the retrieved passages alone.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
import yaml

from assistant.answering.intent import asked_intent
from assistant.retrieval.source_prior import asks_for_cases
from assistant.schema import named_codes
from assistant.text import terms

CARDS_DIR = "cards"  # under the corpus folder; ingest leaves it out (see ingest.state)
INTENTS = ("amount", "deadline", "permission", "procedure", "definition", "penalty", "legal_basis",
           "comparison", "evasion")


class CardError(ValueError):
    """A card file is malformed; the message names the file and the card."""


@dataclass(frozen=True)
class KeyPoint:
    text: str
    cite: tuple[str, ...]
    text_zh: str = ""


@dataclass(frozen=True)
class Card:
    """One curated answer. ``legal_basis`` and key-point ``cite`` are chunk ids of the index."""

    id: str
    topic: str
    intent: str
    reviewed: str
    questions: tuple[str, ...]
    short_answer: str
    legal_basis: tuple[str, ...]
    key_points: tuple[KeyPoint, ...] = ()
    what_to_do: tuple[str, ...] = ()
    questions_zh: tuple[str, ...] = ()
    short_answer_zh: str = ""
    what_to_do_zh: tuple[str, ...] = ()
    source: str = ""

    @property
    def declines(self) -> bool:
        """A decline card answers a request for help evading customs controls."""
        return self.intent == "evasion"

    def cited_ids(self) -> list[str]:
        """Every chunk the card cites, legal basis first, without repeats."""
        out: list[str] = []
        for cid in (*self.legal_basis, *(c for kp in self.key_points for c in kp.cite)):
            if cid not in out:
                out.append(cid)
        return out


def _strs(value, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CardError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _card(raw: dict, source: str) -> Card:
    where = f"{source}: card {raw.get('id', '?')!r}"
    for key in ("id", "topic", "intent", "short_answer"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise CardError(f"{where}: missing '{key}'")
    if raw["intent"] not in INTENTS:
        raise CardError(f"{where}: intent {raw['intent']!r} is not one of {', '.join(INTENTS)}")
    points = []
    for kp in raw.get("key_points") or []:
        if not isinstance(kp, dict) or not isinstance(kp.get("text"), str):
            raise CardError(f"{where}: each key point needs 'text' and 'cite'")
        cite = _strs(kp.get("cite"), where, "cite")
        if not cite:
            raise CardError(f"{where}: key point {kp['text'][:40]!r} cites nothing")
        points.append(KeyPoint(kp["text"].strip(), cite, str(kp.get("text_zh") or "").strip()))
    questions = _strs(raw.get("questions"), where, "questions")
    legal_basis = _strs(raw.get("legal_basis"), where, "legal_basis")
    if not questions or not legal_basis:
        raise CardError(f"{where}: needs 'questions' and 'legal_basis'")
    reviewed = raw.get("reviewed")
    return Card(
        id=raw["id"].strip(),
        topic=raw["topic"].strip(),
        intent=raw["intent"],
        reviewed=reviewed.isoformat() if isinstance(reviewed, dt.date) else str(reviewed or ""),
        questions=questions,
        short_answer=raw["short_answer"].strip(),
        legal_basis=legal_basis,
        key_points=tuple(points),
        what_to_do=_strs(raw.get("what_to_do"), where, "what_to_do"),
        questions_zh=_strs(raw.get("questions_zh"), where, "questions_zh"),
        short_answer_zh=str(raw.get("short_answer_zh") or "").strip(),
        what_to_do_zh=_strs(raw.get("what_to_do_zh"), where, "what_to_do_zh"),
        source=source,
    )


def load_cards(folder: Path) -> list[Card]:
    """Every card in ``folder/*.yaml`` (safe YAML); a malformed file raises `CardError` naming it."""
    cards: list[Card] = []
    seen: dict[str, str] = {}
    if not folder.is_dir():
        return cards
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise CardError(f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(data, dict) or not isinstance(data.get("cards"), list):
            raise CardError(f"{path.name}: expected a top-level 'cards' list")
        for raw in data["cards"]:
            if not isinstance(raw, dict):
                raise CardError(f"{path.name}: every card must be a mapping")
            card = _card(raw, path.name)
            if card.id in seen:
                raise CardError(f"{path.name}: card id {card.id!r} also in {seen[card.id]}")
            seen[card.id] = path.name
            cards.append(card)
    return cards


@dataclass(frozen=True)
class CardMatch:
    card: Card
    score: float  # cosine similarity of the question to the closest variant
    variant: str


# Measured on the cards' own question variants with the bundled MiniLM (leave one variant out): the
# closest variant alone picked the right card for only 24% of held-out variants (46% with word
# coverage and retrieval's agreement added), because neighbouring cards share their words; so a card
# answers only when closeness, coverage and agreement all hold. Another embedder needs its own
# similarity floor (CBEC_CARD_THRESHOLD).
DEFAULT_CARD_THRESHOLD = 0.70
MIN_COVERAGE = 0.5  # share of the question's known words the card must contain
STRONG_COVERAGE = 0.8
NEAR_VERBATIM = 0.88
# Without retrieval's agreement a close card with most of the words still answers when it is this far
# ahead of the next card (combined score): no other card competes for the question, and the passages
# retrieval found are the ones MiniLM put near a wording it handles badly.
CLEAR_COVERAGE = 0.7
FAR_AHEAD = 0.4
ASKS_FOR_STEPS = re.compile(r"\bwhat (should|do|can|must) (i|we) do\b|\bwhat (now|next)\b|\bhow (do|should) (i|we) (respond|react|handle)", re.I)
STEPS_BONUS = 0.3
INTENT_BONUS = 0.1
# The Chinese counterpart of the English variant similarity: character-pair overlap (Dice) with the
# card's closest Chinese variant. Topic words alone tie the cards about one situation (扣, 货, 海关
# are on a dozen detention cards); the rest of the wording (我的货, 怎么办: a seller's goods, asking
# for steps) is what tells the seller's card from the right holder's.
ZH_VARIANT_WEIGHT = 1.0
ZH_NEAR_VERBATIM = 0.9  # a variant this close is the question, typos and all
COMPATIBLE = {"amount": "penalty"}  # a fine is an amount: penalty and amount cards answer the same questions
# Cards about one published case or one year's figures illustrate a rule; a seller asking about their
# own goods ("海关发现我的包裹里有假货") wants the rule and the next steps, as retrieval prefers rules
# (`source_prior`), unless the question asks for cases or figures.
ILLUSTRATIVE_TOPICS = frozenset({"cases", "statistics"})
FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|my|me|mine|we|we're|our|ours|us)\b|我", re.I)


@dataclass
class CardIndex:
    """The English question variants of every card, embedded once, matched by several signals.

    A card is chosen when the question is close to one of its variants (cosine), the card's own
    words cover most of the question's informative words, and retrieval agrees: one of the card's
    cited passages is among the retrieved ones. Each signal alone confuses neighbouring cards
    (the annual limit and the per-order limit, validity and renewal); together they rarely do.
    """

    cards: list[Card]
    variants: list[str] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)
    vectors: np.ndarray | None = None
    answers: np.ndarray | None = None
    threshold: float = DEFAULT_CARD_THRESHOLD
    card_terms: list[frozenset[str]] = field(default_factory=list)
    idf: dict[str, float] = field(default_factory=dict)
    vocabulary: frozenset[str] = frozenset()  # words at least three cards use: the domain's words
    corpus_words: frozenset[str] = frozenset()  # words of the indexed passages
    # Per card its Chinese variants' words, the words' weights, and each variant's character pairs;
    # built on first use.
    _zh: tuple | None = None

    @property
    def card_dirs(self) -> list[frozenset[str]]:
        """Per card, the trade directions its question variants and answer name ("import", "export")."""
        if self._dirs is None:
            self._dirs = [directions(" ".join((*c.questions, c.short_answer))) for c in self.cards]
        return self._dirs

    _dirs: list[frozenset[str]] | None = None

    @property
    def card_codes(self) -> list[frozenset[str]]:
        """Per card, the mode codes its answer names: what it is about (a variant may name a code only
        to set it apart, as "9710 and 9610, what's the difference" on the 9710 card)."""
        if self._codes is None:
            self._codes = [named_codes(f"{c.short_answer} {c.short_answer_zh}") for c in self.cards]
        return self._codes

    _codes: list[frozenset[str]] | None = None

    def fits_direction(self, asked: frozenset[str], ci: int) -> bool:
        """A question about exports is not answered by an import card, nor the other way round
        (``asked``: the directions the question names, from `directions`)."""
        return not (len(asked) == 1 and self.card_dirs[ci] and not asked & self.card_dirs[ci])

    def fits_codes(self, question: str, ci: int) -> bool:
        """A question naming mode codes is answered only by a card naming them all, or by a card
        naming no code (a general rule): "9610和9710有什么区别" is not the 9710-versus-9810 card's
        question, and "what is 9610?" not the 9710 card's (the embedder hardly tells the numbers apart)."""
        asked = named_codes(question)
        return not asked or not self.card_codes[ci] or asked <= self.card_codes[ci]

    def fits_person(self, question: str, ci: int) -> bool:
        """A question about the asker's own goods is not answered by a case or statistics card
        (see ``ILLUSTRATIVE_TOPICS``), unless it asks for cases or figures."""
        return not (self.cards[ci].topic in ILLUSTRATIVE_TOPICS and FIRST_PERSON.search(question)
                    and not asks_for_cases(question))

    @classmethod
    def build(cls, cards: list[Card], embeddings, threshold: float = 0.0, passages: Iterable[str] = ()) -> CardIndex:
        variants, owners = [], []
        for i, card in enumerate(cards):
            for q in card.questions:
                variants.append(q)
                owners.append(i)
        vectors = answers = None
        if variants:
            vecs = np.asarray(embeddings.embed_documents(variants + [c.short_answer for c in cards]), dtype=np.float32)
            vectors, answers = vecs[: len(variants)], vecs[len(variants):]
        card_terms = [_card_terms(c) for c in cards]
        df: dict[str, int] = {}
        for ts in card_terms:
            for t in ts:
                df[t] = df.get(t, 0) + 1
        n = max(len(cards), 1)
        idf = {t: math.log(1 + n / d) for t, d in df.items()}
        common = frozenset(t for t, d in df.items() if d >= 3)
        corpus_words = frozenset(t for p in passages for t in terms(p))
        return cls(cards, variants, owners, vectors, answers, threshold or DEFAULT_CARD_THRESHOLD, card_terms, idf, common,
                   corpus_words)

    def by_id(self) -> dict[str, Card]:
        return {c.id: c for c in self.cards}

    def coverage(self, question: str, ci: int) -> float:
        """Share of the question's known words (weighted by rarity among cards) that this card contains.

        Words neither the cards nor the passages use (a typo, a shop's name) say nothing about which
        card answers and are left out; a word the passages use but no card does (a case's brand, a
        customs office) counts against every card, so a question about that specific case is
        answered from the passages, not from a general card.
        """
        unknown = math.log(1 + max(len(self.cards), 1))
        q = [t for t in set(terms(question)) if t in self.idf or t in self.corpus_words]
        total = sum(self.idf.get(t, unknown) for t in q)
        return sum(self.idf.get(t, 0.0) for t in q if t in self.card_terms[ci]) / total if total else 0.0

    def ranked(self, qvec: Sequence[float], allowed: Iterable[int] | None = None) -> list[tuple[float, int, int]]:
        """(variant similarity, card index, variant index) per card, best first."""
        if self.vectors is None or not len(self.variants):
            return []
        keep = set(allowed) if allowed is not None else None
        sims = self.vectors @ np.asarray(qvec, dtype=np.float32)
        best: dict[int, tuple[float, int]] = {}
        for vi, (owner, sim) in enumerate(zip(self.owners, sims.tolist(), strict=True)):
            if keep is not None and owner not in keep:
                continue
            if owner not in best or sim > best[owner][0]:
                best[owner] = (sim, vi)
        return sorted(((s, ci, vi) for ci, (s, vi) in best.items()), reverse=True)

    def shortlist(self, question: str, qvec: Sequence[float], retrieved: Sequence[str] = (),
                  declines: bool | None = None, among: Iterable[str] | None = None) -> list[tuple[float, float, int, int]]:
        """(combined score, variant similarity, card index, variant index) of the closest cards, best first.

        A near-verbatim variant outweighs the rest; the answer's closeness, retrieval's agreement
        and word coverage break ties between neighbouring cards.
        """
        keep = set(among) if among is not None else None
        asked_dirs = directions(question)
        allowed = [i for i, c in enumerate(self.cards)
                   if (declines is None or c.declines == declines) and (keep is None or c.id in keep)
                   and self.fits_direction(asked_dirs, i) and self.fits_codes(question, i)
                   and self.fits_person(question, i)]
        ranked = self.ranked(qvec, allowed)
        ranks = {cid: r for r, cid in enumerate(retrieved)}
        q = np.asarray(qvec, dtype=np.float32)
        wants_steps = bool(ASKS_FOR_STEPS.search(question))
        asked = asked_intent(question)
        out = []
        for sim, ci, vi in ranked[:8]:
            card = self.cards[ci]
            # Agreement counts once: a card citing many passages is not more likely the answer.
            evidence = min(1.0, sum(1.0 / (1 + ranks[c]) for c in card.cited_ids() if c in ranks))
            combined = 2.0 * sim + 0.25 * float(self.answers[ci] @ q) + 0.2 * evidence + self.coverage(question, ci)
            if wants_steps and card.what_to_do:  # "what should I do?" is answered by a card with steps
                combined += STEPS_BONUS
            if asked and COMPATIBLE.get(card.intent, card.intent) == COMPATIBLE.get(asked, asked):
                combined += INTENT_BONUS  # the kind of answer asked for: a fine question, a penalty card
            out.append((combined, sim, ci, vi))
        return sorted(out, reverse=True)

    def match(self, question: str, qvec: Sequence[float], retrieved: Sequence[str] = (),
              declines: bool | None = None, among: Iterable[str] | None = None,
              words_only: bool = False) -> CardMatch | None:
        """The card that answers ``question``, or None when no card is clearly it.

        ``retrieved`` are the chunk ids retrieval returned, best first; ``declines`` restricts the
        search to decline cards (True) or to answer cards (False); ``among`` to the cards named.
        ``words_only``: retrieval cannot vouch (its passages were too far from the question), so
        only a card carrying nearly all the question's words, or a near-verbatim variant, answers.
        """
        listed = self.shortlist(question, qvec, retrieved, declines, among)
        if not listed:
            return None
        ranks = {cid: r for r, cid in enumerate(retrieved)}
        _, sim, ci, vi = listed[0]
        card = self.cards[ci]
        agrees = not retrieved or any(c in ranks for c in card.cited_ids())
        coverage = self.coverage(question, ci)
        # Close in meaning, most of the question's known words, and retrieval agrees; or, without
        # retrieval's agreement, most of the words and far ahead of every other card, or nearly all
        # the words and still close.
        margin = listed[0][0] - listed[1][0] if len(listed) > 1 else listed[0][0]
        confident = (
            (sim >= self.threshold and coverage >= MIN_COVERAGE and agrees and not words_only)
            or (sim >= self.threshold and coverage >= CLEAR_COVERAGE and margin >= FAR_AHEAD)
            or (sim >= self.threshold - 0.08 and coverage >= STRONG_COVERAGE)
            or (sim >= NEAR_VERBATIM and (agrees or words_only))
        )
        return CardMatch(card, float(sim), self.variants[vi]) if confident else None

    def illustrations(self) -> list[str]:
        """Ids of the case and statistics cards (``ILLUSTRATIVE_TOPICS``)."""
        return [c.id for c in self.cards if c.topic in ILLUSTRATIVE_TOPICS]

    def of_topic(self, topic: str) -> list[str] | None:
        """Ids of the cards on ``topic``; None (no restriction) for "" or a topic no card has."""
        ids = [c.id for c in self.cards if topic and c.topic == topic]
        return ids or None

    def match_chinese(self, question: str, lexicon, retrieved: Sequence[str] = (),
                      qvec: Sequence[float] | None = None, english: str = "", intent: str = "",
                      among: Iterable[str] | None = None) -> CardMatch | None:
        """The card for a Chinese question, by its words against the cards' Chinese variants.

        The bundled embedder is English-only, so Chinese is matched word by word (jieba with the
        lexicon's terms): the share of the question's topic words, weighted by rarity among cards,
        that a card's Chinese variants contain. Words neither the cards nor the lexicon know are
        left out; a topic word no card uses counts against every card. Retrieval must agree (a
        cited passage among those found with the English translation) unless the match is strong.
        """
        if lexicon is None or not any(c.questions_zh for c in self.cards):
            return None
        def concepts(text: str) -> list[str]:
            # Chinese synonyms meet through the lexicon's English: 每年 and 年度 both read as "annual";
            # every English word counts, so 跨境电商零售进口 ("CBEC retail import") is not an export.
            out = []
            for t in lexicon.content_tokens(text):
                e = lexicon.by_zh.get(t)
                out.extend(terms(e.en) if e else [t])
            return out

        if self._zh is None:
            # As in English, a figure counts when the card's answer states it (`_card_terms`).
            stated = [{t for t in ts if _is_figure(t)} for ts in self.card_terms]
            per_card = [frozenset(t for t in concepts(" ".join(c.questions_zh)) if not _is_figure(t) or t in figures)
                        | figures
                        for c, figures in zip(self.cards, stated, strict=True)]
            df: dict[str, int] = {}
            for ts in per_card:
                for t in ts:
                    df[t] = df.get(t, 0) + 1
            n = len(self.cards)
            pairs = [[char_pairs(v) for v in c.questions_zh] for c in self.cards]
            self._zh = (per_card, {t: math.log(1 + n / d) for t, d in df.items()}, pairs)
        per_card, idf, pairs = self._zh
        unknown = math.log(1 + len(self.cards))
        known = {w for e in lexicon.entries for w in terms(e.en)}
        q = [t for t in set(concepts(question)) if t in idf or t in known]
        total = sum(idf.get(t, unknown) for t in q)
        if not total:
            return None
        # Ties between cards that share the question's words are broken by retrieval's agreement and
        # by the English translation's closeness to each card's English variants.
        ranks = {cid: r for r, cid in enumerate(retrieved)}
        dense = {ci: sim for sim, ci, _ in self.ranked(qvec)} if qvec is not None else {}
        scored = []
        asked_pairs = char_pairs(question)
        keep = set(among) if among is not None else None
        # The translation names the direction asked (出口 -> "export"), as in English.
        asked_dirs = directions(english)
        for i, card in enumerate(self.cards):
            if (card.declines or not self.fits_codes(question, i) or not self.fits_direction(asked_dirs, i)
                    or not self.fits_person(question, i) or (keep is not None and card.id not in keep)):
                continue
            wording = max((dice(asked_pairs, v) for v in pairs[i]), default=0.0)
            coverage = sum(idf.get(t, 0.0) for t in q if t in per_card[i]) / total
            evidence = sum(1.0 / (1 + ranks[c]) for c in card.cited_ids() if c in ranks)
            # The translation's words against the card's English text, and the kind of answer asked
            # for ("怎么办" wants steps), separate cards that share the Chinese words.
            english_cover = self.coverage(english, i) if english else 0.0
            same_intent = 0.1 if intent and card.intent == intent else 0.0
            combined = (1.5 * coverage + 0.3 * min(evidence, 1.0) + 0.3 * dense.get(i, 0.0) + 0.3 * english_cover
                        + same_intent + ZH_VARIANT_WEIGHT * wording)
            scored.append((combined, coverage, evidence, wording, i))
        scored.sort(reverse=True)
        (combined, coverage, evidence, wording, ci), second = scored[0], (scored[1][0] if len(scored) > 1 else 0.0)
        margin = combined - second
        # Every topic word on the card and retrieval agreeing: near-ties are cards on the same
        # situation (release grounds, what to do when detained), and either serves better than
        # English passages under Chinese headings.
        confident = (
            (coverage >= 0.5 and margin >= 0.08 and evidence > 0)
            or (coverage >= 0.6 and margin >= 0.03 and (evidence > 0 or coverage >= 0.8))
            or (coverage >= 0.9 and evidence > 0)
            or (coverage >= 0.6 and margin >= 0.2)  # far ahead of every other card on the question's words
            or (wording >= ZH_NEAR_VERBATIM and margin > 0)  # one of the card's own questions, near word for word
        )
        if not confident and len(scored) > 1 and margin < 0.08:
            # A near-tie whose runner-up carries every topic word and is backed by retrieval: the two
            # cards are on the same situation, and the one with all the words answers.
            _, coverage, evidence, _, ci = scored[1]
            confident = coverage >= 0.9 and evidence > 0
        return CardMatch(self.cards[ci], coverage, "") if confident else None

    def core(self, question: str) -> str:
        """The question without the words few cards use (places, products): what the question is about.

        "Customs detained my parcel of branded sneakers at Shenzhen, what happens now?" becomes
        "Customs detained my parcel of branded at, what happens now?", which the cards recognise.
        """
        kept = []
        for word in question.split():
            ts = terms(word)
            if not ts or all(t in self.vocabulary for t in ts):
                kept.append(word)
        return " ".join(kept)

    def closest_intent(self, qvec: Sequence[float]) -> str | None:
        ranked = self.ranked(qvec)
        return self.cards[ranked[0][1]].intent if ranked else None


_DIRECTION = re.compile(r"\b(import|export)(?:s|ed|ing|er|ers)?\b", re.I)


def _card_terms(card: Card) -> frozenset[str]:
    """The words a card answers to: its questions' and its answer's. A figure counts only when the
    answer states it: "6000 rmb in one order" in a question is an example, and a question naming
    RMB 6,000 is not closer to that card than to the one stating the rule for such orders."""
    said = set(terms(" ".join((card.short_answer, *(k.text for k in card.key_points)))))
    asked = {t for t in terms(" ".join(card.questions)) if not _is_figure(t) or t in said}
    return frozenset(said | asked)


def _is_figure(term: str) -> bool:
    return term.replace(".", "").isdigit()


def char_pairs(text: str) -> frozenset[str]:
    """Adjacent character pairs of a Chinese question, punctuation and spaces dropped."""
    chars = [ch for ch in text if ch.isalnum()]
    return frozenset(a + b for a, b in pairwise(chars))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice overlap of two pair sets: 1.0 for the same wording, 0.0 for nothing shared."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def directions(text: str) -> frozenset[str]:
    """The trade directions a text names: {"import"}, {"export"}, both or none."""
    return frozenset(m.group(1).lower() for m in _DIRECTION.finditer(text))


def cards_dir(corpus_dir: Path) -> Path:
    return corpus_dir / CARDS_DIR
