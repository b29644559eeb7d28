"""The tool registry (`assistant.tools.TOOLS`): names to (input type, function), loud on unknown names."""

import dataclasses
import json

import pytest

from assistant.tools import TOOLS, Explained, ToolInputError, UnknownTool, run_tool
from assistant.tools.deadlines import DeadlineInput
from assistant.tools.guarantee import GuaranteeInput
from assistant.tools.mode import ModeInput
from assistant.tools.tax import AllowanceInput, TaxInput

SAMPLES = {
    "tax": {"unit_price": 3000, "vat_rate": 13, "consumption_rate": 15, "spent_this_year": 24000},
    "allowance": {"spent_this_year": 24000},
    "guarantee": {"mode": "ex_officio", "goods_value": 150000},
    "deadline": {"served": "2026-09-26"},
    "mode": {"direction": "export", "buyer": "business", "stock": "overseas_warehouse"},
}


def test_registry_maps_names_to_input_type_and_function():
    assert set(TOOLS) == {"tax", "allowance", "guarantee", "deadline", "mode"}
    expected = {"tax": TaxInput, "allowance": AllowanceInput, "guarantee": GuaranteeInput, "deadline": DeadlineInput,
                "mode": ModeInput}
    for name, (input_type, run) in TOOLS.items():
        assert input_type is expected[name] and dataclasses.is_dataclass(input_type) and callable(run)


def test_unknown_tool_fails_loudly_with_the_known_ones():
    with pytest.raises(UnknownTool) as info:
        TOOLS["vat"]
    assert str(info.value) == "unknown tool 'vat'; known tools: allowance, deadline, guarantee, mode, tax"
    with pytest.raises(KeyError):
        run_tool("vat")
    assert TOOLS.get("vat") is None  # .get keeps its usual meaning


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_tool_returns_an_explained_json_ready_result(name):
    result = run_tool(name, **SAMPLES[name])
    assert isinstance(result, Explained)
    assert result.steps and result.rules and result.legal_basis
    d = json.loads(json.dumps(result.to_dict()))
    assert {"steps", "rules", "legal_basis", "warnings"} <= d.keys()


def test_unknown_field_is_an_input_error():
    with pytest.raises(ToolInputError) as info:
        run_tool("tax", price=10)
    assert info.value.field == "input" and "price" in str(info.value)


def test_results_are_deterministic():
    for name, fields in SAMPLES.items():
        assert run_tool(name, **fields).to_dict() == run_tool(name, **fields).to_dict()
