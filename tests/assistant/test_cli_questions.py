"""The command line: bad bytes are replaced per line and reported, every other line is answered."""

from assistant.cli import clean_argument, read_questions


def test_questions_file_splits_on_newlines_only_and_survives_bad_bytes(tmp_path, capsys):
    p = tmp_path / "q.txt"
    p.write_bytes("What is 9610?\u2028still the same question\n".encode() + b"caf\xe9 latin-1 line\r\n\nLast one\x0b too\n")
    assert read_questions(p) == ["What is 9610?\u2028still the same question", "caf\ufffd latin-1 line", "Last one\x0b too"]
    assert "q.txt:2: not valid UTF-8" in capsys.readouterr().err


def test_argument_with_undecodable_bytes_is_replaced_not_a_traceback(capsys):
    arg = b"limit \xff?".decode("utf-8", "surrogateescape")
    assert clean_argument(arg) == "limit \ufffd?"
    assert "not UTF-8" in capsys.readouterr().err


def test_english_text_in_a_chinese_answer_keeps_full_width_lines():
    from assistant.chain import Answer
    from assistant.cli import render_text

    english = "Since March 2020, GACC Announcement 2020 No. 45 has set the deadlines for CBEC retail import returns."
    a = Answer("可以退货吗", english + " [1]", False, [], "extractive", {}, short_answer=english + " [1]", lang="zh")
    first = render_text(a).splitlines()[0]
    assert len(first) > 60, first


def test_chinese_lines_break_between_characters_and_keep_the_marker_with_its_text():
    from assistant.cli import wrap_cjk

    basis = "[1] 《关于跨境电子商务零售进口商品退货有关监管事宜的公告》第4部分（2020-03，现行有效）"
    assert wrap_cjk(basis, 100, "  - ") == "  - " + basis  # 90 columns: one line, not "[1]" alone
    long = "退货申请须在海关放行之日起30日内提出，退货商品须在放行之日起45日内运抵原监管作业场所 CBEC [1][2]。" * 2
    lines = wrap_cjk(long, 60, "  ").split("\n")
    widths = [sum(2 if "\u3000" <= ch <= "\uffef" or "\u4e00" <= ch <= "\u9fff" else 1 for ch in x) for x in lines]
    assert len(lines) > 2 and max(widths) <= 60 and all(x.startswith("  ") for x in lines)
    assert "".join(x.strip() for x in lines).replace(" ", "") == long.replace(" ", "")  # nothing lost
    assert not any(x.rstrip().endswith("CB") for x in lines)  # an ASCII word is never split
