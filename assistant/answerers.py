"""Answer backends behind one small interface, chosen by name.

- ``extractive`` (default): no LLM, no network. Picks the passages' sentences that best
  match the question, removes near-duplicates, and ends each with its ``[n]`` marker.
  Deterministic and fast; every sentence is a passage sentence, so every claim is backed.
- ``openai`` / ``ollama`` / ``llamacpp``: a LangChain chat model prompted with numbered
  sources (see `assistant.prompts`); its markers are checked by `assistant.citations`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from langchain_core.documents import Document
from langchain_core.language_models.chat_models import BaseChatModel

from assistant.citations import split_sentences
from assistant.prompts import answer_messages
from assistant.settings import Settings
from assistant.vocabulary import expand
from ingest.splitter import passage_text

NO_ANSWER = "The sources I have do not answer this question."

_WORD = re.compile(r"[a-z0-9\u4e00-\u9fff]+(?:[.,][0-9]+)*")
STOP = frozenset(
    """a an the of to in on for and or is are was were be been by with as at from that this these those it its
    what which who whom how when where why do does did can could may might must shall should will would i my
    me we our you your he she they them their there here if then than so not no any all about into under over
    per up out more most some such only also other own same very just have has had get got tell explain please
    i'm im there's let know need want""".split()
)
QUANTITY_Q = re.compile(r"\b(how (much|many|long|soon)|limit|amount|rate|fine|deadline|days?|within|percent|value|fee|cost|when)\b", re.I)
NUMBER = re.compile(r"\d")
# Sentences about the document itself ("This document sets out ...") say nothing a seller can use.
META = re.compile(
    r"^(this|the present|our) (document|checklist|guide|section|page|article|summary|note|table|glossary|file)\b"
    r"|^(section|article) numbers (below|above)|^see (also )?[a-z0-9-]+$|^(for|on) (details|more)\b",
    re.I,
)


def terms(text: str) -> list[str]:
    """Lower-cased content words with a light suffix strip, so "limits" meets "limit"."""
    out = []
    for w in _WORD.findall(text.lower()):
        if w in STOP or len(w) < 2:
            continue
        for suf in ("ies", "es", "s"):
            if len(w) > 4 and w.endswith(suf) and not w.endswith("ss"):
                w = w[: -len(suf)] + ("y" if suf == "ies" else "")
                break
        out.append(w)
    return out


@dataclass
class Draft:
    """What a backend returns: answer text with [n] markers over the given passages."""

    text: str
    backend: str


class Answerer(Protocol):
    name: str

    def answer(self, question: str, passages: list[Document]) -> Draft: ...

    def stream(self, question: str, passages: list[Document]) -> Iterator[str]: ...


_SEE = re.compile(r"\s*\((?:see|cf\.)\s+[a-z0-9]+(?:-[a-z0-9]+)+[^)]*\)|;?\s*see [a-z0-9]+(?:-[a-z0-9]+){2,}(?:, [A-Z][^.;]*)?", re.I)


def _clean(sentence: str) -> str:
    """Strip list bullets, Markdown emphasis and internal cross-references to document ids."""
    s = re.sub(r"^\s*(?:[-*•]|\d+[.)]|\([a-z0-9]+\))\s+", "", sentence)
    s = s.replace("**", "").replace("__", "").replace("`", "")
    s = _SEE.sub("", s)
    return s.strip()


class ExtractiveAnswerer:
    """Grounded extractive composer (see module docstring)."""

    name = "extractive"

    def __init__(self, max_sentences: int = 4, min_chars: int = 25, max_chars: int = 500) -> None:
        self.max_sentences = max_sentences
        self.min_chars = min_chars
        self.max_chars = max_chars

    def select(self, question: str, passages: list[Document]) -> list[tuple[int, int, str, float]]:
        """(passage index, position, sentence, score) of the chosen sentences, in answer order."""
        q_terms = set(terms(question))
        # Corpus words for the user's everyday words count too, at a lower weight.
        extra = set(terms(expand(question))) - q_terms
        cands: list[tuple[int, int, str, list[str]]] = []
        for pi, d in enumerate(passages):
            for si, raw in enumerate(split_sentences(passage_text(d.page_content, d.metadata))):
                s = _clean(raw)
                if (
                    len(s) < self.min_chars
                    or s.startswith(("|", "#", "---"))
                    or s.endswith(":")
                    or not (s[0].isupper() or s[0].isdigit() or s[0] in "\"'“(")
                    or META.search(s)
                ):
                    continue  # fragments, tables and lead-ins do not stand alone
                cands.append((pi, si, s[: self.max_chars], terms(s)))
        if not cands or not q_terms:
            return []
        n = len(cands)
        df: dict[str, int] = {}
        for *_, ts in cands:
            for t in set(ts):
                df[t] = df.get(t, 0) + 1
        idf = {t: math.log(1 + n / (1 + df.get(t, 0))) + 0.5 for t in q_terms}
        idf.update({t: 0.6 * (math.log(1 + n / (1 + df.get(t, 0))) + 0.5) for t in extra})
        q_terms = q_terms | extra
        wants_number = bool(QUANTITY_Q.search(question))
        scored = []
        for pi, si, s, ts in cands:
            tset = set(ts)
            overlap = q_terms & tset
            if not overlap:
                continue
            score = sum(idf[t] for t in overlap) / math.sqrt(max(len(tset), 4))
            score *= 1.0 + 1.0 / (1 + pi)  # better-ranked passages first
            score *= 1.0 + 0.1 / (1 + si)  # lead sentences state the rule
            if wants_number and NUMBER.search(s):
                score *= 1.3
            scored.append((score, pi, si, s, tset))
        scored.sort(key=lambda x: (-x[0], x[1], x[2]))
        if not scored:
            return []
        best = scored[0][0]
        chosen: list[tuple[float, int, int, str, set]] = []
        for cand in scored:
            if len(chosen) >= self.max_sentences or cand[0] < 0.35 * best:
                break
            if any(len(cand[4] & c[4]) / max(1, len(cand[4] | c[4])) > 0.6 for c in chosen):
                continue  # near-duplicate of a sentence already chosen
            chosen.append(cand)
        # Group by passage in order of each passage's best sentence; keep reading order inside.
        order: list[int] = []
        for c in chosen:
            if c[1] not in order:
                order.append(c[1])
        chosen.sort(key=lambda c: (order.index(c[1]), c[2]))
        return [(c[1], c[2], c[3], c[0]) for c in chosen]

    def answer(self, question: str, passages: list[Document]) -> Draft:
        picked = self.select(question, passages)
        if not picked:
            return Draft(NO_ANSWER, self.name)
        parts = []
        for pi, _, s, _ in picked:
            body = re.sub(r"\s+", " ", s).rstrip().rstrip(";,:—–-").rstrip()
            end = body[-1] if body[-1] in ".!?。" else "."
            body = body[:-1] if body[-1] in ".!?。" else body
            parts.append(f"{body} [{pi + 1}]{end}")
        return Draft(" ".join(parts), self.name)

    def stream(self, question: str, passages: list[Document]) -> Iterator[str]:
        text = self.answer(question, passages).text
        for i, sent in enumerate(re.split(r"(?<=\]\.)\s", text)):
            yield ("" if i == 0 else " ") + sent


class LLMAnswerer:
    """Any LangChain chat model, prompted with numbered sources."""

    def __init__(self, model: BaseChatModel, name: str) -> None:
        self.model = model
        self.name = name

    def answer(self, question: str, passages: list[Document]) -> Draft:
        msg = self.model.invoke(answer_messages(question, passages))
        return Draft(str(msg.content).strip(), self.name)

    def stream(self, question: str, passages: list[Document]) -> Iterator[str]:
        for chunk in self.model.stream(answer_messages(question, passages)):
            if chunk.content:
                yield str(chunk.content)


# ---- chat models by name ------------------------------------------------------------------


def _openai(s: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    if not s.llm_model:
        raise ValueError("the openai backend needs CBEC_LLM_MODEL")
    return ChatOpenAI(
        model=s.llm_model,
        base_url=s.llm_base_url or None,
        api_key=s.llm_api_key or "not-needed",
        temperature=s.llm_temperature,
        timeout=s.llm_timeout_s,
        max_retries=1,
    )


def _ollama(s: Settings) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    if not s.llm_model:
        raise ValueError("the ollama backend needs CBEC_LLM_MODEL (e.g. llama3.1)")
    return ChatOllama(
        model=s.llm_model,
        base_url=s.llm_base_url or "http://127.0.0.1:11434",
        temperature=s.llm_temperature,
        client_kwargs={"timeout": s.llm_timeout_s},
    )


def _llamacpp(s: Settings) -> BaseChatModel:
    try:
        from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as exc:
        raise ValueError(
            "the llamacpp backend needs the optional extra: pip install -e '.[llamacpp]'"
        ) from exc
    if not s.llm_gguf_path:
        raise ValueError("the llamacpp backend needs CBEC_LLM_GGUF_PATH (a local .gguf file)")
    return ChatLlamaCpp(model_path=s.llm_gguf_path, temperature=s.llm_temperature, n_ctx=4096, verbose=False)


CHAT_MODELS: dict[str, Callable[[Settings], BaseChatModel]] = {
    "openai": _openai,
    "ollama": _ollama,
    "llamacpp": _llamacpp,
}
BACKENDS = ("extractive", *CHAT_MODELS)


def make_chat_model(settings: Settings) -> BaseChatModel:
    factory = CHAT_MODELS.get(settings.backend)
    if factory is None:
        raise ValueError(f"backend {settings.backend!r} has no chat model; LLM backends: {', '.join(CHAT_MODELS)}")
    return factory(settings)


def make_answerer(settings: Settings) -> Answerer:
    if settings.backend == "extractive":
        return ExtractiveAnswerer(max_sentences=settings.answer_sentences)
    if settings.backend not in CHAT_MODELS:
        raise ValueError(f"unknown backend {settings.backend!r}; known: {', '.join(BACKENDS)}")
    return LLMAnswerer(make_chat_model(settings), settings.backend)
