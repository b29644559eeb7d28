"""CBEC retail import tax: worked examples done by hand, the limits at their exact boundaries,
monotonicity and refusal of input that makes no sense.

Hand arithmetic (VAT 13%, consumption tax 15% unless said otherwise):
- comprehensive rate, VAT only: 13% x 70% = 9.1%
- comprehensive rate, VAT + CT: (15% + 13%) / (1 - 15%) x 70% = 0.28 / 0.85 x 0.7 = 23.0588...%
- full rate, no duty: 0.28 / 0.85 = 32.9411...%
"""

import math
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.tools.base import ToolInputError
from assistant.tools.tax import (
    CONCESSION_RULE,
    FORMULA,
    LIMITS,
    OVER_ANNUAL,
    SINGLE_ITEM,
    Category,
    Route,
    TaxInput,
    calculate_tax,
)


def tax(**kw):
    return calculate_tax(TaxInput(**kw))


# --- worked examples -------------------------------------------------------------------------


def test_within_limits_vat_only():
    # 150 x 2 = 300; 300 x 9.1% = 27.30. Full VAT on 300 would be 39.00.
    r = tax(unit_price=150, quantity=2, vat_rate=13)
    assert r.route is Route.CBEC_CONCESSIONAL
    assert r.dutiable_value == D("300.00") and r.within_transaction_limit and r.within_annual_limit
    assert r.comprehensive_rate == D("9.1")
    assert r.tax_payable == D("27.30") and r.duty == D("0.00") and r.vat == D("27.30")
    assert r.general_trade.total == D("39.00")
    assert r.legal_basis == [LIMITS, CONCESSION_RULE, FORMULA]
    assert any("9.1%" in s for s in r.steps)


def test_within_limits_with_consumption_tax():
    # 1,000 x 23.0588...% = 230.588... -> 230.59; CT 1000 x 0.15/0.85 x 0.7 = 123.529 -> 123.53;
    # VAT 1000 x 0.13/0.85 x 0.7 = 107.058 -> 107.06; full rate 1000 x 0.28/0.85 = 329.41.
    r = tax(unit_price=1000, vat_rate=13, consumption_rate=15)
    assert round(r.comprehensive_rate, 4) == D("23.0588")
    assert (r.tax_payable, r.consumption_tax, r.vat) == (D("230.59"), D("123.53"), D("107.06"))
    assert r.general_trade.total == D("329.41") and not r.general_trade.includes_duty


def test_freight_and_insurance_are_part_of_the_value_and_rounding_is_half_up():
    # (100 x 3) + 20 + 5 = 325; 325 x 9.1% = 29.575 exactly -> 29.58.
    r = tax(unit_price=100, quantity=3, freight=20, insurance=5)
    assert r.dutiable_value == D("325.00") and r.tax_payable == D("29.58")
    assert any("transaction price" in w for w in r.warnings)


def test_cli_example_over_the_annual_limit_is_general_trade():
    # 24,000 + 3,000 = 27,000 > 26,000 -> general trade at full rates:
    # CT 3000/0.85 x 0.15 = 529.41; VAT 3000/0.85 x 0.13 = 458.82; total 3000 x 0.28/0.85 = 988.235 -> 988.24.
    r = tax(unit_price=3000, vat_rate=13, consumption_rate=15, spent_this_year=24000)
    assert r.within_transaction_limit and not r.within_annual_limit
    assert r.route is Route.GENERAL_TRADE and not r.counts_toward_annual_total
    assert r.annual_total_with_order == D("27000.00") and r.allowance_left_before == D("2000.00")
    assert (r.consumption_tax, r.vat, r.tax_payable) == (D("529.41"), D("458.82"), D("988.24"))
    assert r.duty is None and not r.tax_complete
    assert any("Duty not computed" in w for w in r.warnings)
    assert any("straddles" in w for w in r.warnings)
    assert r.legal_basis == [LIMITS, OVER_ANNUAL]


def test_general_trade_with_a_duty_rate():
    # duty 3000 x 10% = 300; (3000 + 300) x 0.28/0.85 = 1087.0588; + 300 = 1387.06.
    r = tax(unit_price=3000, vat_rate=13, consumption_rate=15, duty_rate=10, spent_this_year=24000)
    assert (r.duty, r.consumption_tax, r.vat) == (D("300.00"), D("582.35"), D("504.71"))
    assert r.tax_payable == D("1387.06") and r.tax_complete


def test_single_item_over_5000_enters_at_full_rates_and_counts_toward_the_year():
    # The corpus's own example: spent 10,000, one item at 6,000 -> year total 16,000.
    # Duty 10%: 600; VAT (6000 + 600) x 13% = 858; total 1,458.00.
    r = tax(unit_price=6000, spent_this_year=10000, duty_rate=10)
    assert r.route is Route.CBEC_SINGLE_ITEM_FULL
    assert not r.within_transaction_limit and r.within_annual_limit and r.counts_toward_annual_total
    assert r.annual_total_with_order == D("16000.00")
    assert (r.duty, r.vat, r.tax_payable) == (D("600.00"), D("858.00"), D("1458.00"))
    assert r.comprehensive_rate is None
    assert SINGLE_ITEM in r.legal_basis and CONCESSION_RULE not in r.legal_basis


def test_single_item_without_a_duty_rate_says_the_duty_is_missing():
    # VAT only: 6000 x 13% = 780.00, duty not computed.
    r = tax(unit_price=6000, spent_this_year=10000)
    assert r.route is Route.CBEC_SINGLE_ITEM_FULL
    assert r.tax_payable == D("780.00") and r.duty is None and not r.tax_complete
    assert any("Duty not computed" in w for w in r.warnings)


def test_several_items_over_5000_are_general_trade():
    # 3000 x 2 = 6000 > 5000 and not a single item -> general trade; VAT 6000 x 13% = 780.00.
    r = tax(unit_price=3000, quantity=2)
    assert r.route is Route.GENERAL_TRADE and r.within_annual_limit
    assert r.tax_payable == D("780.00") and SINGLE_ITEM in r.legal_basis


@pytest.mark.parametrize(
    ("price", "spent", "route", "payable"),
    [
        ("5000", 0, Route.CBEC_CONCESSIONAL, "455.00"),  # exactly the per-transaction limit: 5000 x 9.1%
        ("5000.01", 0, Route.CBEC_SINGLE_ITEM_FULL, "650.00"),  # 5000.01 x 13% = 650.0013
        ("5000", 21000, Route.CBEC_CONCESSIONAL, "455.00"),  # 21,000 + 5,000 = exactly 26,000
        ("5000", "21000.01", Route.GENERAL_TRADE, "650.00"),  # 26,000.01 > 26,000: full VAT 5000 x 13%
    ],
)
def test_limits_at_their_exact_boundaries(price, spent, route, payable):
    r = tax(unit_price=price, spent_this_year=spent)
    assert r.route is route and r.tax_payable == D(payable)


def test_already_over_the_annual_limit_has_no_allowance_left():
    r = tax(unit_price=100, spent_this_year=30000)
    assert r.route is Route.GENERAL_TRADE and r.allowance_left_before == D("0.00")
    assert not any("straddles" in w for w in r.warnings)


def test_category_sets_usual_rates_and_says_it_is_an_assumption():
    r = tax(unit_price=1000, category="high_end_cosmetics")
    assert (r.vat_rate, r.consumption_rate, r.tax_payable) == (D(13), D(15), D("230.59"))
    assert r.category is Category.HIGH_END_COSMETICS
    assert any("assumption" in w for w in r.warnings)
    # An explicit rate wins over the category's: VAT only -> 1000 x 9.1% = 91.00.
    assert tax(unit_price=1000, category="high_end_cosmetics", consumption_rate=0).tax_payable == D("91.00")


def test_default_vat_is_13_percent_and_said_so():
    r = tax(unit_price=100)
    assert r.vat_rate == D(13) and any("assumed 13%" in w for w in r.warnings)


def test_a_rate_that_looks_like_a_fraction_is_flagged():
    r = tax(unit_price=100, vat_rate="0.13")
    assert any("read as a percent" in w for w in r.warnings)


def test_to_dict_is_json_ready():
    import json

    d = tax(unit_price=1000, consumption_rate=15).to_dict()
    assert d["route"] == "cbec_concessional" and d["tax_payable"] == 230.59
    assert d["general_trade"]["total"] == 329.41 and d["duty_rate"] is None
    assert {"steps", "rules", "legal_basis", "warnings"} <= d.keys()
    json.dumps(d)


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "kw", "message"),
    [
        ("unit_price", {"unit_price": -1}, "greater than 0"),
        ("unit_price", {"unit_price": 0}, "greater than 0"),
        ("unit_price", {"unit_price": math.nan}, "finite"),
        ("unit_price", {"unit_price": math.inf}, "finite"),
        ("unit_price", {"unit_price": "abc"}, "must be a number"),
        ("unit_price", {"unit_price": "NaN"}, "finite"),
        ("unit_price", {"unit_price": True}, "must be a number"),
        ("unit_price", {"unit_price": None}, "must be a number"),
        ("unit_price", {"unit_price": "1e13"}, "at most"),
        ("quantity", {"unit_price": 10, "quantity": 0}, "at least 1"),
        ("quantity", {"unit_price": 10, "quantity": 1.5}, "whole number"),
        ("freight", {"unit_price": 10, "freight": -0.01}, "at least 0"),
        ("insurance", {"unit_price": 10, "insurance": "x"}, "must be a number"),
        ("spent_this_year", {"unit_price": 10, "spent_this_year": -5}, "at least 0"),
        ("vat_rate", {"unit_price": 10, "vat_rate": 100}, "below 100"),
        ("vat_rate", {"unit_price": 10, "vat_rate": -1}, "at least 0"),
        ("consumption_rate", {"unit_price": 10, "consumption_rate": 100}, "below 100"),
        ("consumption_rate", {"unit_price": 10, "consumption_rate": 250}, "below 100"),
        ("duty_rate", {"unit_price": 10, "duty_rate": 100}, "below 100"),
        ("duty_rate", {"unit_price": 10, "duty_rate": "13.1234567"}, "decimals"),
        ("category", {"unit_price": 10, "category": "perfume"}, "general, cosmetics, high_end_cosmetics"),
    ],
)
def test_nonsense_input_is_refused_naming_the_field(field, kw, message):
    with pytest.raises(ToolInputError, match=message) as info:
        tax(**kw)
    assert info.value.field == field and str(info.value).startswith(field)


# --- properties --------------------------------------------------------------------------------

prices = st.decimals(min_value="0.01", max_value="40000", places=2)
orders = st.fixed_dictionaries(
    {
        "quantity": st.integers(1, 4),
        "freight": st.decimals(min_value=0, max_value=200, places=2),
        "vat_rate": st.sampled_from([0, 9, 13]),
        "consumption_rate": st.sampled_from([0, 5, 15, 30]),
        "duty_rate": st.sampled_from([None, 0, 5, 20]),
        "spent_this_year": st.decimals(min_value=0, max_value=30000, places=2),
    }
)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(a=prices, b=prices, order=orders)
def test_a_higher_price_never_pays_less_tax(a, b, order):
    low, high = sorted((a, b))
    assert tax(unit_price=low, **order).tax_payable <= tax(unit_price=high, **order).tax_payable


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(price=prices, order=orders, extra=st.decimals(min_value=0, max_value=30000, places=2))
def test_more_spent_this_year_never_lowers_the_tax(price, order, extra):
    more = dict(order, spent_this_year=order["spent_this_year"] + extra)
    assert tax(unit_price=price, **order).tax_payable <= tax(unit_price=price, **more).tax_payable


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(price=prices, order=orders)
def test_cbec_never_costs_more_than_general_trade(price, order):
    r = tax(unit_price=price, **order)
    assert D(0) <= r.tax_payable <= r.general_trade.total
    assert r.legal_basis[0] == LIMITS


bad_numbers = st.one_of(
    st.floats(max_value=-1e-6, allow_nan=False, allow_infinity=False),
    st.sampled_from([math.nan, math.inf, -math.inf, "NaN", "-Infinity", "", "1..2", True]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8),
)


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(field=st.sampled_from(["unit_price", "freight", "insurance", "spent_this_year", "vat_rate",
                              "consumption_rate", "duty_rate", "quantity"]), value=bad_numbers)
def test_any_negative_or_non_numeric_input_is_refused(field, value):
    kw = {"unit_price": 100, field: value}
    with pytest.raises(ToolInputError) as info:
        tax(**kw)
    assert info.value.field == field


@settings(max_examples=100, deadline=None, database=None, derandomize=True)
@given(field=st.sampled_from(["vat_rate", "consumption_rate", "duty_rate"]),
       rate=st.decimals(min_value=100, max_value=10**6, allow_nan=False, allow_infinity=False))
def test_rates_of_100_percent_or_more_are_refused(field, rate):
    with pytest.raises(ToolInputError, match="below 100"):
        tax(unit_price=100, **{field: rate})


def test_the_allowance_left_is_the_annual_limit_less_what_was_spent():
    from assistant.tools.tax import AllowanceInput, calculate_allowance

    r = calculate_allowance(AllowanceInput(spent_this_year=20000))
    assert r.left_this_year == D(6000) and r.headline()[1] == "Largest order within both limits: RMB 5,000.00"
    assert r.steps[0] == "Left this year = RMB 26,000.00 - RMB 20,000.00 already spent = RMB 6,000.00"
    assert calculate_allowance(AllowanceInput(spent_this_year=24000)).headline()[1].endswith("RMB 2,000.00")
    over = calculate_allowance(AllowanceInput(spent_this_year=30000))
    assert over.left_this_year == 0 and "general trade" in over.headline()[0]
