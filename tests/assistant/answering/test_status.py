"""Questions about an instrument's standing are answered from the corpus status model."""

import pytest

from assistant.answering.status import Instrument, asked_instrument, instrument_keys, status_sentence


def _inst(doc_id, ref, status="in_force", **kw):
    base = dict(chunk_id=f"{doc_id}:overview:0", title=doc_id, title_zh="", official_ref=ref, doc_type="tax_notice",
                status=status, superseded_by="", still_applies="", still_applies_zh="", effective="", expired_on="")
    return Instrument(doc_id, **{**base, **kw})


TABLE = {
    "tax-2016": _inst("tax-2016", "Cai Guan Shui [2016] No. 18 (财关税〔2016〕18号)", "partly_superseded",
                      superseded_by="tax-2018", still_applies="the taxpayer rules.", still_applies_zh="纳税人规定。"),
    "tax-2018": _inst("tax-2018", "Cai Guan Shui [2018] No. 49 (财关税〔2018〕49号)", effective="2019-01-01"),
    "mentions": _inst("mentions", "Shangcaifa [2018] No. 486; Cai Guan Shui [2016] No. 18", doc_type="guide"),
    "decree": _inst("decree", "GACC Decree No. 114 (海关总署令第114号)", "superseded", superseded_by="tax-2018"),
}


@pytest.mark.parametrize(("text", "keys"), [
    ("Is Cai Guan Shui [2016] No. 18 still in force?", [("2016", "18")]),
    ("财关税〔2016〕18号还有效吗", [("2016", "18")]),
    ("海关总署公告2018年第194号现在还适用吗", [("2018", "194")]),
    ("has Decree No. 114 been replaced", [("decree", "114")]),
    ("国务院令第395号", [("decree", "395")]),
    ("财关税2016年18号文现在还管用吗", [("2016", "18")]),
    ("the RMB 2,000 limit of 2016", []),
])
def test_instrument_numbers_are_read_in_english_and_chinese(text, keys):
    assert instrument_keys(text) == keys


def test_the_document_about_the_instrument_answers_not_one_that_mentions_it():
    assert asked_instrument("Is Cai Guan Shui [2016] No. 18 still in force?", TABLE).doc_id == "tax-2016"
    assert asked_instrument("财关税〔2016〕18号还有效吗", TABLE).doc_id == "tax-2016"
    # Naming the instrument without asking about its standing is a question about its content.
    assert asked_instrument("Under Cai Guan Shui [2018] No. 49, in force since 2019, what are the limits?", TABLE) is None
    assert asked_instrument("Is Cai Guan Shui [2017] No. 1 still in force?", TABLE) is None


def test_the_standing_leads_whatever_the_polarity_of_the_question():
    old, new, decree = TABLE["tax-2016"], TABLE["tax-2018"], TABLE["decree"]
    assert status_sentence(old, new, zh=False).startswith("Partly superseded: Cai Guan Shui [2016] No. 18")
    assert "what still applies: the taxpayer rules." in status_sentence(old, new, zh=False)
    assert status_sentence(decree, new, zh=False).startswith("Superseded: GACC Decree No. 114 is no longer in force")
    assert status_sentence(new, None, zh=False) == (
        "In force: Cai Guan Shui [2018] No. 49, in force since 2019-01-01; no later instrument is recorded as replacing it.")
    assert status_sentence(old, new, zh=True).startswith("部分有效") and "纳税人规定。" in status_sentence(old, new, zh=True)
