"""Draft memos: content comes only from the answer and its cited passages."""

from __future__ import annotations

import datetime as dt
import io

import docx

from assistant.chain import DISCLAIMER, REFUSAL, Answer
from assistant.citations import Citation
from assistant.outputs.memo import NONE_FOUND, memo_docx, memo_filename, memo_markdown

WHEN = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def cite(marker: int, text: str, **kw) -> Citation:
    base = dict(
        id=f"doc-{marker}:art:0", title=f"Rules {marker}", instrument=f"Decree No. {marker}", article=f"Article {marker}",
        source_url=f"https://example.org/{marker}", date=f"2020-01-0{marker}", text=text, score=0.5,
        doc_type="regulation",
    )
    base.update(kw)
    return Citation(marker=marker, **base)


def answer(question: str, body: str, citations: list[Citation], notes=(), **kw) -> Answer:
    return Answer(
        question=question, answer="\n\n".join([body, *notes, DISCLAIMER]), refused=False, citations=citations,
        backend="extractive", timings_ms={"total": 1.0}, body_text=body, notes=list(notes), **kw,
    )


GUIDE = cite(3, "Sellers should keep their authorisations.", doc_type="guide", title="Seller guide")
C1 = cite(1, "A recordation is valid for 10 years.\n\n- **Right holders should file** the renewal within 6 months before expiry.")
C2 = cite(
    2,
    "Goods found to infringe are confiscated and the consignee may be fined up to 30% of their value. "
    "The decision is published.\n\n| Fine | Amount |\n| --- | --- |",
    status="superseded", superseded_by="demo-new",
)
ANSWER = answer(
    "How long is a recordation valid?",
    "A recordation is valid for 10 years [1].",
    [C1, C2, GUIDE],
    notes=["Note: source [2] (Rules 2) is superseded; it was replaced by New Rules."],
    short_answer="A recordation is valid for 10 years [1].",
    key_points=["Infringing goods are confiscated [2].", "Sellers should keep their authorisations [3]."],
    what_to_do=["File the renewal within 6 months before expiry [1]."],
)


def test_markdown_memo_sections():
    md = memo_markdown([("How long is a recordation valid?", ANSWER)], generated=WHEN)
    assert md.startswith("# Draft compliance memo: How long is a recordation valid?")
    assert "Prepared 2026-11-24 09:30 UTC" in md
    short = md.split("### Short answer\n\n")[1].split("\n\n###")[0]
    assert short == "A recordation is valid for 10 years [1]."
    points = md.split("### Key points\n\n")[1].split("\n\n###")[0]
    assert points == "- Infringing goods are confiscated [2].\n- Sellers should keep their authorisations [3]."
    basis = md.split("### Legal basis\n\n")[1].split("\n\n###")[0]
    assert "- [1] Decree No. 1, Article 1 (2020-01-01; regulation) - Rules 1 - https://example.org/1" in basis
    assert "(2020-01-02; regulation; superseded by demo-new)" in basis
    assert "Seller guide" not in basis, "a guide is never legal basis"
    assert "- Note: source [2] (Rules 2) is superseded" in md
    assert "### What to do\n\n1. File the renewal within 6 months before expiry [1]." in md
    assert "1. Rules 1, Article 1 (Decree No. 1; 2020-01-01) <https://example.org/1>" in md
    assert "3. Seller guide, Article 3" in md.split("### Sources")[1]
    assert "**(superseded)**" in md
    assert md.count(DISCLAIMER) == 1 and "**Not legal advice.**" in md


def test_only_guides_cited_means_no_legal_basis_and_empty_parts_are_left_out():
    plain = answer("What is 9610?", "9610 is a customs code [1].", [cite(1, "9610 is a customs code.", doc_type="guide")],
                   short_answer="9610 is a customs code [1].")
    md = memo_markdown([("What is 9610?", plain)], generated=WHEN)
    assert md.split("### Legal basis\n\n")[1].split("\n\n")[0] == f"- {NONE_FOUND}"
    assert "### Key points" not in md and "### What to do" not in md


def test_refused_answer_memo_has_no_invented_basis():
    refused = Answer(
        question="Cake?", answer=REFUSAL + " Closest topics I do cover: Rules 1.\n\n" + DISCLAIMER, refused=True,
        citations=[], backend="extractive", timings_ms={}, suggestions=["Rules 1"], body_text=REFUSAL,
    )
    md = memo_markdown([("Cake?", refused)], generated=WHEN)
    assert "Closest topics I do cover: Rules 1." in md
    assert md.split("### Legal basis\n\n")[1].startswith(f"- {NONE_FOUND}")
    assert md.split("### Sources\n\n")[1].startswith(NONE_FOUND)


def test_conversation_memo_numbers_questions_and_escapes_markdown():
    second = answer("Fee in $?", "The fee is $0 [1].", [cite(1, "The fee is $0 since 2015.")])
    md = memo_markdown([("How long is a recordation valid?", ANSWER), ("Fee in $?", second)], generated=WHEN)
    assert md.startswith("# Draft compliance memo\n")
    assert "## 1. How long is a recordation valid?" in md and "## 2. Fee in \\$?" in md
    assert "The fee is \\$0 [1]." in md


def test_docx_memo_has_the_same_content():
    data = memo_docx([("How long is a recordation valid?", ANSWER)], generated=WHEN)
    d = docx.Document(io.BytesIO(data))
    paras = [p.text for p in d.paragraphs]
    headings = [p.text for p in d.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Draft compliance memo: How long is a recordation valid?"
    for h in ("Question", "Short answer", "Key points", "Legal basis", "What to do", "Sources", "Not legal advice"):
        assert h in headings
    assert "A recordation is valid for 10 years [1]." in paras and "Infringing goods are confiscated [2]." in paras
    assert any(p.startswith("[1] Decree No. 1, Article 1") and p.endswith("https://example.org/1") for p in paras)
    assert "File the renewal within 6 months before expiry [1]." in paras
    assert any(DISCLAIMER in p for p in paras)
    assert d.core_properties.title.startswith("Draft compliance memo")


def test_file_names():
    assert memo_filename([("What is the annual limit for CBEC imports?", ANSWER)], "md") == (
        "memo-what-is-the-annual-limit-for-cbec-imports.md"
    )
    assert memo_filename([("a", ANSWER), ("b", ANSWER)], ".docx") == "memo-conversation.docx"
