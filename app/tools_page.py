"""Tools page: the calculators as forms, each result with its steps, rules and legal basis.

The same `assistant.tools` functions the chat and `python -m assistant tool` use, so the three give
the same figures. Each result can be downloaded as a Markdown memo section.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from assistant.tools import ToolInputError, run_tool


def result_markdown(title: str, result) -> str:
    """A calculator result as a memo section: the figures, the steps, the rules, the legal basis."""
    lines = [f"## {title}", "", *[f"**{x}**  " for x in result.headline()], "", "### Steps", ""]
    lines += [f"{i}. {s}" for i, s in enumerate(result.steps, 1)]
    lines += ["", "### Rules applied", ""] + [f"- {r}" for r in result.rules]
    lines += ["", "### Legal basis (passage ids of the index)", ""] + [f"- `{c}`" for c in result.legal_basis]
    if result.warnings:
        lines += ["", "### Assumptions and warnings", ""] + [f"- {w}" for w in result.warnings]
    lines += ["", "_Computed by the CBEC Compliance Assistant's calculators; general information, not legal advice._"]
    return "\n".join(lines) + "\n"


def show(title: str, name: str, **fields) -> None:
    try:
        result = run_tool(name, **fields)
    except ToolInputError as exc:
        st.error(f"Cannot compute: {exc}", icon=":material/error:")
        return
    st.success("\n\n".join(result.headline()), icon=":material/calculate:")
    with st.expander("Steps, rules and legal basis", expanded=True):
        st.markdown("\n".join(f"{i}. {s}" for i, s in enumerate(result.steps, 1)))
        st.markdown("**Rules:**\n" + "\n".join(f"- {r}" for r in result.rules))
        st.markdown("**Legal basis:** " + ", ".join(f"`{c}`" for c in result.legal_basis))
        for w in result.warnings:
            st.warning(w)
    st.download_button("Memo section (.md)", result_markdown(title, result), file_name=f"{name}-calculation.md",
                       mime="text/markdown", key=f"dl_{name}", on_click="ignore", icon=":material/download:")


def main() -> None:
    st.title("Calculators")
    st.caption("Exact figures with the steps and the rules they rest on. The chat uses the same calculators.")
    tax, guarantee, deadline, mode = st.tabs(["CBEC import tax", "IPR guarantee", "Working-day deadlines", "Which mode"])
    with tax, st.form("tax"):
        c1, c2 = st.columns(2)
        price = c1.number_input("Unit price (RMB)", min_value=0.0, value=3000.0, step=100.0)
        qty = c2.number_input("Quantity", min_value=1, value=1, step=1)
        freight = c1.number_input("Freight and insurance (RMB)", min_value=0.0, value=0.0)
        spent = c2.number_input("Spent so far this year (RMB)", min_value=0.0, value=0.0, step=1000.0)
        vat = c1.number_input("Import VAT rate (%)", min_value=0.0, max_value=99.0, value=13.0)
        consumption = c2.number_input("Consumption-tax rate (%)", min_value=0.0, max_value=99.0, value=0.0)
        if st.form_submit_button("Compute tax", type="primary"):
            show("CBEC retail import tax", "tax", unit_price=str(price), quantity=int(qty), freight=str(freight),
                 spent_this_year=str(spent), vat_rate=str(vat), consumption_rate=str(consumption))
    with guarantee, st.form("guarantee"):
        how = st.selectbox("Detention", ["ex_officio", "on_application", "general", "patent_counter"],
                           format_func=lambda m: m.replace("_", " "))
        value = st.number_input("Goods' value (RMB)", min_value=0.0, value=150000.0, step=1000.0)
        if st.form_submit_button("Compute guarantee", type="primary"):
            fields = {"mode": how} if how == "general" else {"mode": how, "goods_value": str(value)}
            show("IPR guarantee", "guarantee", **fields)
    with deadline, st.form("deadline"):
        served = st.date_input("Notice served on", value=dt.date.today())
        if st.form_submit_button("Compute deadlines", type="primary"):
            show("Working-day deadlines", "deadline", served=served)
    with mode, st.form("mode"):
        direction = st.radio("Direction", ["import", "export"], horizontal=True)
        buyer = st.radio("Buyer", ["consumer", "business"], horizontal=True)
        stock = st.selectbox("Goods", ["per_order", "bonded_zone", "overseas_warehouse"],
                             format_func=lambda s: s.replace("_", " "))
        if st.form_submit_button("Choose mode", type="primary"):
            show("Customs mode", "mode", direction=direction, buyer=buyer, stock=stock)


main()
