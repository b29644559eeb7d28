"""Shared text helpers: the words that decide which card and which passage answer a question."""

from assistant.text import cn_numeral, terms


def test_terms_read_a_grouped_figure_as_one_number():
    assert terms("over RMB 5,000 and 26,000 a year") == ["rmb", "5000", "26000", "year"]
    assert terms("5000 yuan") == ["5000", "yuan"]
    assert "1.5" in terms("a rate of 1.5 times")  # a decimal point is not a group separator


def test_plurals_meet_their_singular():
    """"fakes" meets "fake" and "shoes" meets "shoe" (stripping "es" gave "fak" and "sho");
    "taxes", "classes" and "penalties" still lose their plural ending."""
    assert terms("fakes shoes cases licences") == terms("fake shoe case licence")
    assert terms("taxes classes penalties goods") == ["tax", "class", "penalty", "good"]


def test_a_preposition_is_not_a_topic_word():
    """"export via 9610" asks what "export under 9610" asks: "via" must not count against a card."""
    assert terms("export via 9610") == terms("export 9610") == ["export", "9610"]


def test_chinese_numerals_read_as_numbers():
    assert cn_numeral("一百零二") == 102 and cn_numeral("二十") == 20 and cn_numeral("十") == 10
    assert cn_numeral("二十五") == 25 and cn_numeral("25") == 25
