"""The lexicon: the user dictionary wins over jieba's default cuts; Chinese turns into corpus words."""

import pytest

from assistant.lexicon import Entry, Lexicon, LexiconError, load_entries

ENTRIES = [
    Entry("海关知识产权备案", "customs IPR recordation", "term"),
    Entry("备案", "recordation", "term"),
    Entry("退货", "return returns", "action"),
    Entry("担保", "guarantee", "term"),
    Entry("扣货", "detain detention", "colloquial"),
    Entry("《中华人民共和国知识产权海关保护条例》", "Regulations on Customs Protection of Intellectual Property Rights", "instrument"),
]


def test_user_dictionary_keeps_domain_terms_whole():
    lex = Lexicon(ENTRIES)
    assert "海关知识产权备案" in lex.segment("怎么办理海关知识产权备案？")
    assert lex.content_tokens("9610模式能退货吗") == ["9610", "模式", "退货"]


def test_translation_of_mixed_questions_keeps_codes_and_shows_matches():
    tr = Lexicon(ENTRIES).translate("9610模式能退货吗，担保要多少")
    assert tr.english.split()[:1] == ["9610"] and "return" in tr.english and "guarantee" in tr.english
    assert ("担保", "guarantee") in tr.matches


def test_terms_inside_an_unsplit_run_are_found():
    tr = Lexicon(ENTRIES).translate("被扣货了")
    assert "detain" in tr.english


def test_chinese_name_of_an_instrument():
    lex = Lexicon(ENTRIES)
    title = "Regulations on Customs Protection of Intellectual Property Rights (State Council Decree No. 395)"
    assert lex.chinese_name(title) == "《中华人民共和国知识产权海关保护条例》"
    assert lex.chinese_name("Something else") == ""


def test_malformed_file_names_the_line(tmp_path):
    p = tmp_path / "zh_en.tsv"
    p.write_text("zh\ten\tkind\n担保\tguarantee\tterm\n扣留\tdetain\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"zh_en.tsv:3: expected 3"):
        load_entries(p)
    p.write_text("wrong header\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="header"):
        load_entries(p)


def test_a_number_is_never_read_as_the_tail_of_a_longer_number():
    """The real lexicon holds 5000元 and 5万元: 25000元 and 15万元 must not match them."""
    from pathlib import Path

    from assistant.lexicon import LEXICON_FILE

    lex = Lexicon(load_entries(Path(__file__).resolve().parents[2] / "corpus" / LEXICON_FILE))
    assert "5000元" in [zh for zh, _ in lex.translate("单次限值5000元吗").matches]
    for q, wrong in (("我买了25000元的东西", "5000元"), ("货值15万元会怎样", "5万元")):
        assert wrong not in [zh for zh, _ in lex.translate(q).matches], q


def test_no_guessed_words_glue_a_topic_character_to_grammar():
    """Without HMM guessing, 货 and 罚 stay themselves in 我的货是假的…要罚多少 (the guesser made 货是
    and 要罚, which match nothing), and a lone grammar character (又, 跟) is not a topic word."""
    lex = Lexicon([Entry("货", "goods", "colloquial"), Entry("罚", "fine", "colloquial"),
                   Entry("假的", "counterfeit fake", "colloquial"), Entry("海关", "customs", "party")])
    words = lex.content_tokens("品牌方说我的货是假的，海关要罚多少钱")
    assert {"货", "罚", "假的", "海关"} <= set(words), words
    assert not any(len(w) == 1 and w not in ("货", "罚") for w in words), words
    assert "跟" not in lex.content_tokens("海关有没有权查我们公司的合同跟账本")
