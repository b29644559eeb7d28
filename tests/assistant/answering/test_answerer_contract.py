"""The contract every answer backend must meet, whatever writes the text.

``answer`` and ``stream`` give the same text, every marker points at a given passage, and a
backend that finds nothing says `NO_ANSWER`. The fixture swaps the extractive composer and an LLM
backend driven by a scripted chat model (a real LangChain chat model, no network).
"""

import pytest

from assistant.answering import NO_ANSWER
from assistant.answering.chat_models import LLMAnswerer
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.citations import check
from assistant.retrieval.types import Hit
from tests.fakes import ScriptedChatModel

PASSAGES = [
    Hit("a:art-1:0", "Tax\n\nThe annual limit is RMB 26,000 per person.", {"body_offset": 5, "title": "Tax"}, 1.0),
    Hit("b:art-2:0", "Recordation\n\nA recordation is valid for 10 years.", {"body_offset": 13, "title": "Rec"}, 0.9),
]
QUESTION = "What is the annual limit per person?"


@pytest.fixture(params=["extractive", "llm"])
def make(request):
    def build(reply: str = "The annual limit is RMB 26,000 [1].") -> object:
        if request.param == "extractive":
            return ExtractiveAnswerer()
        return LLMAnswerer(ScriptedChatModel().enqueue(reply, reply), "openai")

    return build


class TestAnswererContract:
    def test_answer_cites_only_given_passages(self, make):
        draft = make().answer(QUESTION, PASSAGES)
        checked = check(draft.text, len(PASSAGES))
        assert checked.cited == [1] and not checked.invalid_markers and "26,000" in draft.text

    def test_stream_gives_the_same_text_as_answer(self, make):
        answerer = make()
        assert "".join(answerer.stream(QUESTION, PASSAGES)).strip() == answerer.answer(QUESTION, PASSAGES).text.strip()

    def test_nothing_relevant_says_so(self, make):
        draft = make(NO_ANSWER).answer("Which colour is the sky?", PASSAGES[1:])
        assert draft.text == NO_ANSWER
