from pathlib import Path

import pytest

from ingest.converters import LoadError, load_file
from tests.conftest import FIXTURES

ROOT = FIXTURES / "corpus"
BIG = 10**7


def load(rel: str):
    return load_file(ROOT / rel, ROOT, BIG).documents


def test_markdown_front_matter_becomes_metadata():
    (doc,) = load("regulations/demo-ipr-rules.md")
    assert doc.doc_id == "demo-ipr-rules"
    assert doc.source == "regulations/demo-ipr-rules.md"
    assert doc.metadata["issued"] == "2010-03-24"  # YAML date -> ISO string
    assert doc.metadata["topics"] == ["recordation", "guarantees"]
    assert doc.metadata["mode_codes"] == ["9610"]
    assert doc.structured and doc.text.lstrip().startswith("# Demo Rules")


def test_plain_text_title_from_first_line_and_unstructured():
    (doc,) = load("notices/demo-tax-notice.txt")
    assert doc.metadata["title"] == "Demo Tax Notice on Parcels"
    assert not doc.structured


def test_pdf_text_is_extracted():
    (doc,) = load("notices/demo-port-rules.pdf")
    assert "Article 2 Suspected goods are held for five working days." in doc.text
    assert doc.metadata["pages"] == 1


def test_html_main_text_without_navigation():
    (doc,) = load("notices/demo-guide.html")
    assert doc.metadata["title"] == "Demo Guide to Detention"
    assert "three working days" in doc.text
    assert "Home | About" not in doc.text
    assert "## Reply in time" in doc.text or "Reply in time" in doc.text


def test_docx_headings_become_markdown_headings():
    (doc,) = load("notices/demo-memo.docx")
    assert doc.metadata["title"] == "Demo Memo on Guarantees"
    assert "## Guarantee amounts" in doc.text
    assert doc.structured


def test_jsonl_records_keep_their_ids():
    docs = load("notices/demo-records.jsonl")
    assert [d.doc_id for d in docs] == ["rec-1", "rec-2"]
    assert docs[0].metadata["topics"] == ["returns"]
    assert all(d.record for d in docs)


def test_jsonl_bad_lines_reported_good_ones_kept(tmp_path: Path):
    f = tmp_path / "r.jsonl"
    f.write_text('{"id": "a", "text": "fine"}\nnot json\n{"text": "no id"}\n{"id": "a", "text": "dup"}\n')
    res = load_file(f, tmp_path, BIG)
    assert [d.doc_id for d in res.documents] == ["a"]
    assert len(res.errors) == 3
    assert "line 2: invalid JSON" in res.errors[0]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
        ("latin1.txt", "Zollbeh\u00f6rde".encode("latin-1"), "not valid UTF-8"),
        ("broken.pdf", b"%PDF-1.4\nthis is not a pdf at all", "PDF"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "DOCX"),
        ("frontmatter.md", b"---\ntitle: [unclosed\n---\nbody", "invalid YAML front matter"),
        ("image.png", b"\x89PNG", "unsupported file type .png"),
    ],
)
def test_bad_files_raise_a_clear_reason(tmp_path: Path, name, content, reason):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(LoadError, match=reason.replace(".", r"\.").replace("(", r"\(")):
        load_file(f, tmp_path, BIG)


def test_size_cap(tmp_path: Path):
    f = tmp_path / "big.txt"
    f.write_text("x" * 5000)
    with pytest.raises(LoadError, match="over the"):
        load_file(f, tmp_path, 1000)


def test_missing_parser_library_names_the_package_and_stops_the_run(tmp_path, monkeypatch, capsys):
    """A broken install is never reported as a bad document (it once failed every HTML file)."""
    import ingest.converters as conv
    from ingest.__main__ import main as ingest_main
    from ingest.converters import MissingDependencyError

    def needs_missing(path, root):
        raise ModuleNotFoundError("No module named 'lxml_html_clean'", name="lxml_html_clean")

    monkeypatch.setitem(conv.CONVERTERS, ".html", needs_missing)
    page = tmp_path / "c" / "page.html"
    page.parent.mkdir()
    page.write_text("<html><body><p>Hello</p></body></html>")
    with pytest.raises(MissingDependencyError, match="needs the Python package 'lxml_html_clean'"):
        load_file(page, page.parent, 10**6)
    monkeypatch.setenv("CBEC_EMBEDDER", "hashing:16")
    monkeypatch.setenv("CBEC_DATA_DIR", str(tmp_path / "data"))
    assert ingest_main(["--corpus", str(page.parent), "--quiet"]) == 2
    assert "lxml_html_clean" in capsys.readouterr().err
