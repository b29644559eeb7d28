"""Every legal-basis chunk id a tool can cite is a real chunk of the corpus, from a primary source in
force, and states the figure the tool applies.

The chunks are built the way the index builds them (the project's loader and splitter), as
tests/corpus/test_corpus_cards.py does, so a renamed section or a re-split article fails here.
"""

import itertools
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.schema import is_primary
from assistant.tools import deadlines, guarantee, mode, tax
from ingest.pipeline import load_corpus
from ingest.splitter import split_document

CORPUS = Path(__file__).resolve().parents[3] / "corpus"
MODULES = {"tax": tax, "guarantee": guarantee, "deadline": deadlines, "mode": mode}


@pytest.fixture(scope="module")
def chunks() -> dict[str, dict]:
    settings = Settings.from_env({}, corpus_dir=CORPUS)
    docs, failures, _ = load_corpus(CORPUS, settings)
    assert not failures
    return {
        c.metadata["chunk_id"]: {"meta": c.metadata, "text": c.page_content}
        for d in docs
        for c in split_document(d, settings.chunk_size, settings.chunk_overlap)
    }


def _results():
    """Every branch of every tool once (the ids actually cited)."""
    yield "tax", tax.calculate_tax(tax.TaxInput(unit_price=150, quantity=2))
    yield "tax", tax.calculate_tax(tax.TaxInput(unit_price=6000, spent_this_year=10000))
    yield "tax", tax.calculate_tax(tax.TaxInput(unit_price=3000, quantity=2))
    yield "tax", tax.calculate_tax(tax.TaxInput(unit_price=3000, spent_this_year=24000))
    yield "tax", tax.calculate_allowance(tax.AllowanceInput(spent_this_year=20000))
    yield "tax", tax.calculate_allowance(tax.AllowanceInput(spent_this_year=30000))
    for m in guarantee.GuaranteeMode:
        yield "guarantee", guarantee.calculate_guarantee(guarantee.GuaranteeInput(m, 50000, 300000))
    yield "deadline", deadlines.calculate_deadlines(deadlines.DeadlineInput("2026-09-26"))
    for d, b, s in itertools.product(mode.Direction, mode.Buyer, mode.Stock):
        yield "mode", mode.choose_mode(mode.ModeInput(d, b, s))


RESULTS = list(_results())


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_declared_legal_basis_is_a_current_primary_chunk(name, chunks):
    for cid in MODULES[name].LEGAL_BASIS:
        assert cid in chunks, f"{cid} is not a chunk of the index"
        meta = chunks[cid]["meta"]
        assert is_primary(meta), f"{cid} is a {meta['doc_type']}, not a primary source"
        assert meta.get("status") != "superseded", f"{cid} is superseded"


def test_every_cited_id_is_declared_by_its_module():
    for name, result in RESULTS:
        undeclared = set(result.legal_basis) - set(MODULES[name].LEGAL_BASIS)
        assert not undeclared, f"{name} cites undeclared {undeclared}"
    # and every declared id is cited by some branch (no dead declarations)
    for name, module in MODULES.items():
        cited = {cid for n, r in RESULTS if n == name for cid in r.legal_basis}
        assert set(module.LEGAL_BASIS) <= cited, f"{name} declares ids no branch cites: {set(module.LEGAL_BASIS) - cited}"


# The figure or wording each rule applies, and the passage that must state it.
STATED = [
    (tax.LIMITS, ["RMB 5,000", "RMB 26,000"]),
    (tax.CONCESSION_RULE, ["0%", "70%"]),
    (tax.FORMULA, ["(1 − consumption-tax rate)", "70%", "unit price × quantity"]),
    (tax.SINGLE_ITEM, ["only one item", "in full", "annual total"]),
    (tax.OVER_ANNUAL, ["exceed the RMB 26,000", "general trade"]),
    (guarantee.EX_OFFICIO_TIERS, ["less than RMB 20,000", "RMB 20,000 to RMB 200,000", "50%",
                                  "not less than RMB 20,000", "more than RMB 200,000", "RMB 100,000"]),
    (guarantee.GENERAL_GUARANTEE, ["previous year", "below RMB 200,000", "31 December"]),
    (guarantee.APPLICATION_CEILING, ["does not exceed the value"]),
    (guarantee.PATENT_COUNTER, ["counter-guarantee equal to the goods' value"]),
    (guarantee.FORM, ["cash deposit"]),
    (guarantee.VALUATION, ["transaction price"]),
    (deadlines.REPLY, ["3 working days"]),
    (deadlines.COUNTING, ["day after the notice is served", "24:00"]),
    (deadlines.INVESTIGATION, ["30 working days"]),
    (deadlines.RELEASE, ["20 working days", "50 working days"]),
    (mode.B2B_PILOT, ["Beijing", "Huangpu"]),
    (mode.PILOT_2021, ["free trade zone", "accepted"]),
    (mode.THREE_DATA_SETS, ["order", "payment", "logistics"]),
    (mode.B2B_REGISTRATION, ["register with customs", "overseas-warehouse business model"]),
]


@pytest.mark.parametrize(("cid", "phrases"), STATED, ids=[c for c, _ in STATED])
def test_each_cited_passage_states_the_rule_applied(cid, phrases, chunks):
    text = chunks[cid]["text"]
    for phrase in phrases:
        assert phrase in text, f"{cid} does not say {phrase!r}"
