"""Answer backends behind one `Answerer` protocol, chosen by name (`Settings.backend`).

- ``extractive`` (default): no LLM, composes the answer from passage sentences.
- ``openai`` / ``ollama`` / ``llamacpp``: a LangChain chat model prompted with numbered sources.
"""

from __future__ import annotations

from assistant.answering.base import NO_ANSWER, Answerer, Draft
from assistant.config import Backend, Settings

__all__ = ["BACKENDS", "NO_ANSWER", "Answerer", "Draft", "make_answerer"]

BACKENDS = tuple(b.value for b in Backend)


def make_answerer(settings: Settings) -> Answerer:
    """The answerer named by ``settings.backend`` (validated by `Settings`)."""
    if settings.backend == Backend.EXTRACTIVE:
        from assistant.answering.extractive import ExtractiveAnswerer

        return ExtractiveAnswerer(max_sentences=settings.answer_sentences)
    from assistant.answering.chat_models import LLMAnswerer, make_chat_model

    return LLMAnswerer(make_chat_model(settings), settings.backend.value)
