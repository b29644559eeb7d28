"""LLM answer backends: any LangChain chat model prompted with numbered sources.

Chat models are built by name from a registry (``openai``, ``ollama``, ``llamacpp``); an unknown
name fails loudly with the known ones. Their ``[n]`` markers are checked by `assistant.citations`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from langchain_core.language_models.chat_models import BaseChatModel

from assistant.answering.base import Draft
from assistant.answering.prompts import answer_messages
from assistant.config import Settings
from assistant.retrieval.types import Hit


class LLMAnswerer:
    """Any LangChain chat model, prompted with numbered sources."""

    def __init__(self, model: BaseChatModel, name: str) -> None:
        self.model = model
        self.name = name

    def answer(self, question: str, passages: list[Hit]) -> Draft:
        msg = self.model.invoke(answer_messages(question, passages))
        return Draft(str(msg.content).strip(), self.name)

    def stream(self, question: str, passages: list[Hit]) -> Iterator[str]:
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


def make_chat_model(settings: Settings) -> BaseChatModel:
    factory = CHAT_MODELS.get(settings.backend)
    if factory is None:
        raise ValueError(f"backend {settings.backend!r} has no chat model; LLM backends: {', '.join(CHAT_MODELS)}")
    return factory(settings)
