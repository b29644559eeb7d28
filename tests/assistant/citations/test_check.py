from assistant.citations import check, citation_from
from assistant.retrieval.types import Hit
from assistant.text import split_sentences


def test_valid_markers():
    c = check("Limits rose to 26,000 [1]. Duty is 0% [2][1].", 2)
    assert c.ok and c.cited == [1, 2] and c.text == "Limits rose to 26,000 [1]. Duty is 0% [2][1]."


def test_out_of_range_marker_reported_and_sentence_dropped():
    c = check("True claim [1]. Invented claim [7]. Mixed claim [2][9].", 2)
    assert c.invalid_markers == [7, 9]
    assert c.dropped_sentences == ["Invented claim [7]."]
    assert c.text == "True claim [1]. Mixed claim [2]."


def test_missing_marker_flagged_and_optionally_dropped():
    c = check("Cited [1]. Not cited at all.", 1)
    assert c.uncited_sentences == ["Not cited at all."] and not c.ok
    assert check("Cited [1]. Not cited at all.", 1, drop_uncited=True).text == "Cited [1]."


def test_document_number_years_are_not_markers():
    c = check("Cai Guan Shui [2018] No. 49 raised the limit [1].", 1)
    assert c.ok and c.cited == [1]


def test_sentences_respect_abbreviations_and_wrapped_lines():
    text = "Under Art. 28 of Decree No. 395 goods are\nconfiscated. Next sentence.\n- a list item"
    assert split_sentences(text) == [
        "Under Art. 28 of Decree No. 395 goods are confiscated.",
        "Next sentence.",
        "- a list item",
    ]


def test_citation_carries_passage_without_header():
    d = Hit(
        chunk_id="d:art-1:0",
        text="Title\nPath\n\nThe passage.",
        metadata={"chunk_id": "d:art-1:0", "title": "Title", "article": "Article 1", "body_offset": 12,
                  "instrument": "Decree 1", "date": "2020-01-01", "source_url": "https://x"},
        score=0.5,
    )
    c = citation_from(3, d)
    assert (c.marker, c.id, c.text, c.article) == (3, "d:art-1:0", "The passage.", "Article 1")
    assert c.label() == "Title, Article 1 (Decree 1; 2020-01-01)"
