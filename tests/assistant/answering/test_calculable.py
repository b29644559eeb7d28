"""Calculable questions: the tool, the amounts and dates they hold, and what is asked back."""

import datetime as dt
from decimal import Decimal

import pytest

from assistant.answering.calculable import amounts, dates, recognise

TODAY = dt.date(2026, 11, 25)


def test_amounts_in_english_and_chinese_forms():
    assert amounts("RMB 3,000 lipstick, ¥800 cream, 12k rmb bag, 1.5万元 watch, 6000元 item") == [
        Decimal("3000"), Decimal("800"), Decimal("12000"), Decimal("15000"), Decimal("6000")
    ]


def test_dates_in_common_forms_default_to_this_year():
    assert dates("served on Friday 26 September 2025", TODAY) == [dt.date(2025, 9, 26)]
    assert dates("notice of Sept 26", TODAY) == [dt.date(2026, 9, 26)]
    assert dates("2026-02-13 和 2026年3月1日 以及 9月26日", TODAY) == [
        dt.date(2026, 2, 13), dt.date(2026, 3, 1), dt.date(2026, 9, 26)
    ]


@pytest.mark.parametrize(
    ("question", "tool", "inputs"),
    [
        ("how much tax on a RMB 3,000 lipstick?", "tax", {"unit_price": Decimal(3000), "spent_this_year": Decimal(0)}),
        ("I have spent RMB 24,000 this year, can I still order a RMB 3,000 item?", "tax",
         {"unit_price": Decimal(3000), "spent_this_year": Decimal(24000)}),
        ("what guarantee for goods worth RMB 150,000 detained ex officio?", "guarantee",
         {"mode": "ex_officio", "goods_value": Decimal(150000)}),
        ("customs served the notice on 26 September 2025, when is my reply due?", "deadline",
         {"served": dt.date(2025, 9, 26)}),
        ("依职权扣留，货值5万元，担保多少", "guarantee", {"mode": "ex_officio", "goods_value": Decimal(50000)}),
        # The currency named once, or not at all: the amounts are taken in the order said.
        ("I have spent 24000 this year, can I order a 3000 rmb bag", "tax",
         {"unit_price": Decimal(3000), "spent_this_year": Decimal(24000)}),
        ("已经买了2万5，还能再下一单2000的包吗", "tax", {"unit_price": Decimal(2000), "spent_this_year": Decimal(25000)}),
        # One amount, and it is what was spent: the question is what is left of the year.
        ("I have spent 24000 rmb this year, how much more can I buy", "allowance", {"spent_this_year": Decimal(24000)}),
        ("我今年已经买了2万了还能买多少", "allowance", {"spent_this_year": Decimal(20000)}),
    ],
)
def test_calculable_questions_are_recognised_with_their_inputs(question, tool, inputs):
    calc = recognise(question, TODAY)
    assert calc and calc.tool == tool and calc.inputs == inputs and not calc.missing


def test_a_missing_input_is_asked_for_not_guessed():
    assert recognise("how much tax will I pay on my order?", TODAY).missing == "What is the goods' value in RMB?"
    assert "依职权" in recognise("货值10万元的担保要多少？", TODAY, chinese=True).missing


@pytest.mark.parametrize("question", ["What is the annual limit?", "how much tax under 9610 in 2024",
                                      "跨境电商的税率是多少", "What is the recordation fee?"])
def test_rule_questions_are_not_calculations(question):
    assert recognise(question, TODAY) is None


def test_a_year_is_not_an_order_value():
    from assistant.answering.calculable import recognise

    assert recognise("What were the CBEC retail import limits under the 2016 tax notice?") is None
    assert recognise("how much tax on goods worth 2016?").inputs["unit_price"] == 2016


@pytest.mark.parametrize("question", [
    "What guarantee for goods detained ex officio worth over RMB 200,000?",
    "依职权扣留，货值超过20万，担保要多少",
    "Is a single item costing more than RMB 5,000 taxed in full?",
])
def test_a_value_given_only_as_a_bound_is_a_rule_question_not_a_calculation(question):
    assert recognise(question) is None


def test_a_general_guarantee_is_computed_only_from_the_holders_own_costs():
    assert recognise("What's a general guarantee for trademark owners and how much is it?") is None
    calc = recognise("Our storage and disposal costs last year were RMB 350,000. How much is our general guarantee?")
    assert calc.tool == "guarantee" and calc.inputs == {"mode": "general", "previous_year_costs": Decimal("350000")}
