"""Customs IPR guarantees: each tier by hand, the boundaries at exactly RMB 20,000 and 200,000,
monotonicity and refusals.

Implementing Measures Art. 23 as the corpus words it: "less than RMB 20,000" -> the value;
"RMB 20,000 to RMB 200,000" -> 50%, not less than RMB 20,000; "more than RMB 200,000" -> RMB 100,000.
"""

import math
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.tools.base import ToolInputError
from assistant.tools.guarantee import (
    APPLICATION_CEILING,
    EX_OFFICIO_TIERS,
    GENERAL_GUARANTEE,
    PATENT_COUNTER,
    GuaranteeInput,
    GuaranteeMode,
    Tier,
    calculate_guarantee,
)


def guarantee(mode, value=None, costs=None):
    return calculate_guarantee(GuaranteeInput(mode=mode, goods_value=value, previous_year_costs=costs))


@pytest.mark.parametrize(
    ("value", "amount", "tier"),
    [
        ("15000", "15000", Tier.EX_OFFICIO_UNDER_20K),  # under 20,000: the value
        ("19999.99", "19999.99", Tier.EX_OFFICIO_UNDER_20K),
        ("20000", "20000", Tier.EX_OFFICIO_20K_TO_200K),  # boundary: 50% = 10,000 -> floor 20,000
        ("30000", "20000", Tier.EX_OFFICIO_20K_TO_200K),  # 50% = 15,000 -> floor 20,000 (corpus example)
        ("40000", "20000", Tier.EX_OFFICIO_20K_TO_200K),  # 50% = 20,000 exactly the floor
        ("40000.02", "20000.01", Tier.EX_OFFICIO_20K_TO_200K),
        ("120000", "60000", Tier.EX_OFFICIO_20K_TO_200K),  # corpus example
        ("150000", "75000", Tier.EX_OFFICIO_20K_TO_200K),
        ("200000", "100000", Tier.EX_OFFICIO_20K_TO_200K),  # boundary: still "20,000 to 200,000": 50%
        ("200000.01", "100000", Tier.EX_OFFICIO_OVER_200K),  # "more than 200,000": fixed 100,000
        ("500000", "100000", Tier.EX_OFFICIO_OVER_200K),  # corpus example
    ],
)
def test_ex_officio_tiers(value, amount, tier):
    r = guarantee("ex_officio", value)
    assert (r.amount, r.tier, r.is_ceiling) == (D(amount), tier, False)
    assert r.legal_basis[0] == EX_OFFICIO_TIERS and r.who_posts == "the right holder"


def test_on_application_is_a_ceiling_of_the_value():
    r = guarantee("on_application", 80000)
    assert (r.amount, r.tier, r.is_ceiling) == (D(80000), Tier.APPLICATION_CEILING, True)
    assert r.legal_basis[0] == APPLICATION_CEILING and any("ceiling" in w for w in r.warnings)
    assert "At most: RMB 80,000.00" in "\n".join(r.headline())


def test_patent_counter_guarantee_equals_the_value_and_is_posted_by_the_consignee():
    r = guarantee("patent_counter", "80000")
    assert (r.amount, r.tier) == (D(80000), Tier.PATENT_COUNTER_VALUE)
    assert r.who_posts == "the consignee or consignor" and r.legal_basis[0] == PATENT_COUNTER


@pytest.mark.parametrize(
    ("costs", "amount", "tier"),
    [
        (None, "200000", Tier.GENERAL_MINIMUM),  # no requests last year (assumed)
        ("150000", "200000", Tier.GENERAL_MINIMUM),  # below 200,000 -> 200,000
        ("200000", "200000", Tier.GENERAL_PREVIOUS_COSTS),  # not below: the costs themselves
        ("350000", "350000", Tier.GENERAL_PREVIOUS_COSTS),
    ],
)
def test_general_guarantee_is_last_years_costs_but_at_least_200000(costs, amount, tier):
    r = guarantee("general", costs=costs)
    assert (r.amount, r.tier, r.mode) == (D(amount), tier, GuaranteeMode.GENERAL)
    assert r.legal_basis[0] == GENERAL_GUARANTEE
    assert any("Previous-year costs not given" in w for w in r.warnings) == (costs is None)


def test_mode_text_is_forgiving_about_case_and_dashes():
    assert guarantee("Ex-Officio", 1000).mode is GuaranteeMode.EX_OFFICIO


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"mode": "ex_officio"}, "goods_value", "required"),
        ({"mode": "on_application", "value": 0}, "goods_value", "greater than 0"),
        ({"mode": "patent_counter", "value": -5}, "goods_value", "greater than 0"),
        ({"mode": "ex_officio", "value": math.nan}, "goods_value", "finite"),
        ({"mode": "ex_officio", "value": "lots"}, "goods_value", "must be a number"),
        ({"mode": "general", "costs": -1}, "previous_year_costs", "at least 0"),
        ({"mode": "seizure", "value": 1}, "mode", "on_application, ex_officio, general, patent_counter"),
    ],
)
def test_nonsense_input_is_refused_naming_the_field(kw, field, message):
    with pytest.raises(ToolInputError, match=message) as info:
        guarantee(**kw)
    assert info.value.field == field


values = st.decimals(min_value="0.01", max_value="2000000", places=2)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(a=values, b=values, mode=st.sampled_from(["ex_officio", "on_application", "patent_counter"]))
def test_a_higher_value_never_needs_a_lower_guarantee(a, b, mode):
    low, high = sorted((a, b))
    assert guarantee(mode, low).amount <= guarantee(mode, high).amount


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(value=values)
def test_ex_officio_never_exceeds_the_value_or_100000(value):
    amount = guarantee("ex_officio", value).amount
    assert amount <= value and amount <= D(100000)


@settings(max_examples=100, deadline=None, database=None, derandomize=True)
@given(a=values, b=values)
def test_general_guarantee_grows_with_last_years_costs(a, b):
    low, high = sorted((a, b))
    assert D(200000) <= guarantee("general", costs=low).amount <= guarantee("general", costs=high).amount


@settings(max_examples=100, deadline=None, database=None, derandomize=True)
@given(value=st.one_of(st.floats(max_value=0, allow_nan=False), st.just(math.nan), st.just(math.inf),
                       st.text(alphabet="xyz", min_size=1)),
       mode=st.sampled_from(["ex_officio", "on_application", "patent_counter"]))
def test_zero_negative_or_non_numeric_values_are_refused(value, mode):
    with pytest.raises(ToolInputError) as info:
        guarantee(mode, value)
    assert info.value.field == "goods_value"
