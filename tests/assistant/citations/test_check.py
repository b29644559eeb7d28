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


def _cite(**kw):
    from assistant.citations import Citation

    base = dict(marker=2, id="d:s:0", title="Tax notice", instrument="Notice", article="Article 3",
                source_url="https://example.org", date="2016-03-24", text="t", score=0.5)
    return Citation(**{**base, **kw})


def test_currency_note_follows_the_status_model():
    from assistant.citations import currency_note

    titles = {"new-notice": "New notice"}
    assert currency_note(_cite(status="in_force"), titles, "en") == ""
    assert currency_note(_cite(status="guidance"), titles, "en") == ""
    note = currency_note(_cite(status="superseded", superseded_by="new-notice"), titles, "en")
    assert "[2]" in note and "superseded" in note and "New notice" in note
    note = currency_note(
        _cite(status="partly_superseded", superseded_by="new-notice", still_applies="the taxpayer rules"), titles, "en"
    )
    assert "partly superseded by New notice" in note and "the taxpayer rules" in note
    note = currency_note(_cite(status="expired", expired_on="2024-01-29"), titles, "zh")
    assert "2024-01-29" in note and "失效" in note


def test_a_chinese_currency_note_is_chinese_and_names_every_marker_once():
    """A Chinese answer's note uses the Chinese titles and the Chinese statement of what still
    applies; two passages of one instrument share one note."""
    from assistant.citations import currency_note

    cite = _cite(status="partly_superseded", superseded_by="new-notice", title_zh="《旧通知》",
                 still_applies="the taxpayer rules.", still_applies_zh="纳税义务人的规定。")
    note = currency_note(cite, {"new-notice": "《新通知》"}, "zh", markers=[3, 4])
    assert note == "注意：来源[3][4]（《旧通知》）已部分被《新通知》取代；仍然适用的部分：纳税义务人的规定。"
    english = currency_note(cite, {"new-notice": "New notice"}, "en")
    assert english.endswith("what still applies: the taxpayer rules.") and "[2]" in english


def test_legal_basis_label_names_the_official_reference_and_status():
    c = _cite(official_ref="Cai Guan Shui [2016] No. 18 (财关税〔2016〕18号)", status="partly_superseded",
              title_zh="《关于跨境电子商务零售进口税收政策的通知》")
    assert "Cai Guan Shui [2016] No. 18" in c.basis_label("en") and "partly superseded" in c.basis_label("en")
    assert c.basis_label("zh").startswith("《关于跨境电子商务零售进口税收政策的通知》第三条") and "部分失效" in c.basis_label("zh")


def test_citation_carries_front_matter_grading():
    from assistant.citations import citation_from
    from assistant.retrieval.types import Hit

    meta = {"title": "T", "doc_type": "regulation", "official_ref": "State Council Decree No. 395",
            "source_quality": "official", "title_zh": "《条例》", "status": "expired", "expired_on": "2024"}
    c = citation_from(1, Hit(chunk_id="d:s:0", text="p", metadata=meta, score=1.0))
    assert (c.official_ref, c.source_quality, c.title_zh, c.expired_on) == (
        "State Council Decree No. 395", "official", "《条例》", "2024")
    upload = citation_from(1, Hit(chunk_id="u:s:0", text="p", metadata={"doc_type": "upload"}, score=1.0))
    assert upload.source_quality == "upload"


def test_label_does_not_repeat_an_official_number_the_title_already_gives():
    c = _cite(title="Regulations (State Council Decree No. 395, amended 2010)",
              official_ref="State Council Decree No. 395 (国务院令第395号), as amended in 2010", article="Article 9")
    assert c.label().count("Decree No. 395") == 1
    other = _cite(title="Customs IPR Regulations", official_ref="State Council Decree No. 395 (国务院令第395号)")
    assert "State Council Decree No. 395 (国务院令第395号)" in other.label()
