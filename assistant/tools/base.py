"""What every calculator shares: the explained result, input checking and money arithmetic.

A calculator is a pure function ``run(inp: SomeInput) -> SomeResult``. The result carries the
figures *and* how they were reached (``steps``), the rules applied in words (``rules``), the chunk
ids of the passages that state those rules (``legal_basis``, ids of the indexed corpus) and the
assumptions a user can change (``warnings``), so an answer built on it can be checked line by line.

Money is `Decimal`, never float: tax is rounded to the fen and a guarantee tier turns on an exact
boundary (RMB 20,000.00), which binary floats cannot promise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

# What callers may pass for an amount or a rate. Text is accepted because the command line hands
# over text; it goes through the same checks as numbers.
Amount = Decimal | int | float | str
E = TypeVar("E", bound=Enum)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# Bounds that keep every figure exactly computable (and refuse typos by orders of magnitude): no
# CBEC order or detained consignment comes near RMB 1 trillion, and a rate needs no more than six
# decimals. The calculators compute in a 50-digit decimal context, so nothing within these bounds
# can overflow or lose a fen.
MAX_AMOUNT = Decimal("1e12")
MAX_COUNT = 1_000_000_000
RATE_PLACES = 6
FIRST_YEAR, LAST_YEAR = 1995, 2100  # customs IPR protection began in 1994-1995
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


class ToolInputError(ValueError):
    """An input that makes no sense; ``field`` names the input so a caller can point at it."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.detail = message


@dataclass(kw_only=True)
class Explained:
    """The explanation part of every result. Keyword-only, so results can add plain fields first."""

    steps: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def headline(self) -> list[str]:
        """The result in a few lines of text (the command line prints these first)."""
        raise NotImplementedError

    def cite(self, *chunk_ids: str) -> None:
        """Add legal-basis ids once each, in the order first cited."""
        for cid in chunk_ids:
            if cid not in self.legal_basis:
                self.legal_basis.append(cid)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: Decimals as numbers, dates as ISO text, enums as their values; figures first,
        then steps, rules, legal basis and warnings."""
        shared = [f.name for f in dataclasses.fields(Explained)]
        own = [f.name for f in dataclasses.fields(self) if f.name not in shared]
        return {name: _plain(getattr(self, name)) for name in own + shared}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        # Figures are already rounded where the rules round them; float keeps JSON numeric.
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_decimal(
    name: str,
    value: object,
    *,
    minimum: Decimal | int = 0,
    above_minimum: bool = False,
    below: Decimal | int | None = None,
    at_most: Decimal | int = MAX_AMOUNT,
) -> Decimal:
    """``value`` as a finite Decimal within bounds, or `ToolInputError` naming ``name``.

    ``above_minimum`` makes the minimum exclusive (a price must be > 0); ``below`` is an exclusive
    upper bound (a rate must be < 100%); ``at_most`` an inclusive one. Floats go through ``str`` so
    0.1 stays 0.1.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ToolInputError(name, f"must be a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolInputError(name, f"must be a finite number, got {value!r}")
    text = str(value).strip()
    if "," in text:  # thousands separators only where they belong: "26,000.50", not "2,60"
        if not THOUSANDS.fullmatch(text):
            raise ToolInputError(name, f"must be a number, got {value!r}")
        text = text.replace(",", "")
    try:
        number = value if isinstance(value, Decimal) else Decimal(text)
    except InvalidOperation:
        raise ToolInputError(name, f"must be a number, got {value!r}") from None
    if not number.is_finite():
        raise ToolInputError(name, f"must be a finite number, got {value!r}")
    minimum = Decimal(minimum)
    if number < minimum or (above_minimum and number == minimum):
        relation = "greater than" if above_minimum else "at least"
        raise ToolInputError(name, f"must be {relation} {minimum}, got {value!r}")
    if below is not None and number >= below:
        raise ToolInputError(name, f"must be below {below}, got {value!r}")
    if number > at_most:
        raise ToolInputError(name, f"must be at most {at_most:,f}, got {value!r}")
    return number


def to_rate(name: str, value: object) -> Decimal:
    """A rate in percent: 0 <= rate < 100, at most six decimals (13 means 13%)."""
    rate = to_decimal(name, value, below=HUNDRED)
    exponent = rate.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -RATE_PLACES:
        raise ToolInputError(name, f"must have at most {RATE_PLACES} decimals, got {value!r}")
    return rate


def to_count(name: str, value: object, *, minimum: int = 1) -> int:
    """A whole number of at least ``minimum`` (a quantity); 2.0 is accepted, 2.5 is not."""
    number = to_decimal(name, value, minimum=minimum, at_most=MAX_COUNT)
    if number != number.to_integral_value():
        raise ToolInputError(name, f"must be a whole number, got {value!r}")
    return int(number)


def to_date(name: str, value: object) -> dt.date:
    """A calendar date from 1995 to 2100, from a `date` or ISO text ``YYYY-MM-DD``."""
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if day is None:
        raise ToolInputError(name, f"must be a date as YYYY-MM-DD, got {value!r}")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ToolInputError(name, f"must be a date from {FIRST_YEAR} to {LAST_YEAR}, got {value!r}")
    return day


def to_enum(name: str, value: object, enum: type[E]) -> E:
    """A member of ``enum`` from itself or its value (case and '-' vs '_' forgiven), else the valid values."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        key = value.strip().lower().replace("-", "_")
        for member in enum:
            if member.value == key:
                return member
    valid = ", ".join(str(m.value) for m in enum)
    raise ToolInputError(name, f"must be one of {valid}; got {value!r}")


def cents(amount: Decimal) -> Decimal:
    """Rounded to the fen, half up (the way amounts are stated to the public)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def rmb(amount: Decimal) -> str:
    """``RMB 1,234.50``: rounded to the fen, thousands separated."""
    return f"RMB {cents(amount):,.2f}"


def exact(amount: Decimal, places: int = 4) -> str:
    """An unrounded intermediate for a step, to ``places`` decimals (``230.5882``)."""
    return f"{amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,f}"


def pct(rate: Decimal, places: int = 4) -> str:
    """A percent for reading: 13 -> '13%', 23.0588235... -> '23.0588%'."""
    text = f"{rate.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"
