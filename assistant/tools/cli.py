"""`python -m assistant tool NAME ...`: run one calculator from the command line.

    python -m assistant tool tax --price 3000 --vat 13 --consumption 15 --spent 24000 [--quantity 1 --freight 0] [--json]
    python -m assistant tool allowance --spent 20000 [--json]
    python -m assistant tool guarantee --mode ex_officio --value 150000 [--json]
    python -m assistant tool deadline --served 2026-09-26 [--detained 2026-10-09] [--json]
    python -m assistant tool mode --direction export --buyer business --stock overseas_warehouse [--json]

Plain output shows the result, the steps, the rules and the legal-basis chunk ids; ``--json`` prints
``result.to_dict()``. Input that makes no sense is reported on stderr with the flag it came from,
exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

# Flag of each input field, so an error names what the user typed.
FLAGS = {
    "tax": {
        "unit_price": "--price", "quantity": "--quantity", "freight": "--freight", "insurance": "--insurance",
        "vat_rate": "--vat", "consumption_rate": "--consumption", "duty_rate": "--duty",
        "category": "--category", "spent_this_year": "--spent",
    },
    "allowance": {"spent_this_year": "--spent"},
    "guarantee": {"mode": "--mode", "goods_value": "--value", "previous_year_costs": "--previous-costs"},
    "deadline": {"served": "--served", "detained": "--detained"},
    "mode": {"direction": "--direction", "buyer": "--buyer", "stock": "--stock"},
}


def add_tool_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``tool`` and its calculators on the main command's subparsers."""
    tool = sub.add_parser("tool", help="deterministic calculators with legal basis: tax, allowance, guarantee, deadline, mode")
    which = tool.add_subparsers(dest="tool", required=True, metavar="{tax,allowance,guarantee,deadline,mode}")

    def parser(name: str, help_text: str) -> argparse.ArgumentParser:
        p = which.add_parser(name, help=help_text)
        p.add_argument("--json", action="store_true", help="print the result as one JSON object")
        return p

    t = parser("tax", "CBEC retail import tax and the RMB 5,000 / 26,000 limits")
    t.add_argument("--price", required=True, metavar="RMB", dest="unit_price", help="unit price, RMB")
    t.add_argument("--quantity", metavar="N", default="1", help="number of items (default 1)")
    t.add_argument("--freight", metavar="RMB", default="0", help="freight, RMB (default 0)")
    t.add_argument("--insurance", metavar="RMB", default="0", help="insurance, RMB (default 0)")
    t.add_argument("--vat", metavar="PCT", dest="vat_rate", help="import VAT rate in percent (default 13, or the category's)")
    t.add_argument("--consumption", metavar="PCT", dest="consumption_rate", help="consumption-tax rate in percent (default 0)")
    t.add_argument("--duty", metavar="PCT", dest="duty_rate", help="duty rate in percent, for full-rate routes (no default)")
    t.add_argument("--category", metavar="NAME", help="general, cosmetics or high_end_cosmetics: sets usual rates (an assumption)")
    t.add_argument("--spent", metavar="RMB", default="0", dest="spent_this_year", help="CBEC imports so far this year, RMB")

    a = parser("allowance", "what is left of the RMB 26,000 annual CBEC limit")
    a.add_argument("--spent", metavar="RMB", required=True, dest="spent_this_year", help="CBEC imports so far this year, RMB")

    g = parser("guarantee", "customs IPR guarantee amount and tier")
    g.add_argument("--mode", metavar="MODE", required=True, help="on_application, ex_officio, general or patent_counter")
    g.add_argument("--value", metavar="RMB", dest="goods_value", help="goods' value, RMB (not needed for general)")
    g.add_argument("--previous-costs", metavar="RMB", dest="previous_year_costs",
                   help="general guarantee: last year's storage, custody and disposal costs, RMB")

    d = parser("deadline", "working-day deadlines after customs' notice (3, 30, 20, 50 working days)")
    d.add_argument("--served", metavar="DATE", required=True, help="date customs' notice was served, YYYY-MM-DD")
    d.add_argument("--detained", metavar="DATE", help="date the goods were detained, YYYY-MM-DD (default: the served date)")

    m = parser("mode", "which supervision code fits: 9610, 1210 (1239), 9710, 9810")
    m.add_argument("--direction", metavar="DIR", required=True, help="import or export")
    m.add_argument("--buyer", metavar="BUYER", required=True, help="consumer or business")
    m.add_argument("--stock", metavar="STOCK", required=True, help="bonded_zone, per_order or overseas_warehouse")


def run_tool_command(args: argparse.Namespace) -> int:
    """Run the chosen calculator; 0 on success, 2 (message on stderr) when the input makes no sense."""
    from assistant.tools import ToolInputError, UnknownTool, run_tool

    name = args.tool
    fields = {f: getattr(args, f) for f in FLAGS.get(name, {}) if getattr(args, f, None) is not None}
    try:
        result = run_tool(name, **fields)
    except ToolInputError as exc:
        flag = FLAGS.get(name, {}).get(exc.field)
        where = f"{flag} ({exc.field})" if flag else exc.field
        print(f"tool {name}: {where}: {exc.detail}", file=sys.stderr)
        return 2
    except UnknownTool as exc:
        print(f"tool: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print(render(result))
    return 0


def render(result: Any) -> str:
    """A result as plain text: result, steps, rules, legal basis, warnings."""
    out = ["Result:", *(f"  {line}" for line in result.headline())]
    out += ["", "Steps:", *(f"  {i}. {s}" for i, s in enumerate(result.steps, 1))]
    out += ["", "Rules:", *(f"  - {r}" for r in result.rules)]
    out += ["", "Legal basis:", *(f"  - {cid}" for cid in result.legal_basis)]
    if result.warnings:
        out += ["", "Warnings:", *(f"  - {w}" for w in result.warnings)]
    return "\n".join(out)
