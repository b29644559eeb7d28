"""What every answer backend is: the `Answerer` protocol and the `Draft` it returns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from assistant.retrieval.types import Hit

NO_ANSWER = "The sources I have do not answer this question."


@dataclass
class Draft:
    """What a backend returns: answer text with [n] markers over the given passages.

    A backend that knows the answer's structure fills the parts (each sentence with its
    markers); an LLM returns free text, which the chain splits into a short answer and points.
    """

    text: str
    backend: str
    short: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    intent: str = ""
    lang: str = "en"  # the language the parts are written in


class Answerer(Protocol):
    """Writes an answer to a question from numbered passages, citing them as ``[n]``."""

    name: str

    def answer(self, question: str, passages: list[Hit]) -> Draft: ...

    def stream(self, question: str, passages: list[Hit]) -> Iterator[str]: ...
