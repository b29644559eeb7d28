"""Mode chooser: every combination of direction, buyer and stock gets the code the corpus gives it."""

import itertools

import pytest

from assistant.tools.base import ToolInputError
from assistant.tools.mode import (
    CODE_1239,
    Buyer,
    Code,
    Direction,
    ModeInput,
    Stock,
    choose_mode,
)

EXPECTED = {
    ("import", "consumer", "bonded_zone"): Code.C1210,
    ("import", "consumer", "per_order"): Code.C9610,
    ("import", "consumer", "overseas_warehouse"): Code.C9610,  # shipped from abroad per order
    ("import", "business", "bonded_zone"): None,  # no CBEC retail import for businesses: general trade
    ("import", "business", "per_order"): None,
    ("import", "business", "overseas_warehouse"): None,
    ("export", "consumer", "per_order"): Code.C9610,
    ("export", "consumer", "bonded_zone"): Code.C1210,
    ("export", "consumer", "overseas_warehouse"): Code.C9810,
    ("export", "business", "per_order"): Code.C9710,
    ("export", "business", "bonded_zone"): Code.C1210,
    ("export", "business", "overseas_warehouse"): Code.C9810,
}


def mode(direction, buyer, stock):
    return choose_mode(ModeInput(direction=direction, buyer=buyer, stock=stock))


def test_every_combination_is_covered():
    combos = {(d.value, b.value, s.value) for d, b, s in itertools.product(Direction, Buyer, Stock)}
    assert combos == set(EXPECTED)


@pytest.mark.parametrize(("combo", "code"), EXPECTED.items(), ids=lambda x: "-".join(x) if isinstance(x, tuple) else str(x))
def test_code_for_each_combination(combo, code):
    r = mode(*combo)
    assert r.code == code
    assert r.legal_basis and r.requirements and r.rules and r.steps
    assert "customs-ipr-regulations:art-3:0" in r.legal_basis  # the IPR ban applies in every mode


def test_bonded_import_requires_three_data_sets_pilot_locations_and_mentions_1239():
    r = mode("import", "consumer", "bonded_zone")
    text = " ".join(r.requirements)
    assert "Three data sets" in text and "domestic agent" in text and "positive list" in text
    assert any("pilot" in w.lower() and "customs has accepted" in w for w in r.where)
    assert len(r.also_consider) == 1 and "1239" in r.also_consider[0] and CODE_1239 in r.legal_basis


def test_direct_purchase_import_needs_postal_or_registered_express_logistics():
    r = mode("import", "consumer", "per_order")
    assert any("postal enterprise" in req for req in r.requirements) and not r.also_consider
    assert "gacc-2014-12-mode-9610:sec-1:0" in r.legal_basis


def test_overseas_warehouse_import_is_direct_purchase_with_a_note():
    r = mode("import", "consumer", "overseas_warehouse")
    assert r.code is Code.C9610 and any("direct purchase import" in w for w in r.warnings)


def test_business_import_is_general_trade():
    r = mode("import", "business", "per_order")
    assert r.code is None and "general trade" in r.name
    assert "cbec-retail-import-supervision-notice-2018:sec-5:0" in r.legal_basis


def test_b2b_exports_name_registration_filing_and_the_pilot():
    r = mode("export", "business", "overseas_warehouse")
    assert any("overseas-warehouse business model" in req for req in r.requirements)
    assert any("10 customs districts" in w for w in r.where) and any("unconfirmed" in w for w in r.where)
    r = mode("export", "business", "per_order")
    assert any("transaction evidence" in req for req in r.requirements)
    assert r.legal_basis[0] == "gacc-2020-75-b2b-export-9710-9810:sec-2:0"


def test_retail_export_names_its_data_and_declaration():
    r = mode("export", "consumer", "per_order")
    text = " ".join(r.requirements)
    assert "payment-receipt" in text and "summary declaration" in text
    assert any("summary statistics" in w for w in r.where)


def test_bonded_export_for_a_business_buyer_is_flagged():
    r = mode("export", "business", "bonded_zone")
    assert r.warnings and r.also_consider and "9710" in r.also_consider[0]


def test_text_inputs_are_forgiving_and_headline_names_the_code():
    r = mode("Export", "BUSINESS", "overseas-warehouse")
    assert r.code is Code.C9810 and r.headline()[0].startswith("Code: 9810")
    assert r.to_dict()["code"] == "9810"


@pytest.mark.parametrize(
    ("kw", "field"),
    [(("sideways", "consumer", "per_order"), "direction"), (("import", "robot", "per_order"), "buyer"),
     (("import", "consumer", "moon"), "stock"), (("import", "consumer", 3), "stock")],
)
def test_unknown_values_are_refused_with_the_valid_ones(kw, field):
    with pytest.raises(ToolInputError, match="must be one of") as info:
        mode(*kw)
    assert info.value.field == field
