"""Locating the sentence an answer used inside its passage."""

from assistant.citations.align import find_sentence, used_spans


def test_words_in_order_with_cleaned_markup():
    text = "Intro line.\n- **Duty** is 0% within the limits; VAT is 70%.\nOther."
    a, b = find_sentence(text, "Duty is 0% within the limits; VAT is 70% [1].")
    assert text[a:b].startswith("Duty") and text[a:b].endswith("70")


def test_paraphrase_falls_back_to_closest_sentence_and_spans_merge():
    text = "The recordation lasts ten years. It can be renewed. Fees were abolished in 2015."
    spans = used_spans(text, ["Recordation lasts for ten years [1].", "Fees abolished in 2015 [1]."])
    assert [text[a:b].strip() for a, b in spans] == ["The recordation lasts ten years.", "Fees were abolished in 2015."]
    assert used_spans(text, ["Completely unrelated words here [2]."]) == []
