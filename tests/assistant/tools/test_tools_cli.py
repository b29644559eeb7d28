"""`python -m assistant tool ...` through `assistant.cli.main`: exit codes, plain text and JSON."""

import json

import pytest

from assistant.cli import main


def run(capsys, *argv):
    try:
        code = main(["tool", *argv])
    except SystemExit as exc:  # argparse itself (a missing required flag) exits 2
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_tax_plain_output_shows_result_steps_rules_and_legal_basis(capsys):
    code, out, err = run(capsys, "tax", "--price", "3000", "--vat", "13", "--consumption", "15", "--spent", "24000")
    assert code == 0 and not err
    for heading in ("Result:", "Steps:", "Rules:", "Legal basis:", "Warnings:"):
        assert heading in out
    assert "Tax payable: RMB 988.24" in out and "general trade" in out
    assert "cbec-retail-import-tax-2018:sec-6:0" in out


def test_tax_json(capsys):
    code, out, _ = run(capsys, "tax", "--price", "1000", "--quantity", "1", "--freight", "0",
                       "--consumption", "15", "--json")
    d = json.loads(out)
    assert code == 0 and d["route"] == "cbec_concessional" and d["tax_payable"] == 230.59
    assert d["legal_basis"][0] == "cbec-retail-import-tax-2018:sec-1:0"


def test_single_item_with_duty_json(capsys):
    code, out, _ = run(capsys, "tax", "--price", "6000", "--spent", "10000", "--duty", "10", "--json")
    d = json.loads(out)
    assert code == 0 and d["route"] == "cbec_single_item_full_rate" and d["tax_payable"] == 1458.0


def test_guarantee(capsys):
    code, out, _ = run(capsys, "guarantee", "--mode", "ex_officio", "--value", "150000", "--json")
    d = json.loads(out)
    assert code == 0 and d["amount"] == 75000.0 and d["tier"] == "ex_officio_20000_to_200000"
    code, out, _ = run(capsys, "guarantee", "--mode", "general", "--previous-costs", "350000")
    assert code == 0 and "Amount: RMB 350,000.00" in out


def test_allowance(capsys):
    code, out, _ = run(capsys, "allowance", "--spent", "20000", "--json")
    d = json.loads(out)
    assert code == 0 and d["left_this_year"] == 6000.0 and d["per_order_limit"] == 5000.0


def test_deadline(capsys):
    code, out, _ = run(capsys, "deadline", "--served", "2026-09-26", "--json")
    d = json.loads(out)
    assert code == 0 and [x["due"] for x in d["deadlines"]] == ["2026-09-30", "2026-11-12", "2026-10-29", "2026-12-10"]
    code, out, _ = run(capsys, "deadline", "--served", "2026-09-26", "--detained", "2026-10-09")
    assert code == 0 and "due 2026-11-19" in out


def test_mode(capsys):
    code, out, _ = run(capsys, "mode", "--direction", "export", "--buyer", "business", "--stock", "overseas_warehouse")
    assert code == 0 and "Code: 9810" in out and "gacc-2020-75-b2b-export-9710-9810:sec-3:0" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tax", "--price", "-1"], "--price (unit_price): must be greater than 0"),
        (["tax", "--price", "abc"], "--price (unit_price): must be a number"),
        (["tax", "--price", "nan"], "--price (unit_price): must be a finite number"),
        (["tax", "--price", "100", "--vat", "100"], "--vat (vat_rate): must be below 100"),
        (["tax", "--price", "100", "--consumption", "120"], "--consumption (consumption_rate): must be below 100"),
        (["tax", "--price", "100", "--quantity", "0.5"], "--quantity (quantity): must be at least 1"),
        (["guarantee", "--mode", "ex_officio"], "--value (goods_value): is required"),
        (["guarantee", "--mode", "bogus", "--value", "1"], "--mode (mode): must be one of"),
        (["deadline", "--served", "2026-02-30"], "--served (served): must be a date"),
        (["mode", "--direction", "up", "--buyer", "consumer", "--stock", "per_order"], "--direction (direction)"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and not out
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["tax"], ["vat"], [], ["guarantee", "--value", "5"]])
def test_missing_or_unknown_arguments_exit_2(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and "usage:" in err and "Traceback" not in err
