"""Input checking and money formatting shared by the calculators."""

import datetime as dt
import math
from decimal import Decimal as D
from enum import StrEnum

import pytest

from assistant.tools.base import (
    ToolInputError,
    cents,
    pct,
    rmb,
    to_count,
    to_date,
    to_decimal,
    to_enum,
    to_rate,
)


class Colour(StrEnum):
    DARK_RED = "dark_red"


def test_numbers_become_exact_decimals():
    assert to_decimal("x", 0.1) == D("0.1")  # through str: no binary float residue
    assert to_decimal("x", "1,234.50") == D("1234.50") and to_decimal("x", D("7")) == D(7)


@pytest.mark.parametrize(
    "bad", [True, None, [], "1.2.3", "2,60", "1,2,3", math.nan, D("NaN"), D("Infinity"), "inf", "-1"]
)
def test_bad_numbers_are_refused(bad):
    with pytest.raises(ToolInputError) as info:
        to_decimal("price", bad)
    assert info.value.field == "price"


def test_bounds():
    assert to_decimal("x", 0) == 0
    with pytest.raises(ToolInputError, match="greater than 0"):
        to_decimal("x", 0, above_minimum=True)
    with pytest.raises(ToolInputError, match="below 100"):
        to_decimal("x", 100, below=100)
    assert to_rate("r", "13.000000000") == D(13)  # trailing zeros are not decimals
    with pytest.raises(ToolInputError, match="decimals"):
        to_rate("r", "13.0000001")
    assert to_count("n", 2.0) == 2
    with pytest.raises(ToolInputError, match="at most"):
        to_count("n", 10**12)


def test_dates_and_enums():
    assert to_date("d", dt.datetime(2026, 1, 2, 9, 30)) == dt.date(2026, 1, 2)
    assert to_date("d", " 2026-01-02 ") == dt.date(2026, 1, 2)
    assert to_enum("c", "Dark-Red", Colour) is Colour.DARK_RED
    with pytest.raises(ToolInputError, match="must be one of dark_red"):
        to_enum("c", "blue", Colour)


def test_formatting():
    assert cents(D("230.585")) == D("230.59") and cents(D("0.005")) == D("0.01")
    assert rmb(D("20000")) == "RMB 20,000.00" and rmb(D("27.3")) == "RMB 27.30"
    assert pct(D("13")) == "13%" and pct(D("9.10")) == "9.1%" and pct(D("23.058823529")) == "23.0588%"
