"""The readability rules the composer avoids and the evals measure."""

from assistant.readability import (
    MAX_WORDS,
    flags,
    has_slug,
    is_cut,
    is_dangling,
    is_fragment,
    is_meta,
    near_duplicate,
    numbers,
    words,
)


def test_each_defect_is_named():
    assert has_slug("Details are in gacc-2018-194-cbec-retail-export.")
    assert not has_slug("Cross-border e-commerce uses a 3-working-day reply and notice-and-takedown rules.")
    assert is_meta("This document sets out the limits.") and is_meta("The rule is covered in the glossary.")
    assert not is_meta("Show an electronic Chinese label on the product page.")
    assert is_dangling("They must reply within 3 working days.") and not is_dangling("Theft is a crime.")
    assert is_cut("The right holder must reply within") and not is_cut("The holder must reply [1].")


def test_near_duplicates_share_the_fact_not_just_words():
    a = "A recordation is valid for 10 years [1]."
    assert near_duplicate(a, "The recordation stays valid for 10 years from approval [2].")
    assert not near_duplicate(a, "Renewal adds another period after the recordation expires [2].")
    assert numbers("RMB 5,000 under code 9610 since 2019") == {"5000"}


def test_flags_list_every_problem_with_its_sentence():
    out = flags(["A recordation is valid for 10 years [1].", "It lasts 10 years [2].", "See seller-after-detention-guide."])
    assert any(f.startswith("dangling reference") for f in out)
    assert any(f.startswith("near-duplicate") for f in out)
    assert any(f.startswith("slug") for f in out)
    assert flags(["Customs notifies the holder at once [1].", "The holder replies within 3 working days [2]."]) == []


def test_document_and_article_numbers_are_references_not_shared_figures():
    annual = ("Each individual buyer may make up to RMB 26,000 of CBEC retail imports per year, a limit set by "
              "Cai Guan Shui [2018] No. 49 from 1 January 2019 [1].")
    per_order = "Cai Guan Shui [2018] No. 49 also caps a single transaction at RMB 5,000 [1]."
    assert numbers(per_order) == {"5000"} and not near_duplicate(annual, per_order)
    # The same article restated in other words is still one fact.
    a = "Article 26 of the Regulations requires customs to hand a case to the public security organs when a crime may have been committed [2]."
    b = "Under Article 26 of the Regulations, customs that discovers a suspected crime must transfer the case to the public security organs [3]."
    assert near_duplicate(a, b)


def test_a_sentence_opening_with_a_contrast_or_consequence_leans_on_its_neighbour():
    assert is_dangling("Conversely, an exporter that had received a rebate had to pay it back [1].")
    assert is_dangling("As a result, the goods are released [2].")
    assert not is_dangling("Customs releases the goods when the right holder withdraws its request [1].")


def test_a_list_item_torn_from_its_lead_in_is_a_fragment():
    assert is_fragment("CBEC platform enterprises [1].")
    assert any(f.startswith("fragment") for f in flags(["Payment enterprises [1]."]))
    # Short answers that state something are not fragments: a yes or no, a figure, Chinese.
    assert not is_fragment("No [1].") and not is_fragment("RMB 26,000 a year [1].") and not is_fragment("不是必须的。")
    assert not is_fragment("Customs notifies the holder at once [1].")


def test_length_is_judged_per_sentence_of_a_two_sentence_lead():
    """A which-document answer leads with its legal basis in a sentence of its own, before the card's
    answer: together over the limit, each sentence within it."""
    basis = "Legal basis: Cai Shui [2018] No. 103, Section 1 [1]; GACC Announcements 2020 No. 75 and 2021 No. 47, Section 7 [2]."
    answer = "The route depends on the customs code: " + " ".join(["9710 exports claim the refund"] * 8) + " [1]."
    assert words(basis) + words(answer) > MAX_WORDS >= max(words(basis), words(answer))
    assert flags([f"{basis} {answer}"]) == []
    assert flags([f"{basis} {answer} {answer}".replace(". The", ", the")])[0].startswith("over-long")
