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
