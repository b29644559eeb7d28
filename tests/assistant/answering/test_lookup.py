"""Questions about an instrument itself: recognised by number or name, answered from its own passages."""

from assistant.answering.lookup import (
    Asked,
    aliases,
    articles_of,
    asked_lookup,
    compose,
    named,
    normalise_title,
    standing_asked,
)
from assistant.answering.status import Instrument
from assistant.retrieval.types import Hit


def inst(doc_id, ref, title_zh, status="in_force", effective="", issued="", doc_type="regulation") -> Instrument:
    return Instrument(doc_id, f"{doc_id}:overview:0", doc_id, title_zh, ref, doc_type, status, "", "", "", effective, "",
                      issued)


TABLE = {i.doc_id: i for i in [
    inst("ipr-regs", "State Council Decree No. 395 (国务院令第395号)", "《中华人民共和国知识产权海关保护条例》",
         effective="2004-03-01", issued="2003-12-02"),
    inst("ipr-regs-1995", "State Council Decree No. 179 (国务院令第179号)", "《中华人民共和国知识产权海关保护条例》",
         status="superseded", effective="1995-10-01", issued="1995-07-05"),
    inst("ipr-measures", "GACC Decree No. 183 (海关总署令第183号)",
         "《中华人民共和国海关关于〈中华人民共和国知识产权海关保护条例〉的实施办法》"),
    inst("returns-2020-44", "GACC Announcement 2020 No. 44 (海关总署公告2020年第44号)", "《关于全面推广跨境电子商务出口商品退货监管措施有关事宜的公告》",
         doc_type="announcement"),
]}
NAMES = aliases(TABLE, [("知识产权海关保护条例", "Customs IPR Regulations"),
                        ("知识产权海关保护条例实施办法", "Customs IPR Implementing Measures")])


def test_chinese_titles_are_compared_without_brackets_state_prefix_or_frame():
    assert normalise_title("《中华人民共和国海关关于〈中华人民共和国知识产权海关保护条例〉的实施办法》") == "知识产权海关保护条例实施办法"
    assert normalise_title("《中华人民共和国知识产权海关保护条例》") == "知识产权海关保护条例"


def test_an_instrument_is_named_by_number_by_title_or_by_an_english_name():
    assert named(["what is GACC Announcement 2020 No. 44 about?"], TABLE, NAMES)[0][0].doc_id == "returns-2020-44"
    assert named(["知识产权海关保护条例哪一年颁布的"], TABLE, NAMES)[0][0].doc_id == "ipr-regs"
    # The longest name wins: the Implementing Measures, not the Regulations they implement.
    assert named(["what does the customs ipr implementing measures say"], TABLE, NAMES)[0][0].doc_id == "ipr-measures"
    # A year picks the version of that year; otherwise the one in force.
    assert named(["the 1995 customs ipr regulation"], TABLE, NAMES)[0][0].doc_id == "ipr-regs-1995"
    assert named(["the customs ipr regulations"], TABLE, NAMES)[0][0].doc_id == "ipr-regs"
    assert named(["what is the annual cbec limit"], TABLE, NAMES) is None


def test_what_is_asked_about_the_instrument():
    ask = lambda q, tr="": asked_lookup(q, tr, TABLE, NAMES)  # noqa: E731
    assert ask("GACC Announcement 2020 No. 44 - what is it about?").kind is Asked.ABOUT
    assert ask("when did the customs ipr regulations take effect").kind is Asked.DATES
    found = ask("知识产权海关保护条例第二十四条怎么规定的", "Customs IPR Regulations")
    assert found.kind is Asked.ARTICLE and found.article == 24 and found.instrument.doc_id == "ipr-regs"
    assert ask("what does article 16 of the customs ipr regulations say").article == 16
    # A subject inside the instrument is a question about that subject, answered as any other.
    assert ask("what does announcement 2020 No. 44 say about the tax on returned goods") is None
    assert ask("what are the customs ipr regulations rules on guarantees") is None


def test_a_standing_question_may_name_the_instrument_by_title():
    assert standing_asked("is the 1995 customs ipr regulation still in force", "", TABLE, NAMES).doc_id == "ipr-regs-1995"
    assert standing_asked("is the guarantee rule of the customs ipr regulations still in force", "", TABLE, NAMES) is None


def test_article_labels_cover_ranges_and_lists():
    assert articles_of("Article 25") == {25}
    assert articles_of("Articles 12–13") == {12, 13}
    assert articles_of("Articles 17, 21–22") == {17, 21, 22}


def test_the_answer_quotes_the_passage_and_a_chinese_answer_leads_with_the_name_and_standing():
    text = ("Title\nHeading\n\nThe Customs IPR Regulations were promulgated on 2 December 2003 and took effect on "
            "1 March 2004. They bind right holders and customs alike. As amended in 2010 they have 33 articles.")
    hit = Hit("ipr-regs:overview:0", text, {"body_offset": len("Title\nHeading\n\n")}, 1.0)
    about = asked_lookup("when did the customs ipr regulations take effect", "", TABLE, NAMES)
    draft = compose(about, [hit])
    assert draft.short == ["The Customs IPR Regulations were promulgated on 2 December 2003 and took effect on 1 March 2004 [1]."]
    assert draft.points == ["As amended in 2010 they have 33 articles [1]."]  # dated sentences only
    zh = compose(asked_lookup("知识产权海关保护条例哪一年颁布的", "Customs IPR Regulations", TABLE, NAMES), [hit], zh=True)
    assert zh.short[0].startswith("《中华人民共和国知识产权海关保护条例》即国务院令第395号，于2003-12-02发布，自2004-03-01起施行，现行有效")
