from assistant.answering import NO_ANSWER
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.retrieval.types import Hit
from assistant.text import terms


def doc(text, title="T"):
    header = f"{title}\n\n"
    return Hit(chunk_id=f"{title}:x:0", text=header + text, metadata={"body_offset": len(header), "title": title}, score=1.0)


def test_terms_strip_stopwords_and_plurals():
    assert terms("What are the limits for parcels?") == ["limit", "parcel"]


def test_picks_the_fact_with_markers_and_skips_meta_sentences():
    passages = [
        doc("This document sets out the annual limit rules for parcels. The annual limit is RMB 26,000 per person."),
        doc("Returns must be filed within 30 days of release."),
    ]
    a = ExtractiveAnswerer().answer("What is the annual limit?", passages)
    assert a.text == "The annual limit is RMB 26,000 per person [1]."


def test_near_duplicates_dropped_and_order_follows_passages():
    passages = [
        doc("The annual limit is RMB 26,000 per person. The annual limit is RMB 26,000 for each person."),
        doc("Over the annual limit, goods are handled as general trade."),
    ]
    text = ExtractiveAnswerer().answer("annual limit", passages).text
    assert text.count("26,000") == 1 and text.endswith("general trade [2].")


def test_no_overlap_means_no_answer():
    assert ExtractiveAnswerer().answer("chocolate cake", [doc("Customs detains goods.")]).text == NO_ANSWER


def test_trailing_punctuation_before_marker_is_cleaned():
    a = ExtractiveAnswerer().answer("release grounds", [doc("Release grounds are listed in Articles 12–14;")])
    assert a.text == "Release grounds are listed in Articles 12–14 [1]."
