"""Answer cards are trustworthy: their passages exist, their legal basis is law, their figures are cited.

Read from the real corpus through the real converters and splitter (no embedding needed).
"""

import re
from pathlib import Path

import pytest

from assistant.answering.cards import Card, cards_dir, load_cards
from assistant.config import Settings
from assistant.readability import has_slug, is_dangling, is_meta
from assistant.schema import is_legal_text, is_primary, passage_text
from ingest.pipeline import load_corpus
from ingest.splitter import split_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
CARDS = load_cards(cards_dir(CORPUS))
# Commas inside numbers are ignored ("5,000" = "5000"); a figure is a run of digits (with a decimal part).
FIGURE = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def chunks() -> dict[str, dict]:
    settings = Settings.from_env({}, corpus_dir=CORPUS)
    docs, failures, _ = load_corpus(CORPUS, settings)
    assert not failures
    out = {}
    for d in docs:
        for c in split_document(d, settings.chunk_size, settings.chunk_overlap):
            # The passage a reader sees under its citation: without the title and headings, which may
            # name a figure ("…2,259 pairs of sports shoes…") the passage itself does not state.
            out[c.metadata["chunk_id"]] = {"meta": c.metadata, "text": passage_text(c.page_content, c.metadata)}
    return out


MONTHS = "January February March April May June July August September October November December".split()
ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")


# A figure with a magnitude word is compared by value: "5,618万" and "56.18 million" are one figure.
MAGNITUDE = re.compile(r"(\d+(?:\.\d+)?)\s*(million|billion|trillion|万亿|万|亿)")
SCALE = {"million": 1e6, "billion": 1e9, "trillion": 1e12, "万": 1e4, "亿": 1e8, "万亿": 1e12}


def figures(text: str) -> set[str]:
    """Figures a text states; a Chinese date "2020年7月1日" reads as "1 July 2020", as the passages
    write it, and "918.1亿" reads as the value of "91.81 billion"."""
    text = ZH_DATE.sub(lambda m: f"{m.group(3) or ''} {MONTHS[int(m.group(2)) - 1]} {m.group(1)}", text)
    text = text.replace(",", "")
    values = {f"={float(m.group(1)) * SCALE[m.group(2)]:.6g}" for m in MAGNITUDE.finditer(text)}
    return set(FIGURE.findall(MAGNITUDE.sub(" ", text))) | values


def test_chinese_dates_and_magnitudes_are_compared_as_the_passages_write_them():
    assert figures("自2020年7月1日起") == {"1", "2020"} and figures("2022年3月") == {"2022"}
    assert figures("合计5,618万件") == figures("56.18 million items") and figures("918.1亿元") == figures("RMB 91.81 billion")
    assert figures("1.53万亿元") == figures("RMB 1.53 trillion") and figures("5,618万件") != figures("5.618 million")


def test_enough_cards_across_topics():
    answer_cards = [c for c in CARDS if not c.declines]
    assert len(answer_cards) >= 60
    assert len({c.topic for c in answer_cards}) >= 15
    assert len([c for c in CARDS if c.declines]) >= 5


# Cards whose rule no article we have states (the corpus says the article number is unverified, or
# the card reports figures): they cite their passages, and show no legal basis rather than a wrong one.
NO_ARTICLE_KNOWN = {"ipr-wrongful-detention-compensation"}


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_card_passages_exist_and_legal_basis_is_primary_and_current(card: Card, chunks):
    for cid in card.cited_ids():
        assert cid in chunks, f"{cid} is not a chunk of the index"
    for cid in card.legal_basis:
        meta = chunks[cid]["meta"]
        assert is_primary(meta), f"{cid} is a {meta['doc_type']}, not a primary source"
        assert meta.get("status") != "superseded", f"{cid} is superseded"
    shown = [cid for cid in card.legal_basis if is_legal_text(chunks[cid]["meta"])]
    if card.id in NO_ARTICLE_KNOWN:
        assert not shown, f"{card.id} now has an article to cite: take it off NO_ARTICLE_KNOWN"
    else:
        assert shown, f"{card.id} rests only on commentary sections; cite the article that states the rule"


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_every_figure_in_a_card_is_in_a_passage_it_cites(card: Card, chunks):
    cited = " ".join(chunks[c]["text"] for c in card.cited_ids())
    basis = " ".join(chunks[c]["text"] for c in card.legal_basis)
    for text in (card.short_answer, card.short_answer_zh, *card.what_to_do, *card.what_to_do_zh):
        missing = figures(text) - figures(cited)
        assert not missing, f"{missing} in {text!r} appear in no cited passage"
    assert figures(card.short_answer) <= figures(basis) | figures(cited)
    for kp in card.key_points:
        own = " ".join(chunks[c]["text"] for c in kp.cite)
        for text in (kp.text, kp.text_zh):
            missing = figures(text) - figures(own)
            assert not missing, f"{missing} in key point {text!r} appear in none of its passages"


@pytest.mark.parametrize("card", CARDS, ids=lambda c: c.id)
def test_card_text_reads_on_its_own(card: Card):
    assert len(card.questions) >= 3 and card.questions_zh, "variants in English and Chinese"
    assert len(card.what_to_do_zh) in (0, len(card.what_to_do))
    for text in (card.short_answer, *(k.text for k in card.key_points), *card.what_to_do):
        assert not has_slug(text) and not is_meta(text) and not is_dangling(text), text
