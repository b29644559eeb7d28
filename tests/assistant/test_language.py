"""Language follows the user: detected per question, mixed text included."""

from assistant.language import Lang, detect, text


def test_detection_by_script():
    assert detect("海关扣了我的货怎么办？") is Lang.ZH
    assert detect("9610模式能退货吗") is Lang.ZH
    assert detect("Can I ship branded phone cases under 9610?") is Lang.EN
    assert detect("What does 依职权保护 mean in English?") is Lang.EN  # one term inside an English question


def test_every_interface_text_exists_in_both_languages():
    assert text("legal_basis", "zh") == "法律依据" and text("legal_basis", Lang.EN) == "Legal basis"
    assert "不构成法律意见" in text("disclaimer", "zh")


def test_article_and_status_labels_follow_the_language():
    from assistant.citations import Citation
    from assistant.language import article_text, chinese_number, status_text

    assert article_text("Article 24", "zh") == "第二十四条" and article_text("Articles 17–21", "zh") == "第十七至二十一条"
    assert article_text("Articles 17, 21–22", "zh") == "第十七条、第二十一至二十二条"
    assert [chinese_number(n) for n in (10, 14, 105, 110, 213)] == ["十", "十四", "一百零五", "一百一十", "二百一十三"]
    assert article_text("Section 4", "zh") == "第4部分" and article_text("Overview", "zh") == ""
    assert status_text("in_force", "zh") == "现行有效" and status_text("superseded", "en") == "superseded"
    c = Citation(1, "x", "Regulations of the PRC on Customs Protection of IPR", "Decree No. 395", "Article 24", "",
                 "2003-12-02", "text", 1.0, doc_type="regulation", title_zh="《中华人民共和国知识产权海关保护条例》")
    assert c.basis_label("zh") == "《中华人民共和国知识产权海关保护条例》第二十四条（2003-12-02，现行有效）"
    assert c.basis_label("en").endswith("(Decree No. 395; 2003-12-02) (in force)")
