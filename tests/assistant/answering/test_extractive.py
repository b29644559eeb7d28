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
    draft = ExtractiveAnswerer().answer("annual limit and general trade", passages)
    assert draft.text.count("26,000") == 1 and draft.text.endswith("general trade [2].")
    assert draft.short == ["The annual limit is RMB 26,000 per person [1]."]


def test_no_overlap_means_no_answer():
    assert ExtractiveAnswerer().answer("chocolate cake", [doc("Customs detains goods.")]).text == NO_ANSWER


def test_trailing_punctuation_before_marker_is_cleaned():
    a = ExtractiveAnswerer().answer("release grounds", [doc("Release grounds are listed in Articles 12–14;")])
    assert a.text == "Release grounds are listed in Articles 12–14 [1]."


def test_short_answer_states_the_figure_an_amount_question_asks_for():
    passages = [
        doc("The limit applies to each buyer of cross-border goods and is checked by customs against the buyer."),
        doc("The single transaction limit is RMB 5,000."),
    ]
    draft = ExtractiveAnswerer().answer("How much is the limit per transaction for a buyer?", passages)
    assert draft.intent == "amount" and draft.short == ["The single transaction limit is RMB 5,000 [2]."]


def test_a_sentence_leaning_on_its_neighbour_comes_with_it_or_not_at_all():
    passages = [doc("A recordation lasts 10 years from approval. It can be renewed for 10 more years each time.")]
    draft = ExtractiveAnswerer().answer("Can a recordation be renewed?", passages)
    assert draft.short == ["A recordation lasts 10 years from approval. It can be renewed for 10 more years each time [1]."]
    lone = [doc("They can be renewed for 10 more years each time.")]
    assert ExtractiveAnswerer().answer("Can a recordation be renewed?", lone).text == NO_ANSWER


def test_slugs_and_sentences_about_documents_never_appear():
    passages = [doc("Details are in seller-after-detention and the glossary. Customs notifies the right holder at once. "
                    "The rules are covered in the regulations summary.")]
    draft = ExtractiveAnswerer().answer("Does customs notify the right holder?", passages)
    assert draft.text == "Customs notifies the right holder at once [1]."


def test_long_enumeration_is_split_into_its_clauses():
    long = ("Customs penalises sellers who fabricate order data for goods in general trade; customs penalises "
            "platforms that help goods to be resold inside China after import; customs penalises anyone who fails "
            "to check buyer identities so that other people's quotas are misused by resellers and agents acting for them.")
    draft = ExtractiveAnswerer().answer("What does customs penalise about resold goods and identities?", [doc(long)])
    assert all(len(x.split()) <= 55 for x in draft.short + draft.points)
    assert any("resold" in x for x in draft.short + draft.points)


def test_seller_situations_get_steps_from_instructions_in_the_passages():
    passages = [
        doc("Customs notifies the consignee when it suspends clearance of suspected goods."),
        doc("Reply to the customs notice with your authorisation documents. Keep copies of every licence."),
    ]
    draft = ExtractiveAnswerer().answer("Customs stopped my parcel, what should I do?", passages)
    assert draft.steps and all(s.startswith(("Reply", "Keep")) for s in draft.steps)


def test_closeness_in_meaning_reranks_sentences_that_share_the_same_words():
    passages = [
        doc("For example, a consumer pays tax of RMB 30 on an order of two units within the limits."),
        doc("Within the limits, duty is 0% and VAT is charged at 70% of the normal amount."),
    ]
    question = "What tax does a consumer pay on an order within the limits?"
    words_only = ExtractiveAnswerer().compose(question, passages)
    assert words_only.short[0].startswith("For example")  # more shared words
    # The question's closeness in meaning to each sentence (here: the rate sentence is the answer).
    relate = lambda sentences: [0.9 if "0%" in s else 0.2 for s in sentences]  # noqa: E731
    draft = ExtractiveAnswerer().compose(question, passages, relate=relate)
    assert draft.short == ["Within the limits, duty is 0% and VAT is charged at 70% of the normal amount [2]."]


def test_closeness_cannot_bring_in_a_sentence_that_shares_no_word_with_the_question():
    passages = [doc("The annual limit is RMB 26,000 per person."), doc("Chocolate cake is sweet.")]
    relate = lambda sentences: [1.0 if "cake" in s else 0.0 for s in sentences]  # noqa: E731
    draft = ExtractiveAnswerer().compose("What is the annual limit?", passages, relate=relate)
    assert "cake" not in draft.text and draft.short == ["The annual limit is RMB 26,000 per person [1]."]


def test_a_question_about_one_year_is_answered_with_that_years_figure():
    passages = [
        doc("In 2024 customs detained 41,600 batches of suspected infringing goods."),
        doc("In 2023 customs detained 62,100 batches of suspected infringing goods."),
    ]
    draft = ExtractiveAnswerer().compose("How many batches of infringing goods did customs detain in 2023?", passages)
    assert draft.short == ["In 2023 customs detained 62,100 batches of suspected infringing goods [2]."]
    assert "2024" not in draft.text


def test_a_penalty_question_is_answered_with_the_penalty_when_one_is_close():
    passages = [
        doc("The platform must forward the merchant's declaration to the right holder when the store ignores complaints."),
        doc("A platform that ignores complaints and does not correct is fined RMB 50,000 to 500,000."),
    ]
    draft = ExtractiveAnswerer().compose("Can the platform be fined if it ignores complaints?", passages)
    assert draft.short == ["A platform that ignores complaints and does not correct is fined RMB 50,000 to 500,000 [2]."]
    # A question that does not ask for a penalty keeps the best sentence, even with a penalty intent.
    from assistant.answering.intent import Intent

    draft = ExtractiveAnswerer().compose("the platform and the merchant's declaration", passages, Intent.PENALTY)
    assert draft.short[0].startswith("The platform must forward")


def test_a_list_of_clauses_is_read_with_its_lead_in_never_item_by_item():
    listed = ("The law names the parties that must register with customs:\n\n- CBEC platform enterprises;\n"
              "- logistics enterprises;\n- payment enterprises.\n\nCustoms checks each registration on file.")
    draft = ExtractiveAnswerer().answer("Which parties must register with customs?", [doc(listed)])
    said = draft.short + draft.points
    assert said[0] == ("The law names the parties that must register with customs: CBEC platform enterprises; "
                       "logistics enterprises; payment enterprises [1].")
    assert not any(x.startswith(("CBEC platform enterprises", "Logistics enterprises", "Payment enterprises")) for x in said)


def test_a_list_whose_items_are_sentences_keeps_them_as_sentences():
    steps = ("After a detention:\n\n- Reply to customs within 3 working days of the notice.\n"
             "- Provide the guarantee the notice names before the deadline.")
    draft = ExtractiveAnswerer().answer("How many working days do I have to reply to customs?", [doc(steps)])
    assert draft.short == ["Reply to customs within 3 working days of the notice [1]."]
