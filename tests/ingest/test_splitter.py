from assistant.schema import passage_text
from ingest.converters import SourceDocument, load_file
from ingest.splitter import article_label, split_document
from tests.conftest import FIXTURES

ROOT = FIXTURES / "corpus"


def chunks_of(rel: str, size=400, overlap=60):
    (doc,) = load_file(ROOT / rel, ROOT, 10**7).documents
    return split_document(doc, size, overlap)


def test_article_labels():
    assert article_label("Article 14 — Guarantees") == "Article 14"
    assert article_label("Art. 9 Approval") == "Article 9"
    assert article_label("Articles 12–13 — Application") == "Articles 12–13"
    # The em dash separates the title, even when the title starts with a number.
    assert article_label("Article 10 — 10-year validity") == "Article 10"
    assert article_label("Articles 17 and 21–22 — Assistance") == "Articles 17, 21–22"
    assert article_label("第十四条 海关") == "Article 14"
    assert article_label("Articles of association") is None


def test_markdown_regulation_golden_boundaries():
    got = [(c.metadata["chunk_id"], c.metadata["article"], c.metadata["heading_path"]) for c in chunks_of("regulations/demo-ipr-rules.md")]
    assert got == [
        ("demo-ipr-rules:overview:0", "Overview", ""),
        ("demo-ipr-rules:art-1:0", "Article 1", "Chapter I — General provisions > Article 1 — Purpose"),
        ("demo-ipr-rules:art-2:0", "Article 2", "Chapter I — General provisions > Article 2 — Rights covered"),
        ("demo-ipr-rules:art-9:0", "Article 9", "Chapter II — Recordation > Article 9 — Time to decide"),
        ("demo-ipr-rules:art-10:0", "Article 10", "Chapter II — Recordation > Article 10 — Validity and renewal"),
        ("demo-ipr-rules:art-10:1", "Article 10", "Chapter II — Recordation > Article 10 — Validity and renewal"),
        ("demo-ipr-rules:art-10:2", "Article 10", "Chapter II — Recordation > Article 10 — Validity and renewal"),
    ]


def test_long_article_split_by_paragraph_keeps_text_and_label():
    pieces = [c for c in chunks_of("regulations/demo-ipr-rules.md") if c.metadata["article"] == "Article 10"]
    bodies = [passage_text(c.page_content, c.metadata) for c in pieces]
    assert bodies[0].startswith("A recordation is valid for 10 years.")
    assert bodies[1].startswith("Second long paragraph")
    assert bodies[2].startswith("Third long paragraph")
    assert all(len(b) <= 400 for b in bodies)


def test_title_and_heading_path_are_embedded_with_the_text():
    c = chunks_of("regulations/demo-ipr-rules.md")[3]
    assert c.page_content.startswith(
        "Demo Rules on Border Protection of Rights\nChapter II — Recordation > Article 9 — Time to decide\n\n"
    )
    assert passage_text(c.page_content, c.metadata) == (
        "The authority decides on a recordation within 30 working days of a complete application."
    )


def test_metadata_carried_by_every_chunk():
    for c in chunks_of("regulations/demo-ipr-rules.md"):
        m = c.metadata
        assert m["title"] == "Demo Rules on Border Protection of Rights"
        assert m["instrument"] == "Demo Decree No. 7"
        assert m["doc_type"] == "regulation"
        assert m["date"] == "2010-03-24" and m["date_num"] == 20100324
        assert m["source_url"] == "https://example.org/demo-rules"
        assert m["topics"] == ",recordation,guarantees," and m["topic_recordation"] is True
        assert m["code_9610"] is True
        assert all(v is not None and not isinstance(v, list) for v in m.values())


def test_plain_text_articles_including_chinese():
    got = [(c.metadata["chunk_id"], passage_text(c.page_content, c.metadata)) for c in chunks_of("notices/demo-tax-notice.txt")]
    assert got == [
        ("demo-tax-notice:art-1:0", "The annual limit for parcel purchases is 1,000 demo units per person."),
        (
            "demo-tax-notice:art-2:0",
            "Within the limit, duty is zero and other taxes are charged at seventy percent.\n"
            "Purchases over the limit are treated as ordinary trade.",
        ),
        ("demo-tax-notice:art-3:0", "本通知自发布之日起施行。"),
    ]


def test_pdf_article_lines_split():
    ids = [c.metadata["chunk_id"] for c in chunks_of("notices/demo-port-rules.pdf")]
    assert ids == ["demo-port-rules:art-1:0", "demo-port-rules:art-2:0"]


def test_case_split_by_heading():
    ids = [(c.metadata["chunk_id"], c.metadata["article"]) for c in chunks_of("cases/demo-case-bracelets.md")]
    assert ids == [
        ("demo-case-bracelets:what-happened:0", "What happened"),
        ("demo-case-bracelets:outcome:0", "Outcome"),
    ]


def test_wrapped_line_starting_with_article_is_not_a_new_article():
    text = (
        "Rules\n\nArticle 1 The holder may ask for release of the goods under the conditions set out in\n"
        "Article 24 of the Regulations, which lists the grounds.\n"
    )
    doc = SourceDocument("w", text, "w.txt", {"title": "Rules"}, structured=False)
    ids = [c.metadata["chunk_id"] for c in split_document(doc)]
    assert ids == ["w:art-1:0"]


def test_jsonl_record_keeps_id_and_split_record_gets_suffix():
    short = SourceDocument("rec-9", "short text", "r.jsonl", {"title": "R"}, structured=False, record=True)
    assert [c.metadata["chunk_id"] for c in split_document(short)] == ["rec-9"]
    long_text = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(4))
    long = SourceDocument("rec-10", long_text, "r.jsonl", {"title": "R"}, structured=False, record=True)
    ids = [c.metadata["chunk_id"] for c in split_document(long, 400, 50)]
    assert ids[0] == "rec-10#0" and len(ids) > 1 and ids[-1] == f"rec-10#{len(ids) - 1}"
