"""Deterministic calculators with citations: CBEC tax and the annual allowance left, IPR guarantees,
working-day deadlines, mode choice.

Each tool is a pure function from a typed input dataclass to a result that carries its figures, the
arithmetic as ``steps``, the ``rules`` applied in words, the ``legal_basis`` (chunk ids of the indexed
corpus) and ``warnings`` about assumptions; ``result.to_dict()`` is JSON-ready. Nothing here reads
files or the network.

    >>> from assistant.tools import TOOLS
    >>> input_type, run = TOOLS["guarantee"]
    >>> run(input_type(mode="ex_officio", goods_value=150_000)).amount
    Decimal('75000.00')

An unknown name fails with the known ones: ``TOOLS["vat"]`` raises `UnknownTool`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from assistant.tools.base import Explained, ToolInputError
from assistant.tools.deadlines import DeadlineInput, DeadlineResult, calculate_deadlines
from assistant.tools.guarantee import GuaranteeInput, GuaranteeResult, calculate_guarantee
from assistant.tools.mode import ModeInput, ModeResult, choose_mode
from assistant.tools.tax import (
    AllowanceInput,
    AllowanceResult,
    TaxInput,
    TaxResult,
    calculate_allowance,
    calculate_tax,
)


class Tool(NamedTuple):
    """A registry entry: the input dataclass and the function that takes it."""

    input_type: type
    run: Callable[[Any], Explained]


class UnknownTool(KeyError):
    """A tool name that is not registered; the message lists the registered ones."""

    def __str__(self) -> str:  # KeyError would print the repr of its argument
        return str(self.args[0])


class _Registry(dict[str, Tool]):
    def __missing__(self, name: str) -> Tool:
        raise UnknownTool(f"unknown tool {name!r}; known tools: {', '.join(sorted(self))}")


TOOLS: dict[str, Tool] = _Registry(
    tax=Tool(TaxInput, calculate_tax),
    allowance=Tool(AllowanceInput, calculate_allowance),
    guarantee=Tool(GuaranteeInput, calculate_guarantee),
    deadline=Tool(DeadlineInput, calculate_deadlines),
    mode=Tool(ModeInput, choose_mode),
)


def run_tool(name: str, **fields: Any) -> Explained:
    """Build the tool's input from keyword fields and run it (unknown fields are a `ToolInputError`)."""
    tool = TOOLS[name]
    try:
        inp = tool.input_type(**fields)
    except TypeError as exc:  # an unexpected or missing field
        raise ToolInputError("input", str(exc)) from None
    return tool.run(inp)


__all__ = [
    "TOOLS", "Tool", "UnknownTool", "ToolInputError", "Explained", "run_tool",
    "TaxInput", "TaxResult", "calculate_tax",
    "AllowanceInput", "AllowanceResult", "calculate_allowance",
    "GuaranteeInput", "GuaranteeResult", "calculate_guarantee",
    "DeadlineInput", "DeadlineResult", "calculate_deadlines",
    "ModeInput", "ModeResult", "choose_mode",
]
