"""Question intent: rules on the words sellers use; the closest card's intent only when no rule fires."""

import pytest

from assistant.answering.intent import Intent, asked_intent, classify


@pytest.mark.parametrize(("question", "intent"), [
    ("How much is the annual limit?", Intent.AMOUNT),
    ("How long is a recordation valid?", Intent.DEADLINE),
    ("Can I ship branded phone cases under 9610?", Intent.PERMISSION),
    ("Customs detained my parcel, what now?", Intent.PROCEDURE),
    ("What is the fine for exporting fakes?", Intent.PENALTY),
    ("What happens to a company that uses other people's ID cards?", Intent.PENALTY),
    ("What happens to detained goods after 30 working days?", Intent.PROCEDURE),
    ("Which article lets customs detain goods?", Intent.LEGAL_BASIS),
    ("哪个文件规定跨境零售进口的东西不能二次销售", Intent.LEGAL_BASIS),
    ("9610和1210有什么区别", Intent.COMPARISON),
    ("What happens if the brand owner does not pay the guarantee?", Intent.PROCEDURE),  # a consequence, not an amount
    ("品牌方不交担保会怎样", Intent.PROCEDURE),
    ("What guarantee must I lodge for goods worth RMB 50,000?", Intent.AMOUNT),
    ("Who pays the tax on CBEC imports?", Intent.DEFINITION),  # a party, not the tax's amount
    ("跨境电商进口的税是谁交的", Intent.DEFINITION),
    ("Who pays the fine if the goods are fake?", Intent.PENALTY),  # a fine question stays one
    ("when does the platform actually pay the cbec import tax?", Intent.DEADLINE),  # a time, not an amount
])
def test_rules_recognise_the_kind_of_answer_asked_for(question, intent):
    assert classify(question) is intent


def test_without_a_rule_the_closest_cards_intent_decides_and_asked_intent_stays_empty():
    assert classify("tmall global and the bonded warehouse", "comparison") is Intent.COMPARISON
    assert classify("tmall global and the bonded warehouse") is Intent.DEFINITION
    assert asked_intent("tmall global and the bonded warehouse") == ""
    assert asked_intent("How much is the annual limit?") == "amount"
