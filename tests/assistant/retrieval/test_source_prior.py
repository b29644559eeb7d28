"""Which questions ask for cases, examples or figures (rules come first for every other question)."""

import pytest

from assistant.retrieval.source_prior import asks_for_cases


@pytest.mark.parametrize("question", [
    "any real cases of cbec sellers fined for fakes?",
    "What happened in the Shenzhen Customs NOKIA phone case?",
    "how many detentions were there in 2023",
    "有没有相关案例",
])
def test_questions_asking_for_cases_or_figures(question):
    assert asks_for_cases(question)


@pytest.mark.parametrize("question", [
    "about to ship branded phone cases via 9610 export, what paperwork do I need",  # goods, not cases
    "what is the fine for exporting fake shoes",
])
def test_questions_about_rules(question):
    assert not asks_for_cases(question)
