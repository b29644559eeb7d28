"""The knowledge corpus: every file's front matter is complete and consistent, and it ingests cleanly."""

import datetime as dt
from pathlib import Path

import frontmatter
import pytest

from ingest.pipeline import run_ingest

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FILES = sorted(CORPUS.rglob("*.md"))
DOC_TYPES = {"regulation", "announcement", "tax_notice", "law", "case", "article", "guide", "statistics"}
STATUSES = {"in_force", "amended", "superseded"}
TOPICS = set(
    """modes trading_entities declaration identity_checks positive_list personal_use tax returns consumer_protection
    pilot_zones ecommerce_law platform_liability ipr_framework rights_covered recordation application_protection
    ex_officio_protection guarantees investigation release confiscation_disposal criminal_referral penalties
    personal_articles credit campaigns statistics cases compliance glossary""".split()
)
# `issued` is left out only where no source gives even the year (said in the document's text).
REQUIRED = ("title", "doc_type", "instrument", "issuer", "status", "source_url", "topics", "language")
IDS = {f.stem for f in FILES}


def test_corpus_has_at_least_40_documents_with_unique_ids():
    assert len(FILES) >= 40
    assert len(IDS) == len(FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_front_matter(path: Path):
    meta = frontmatter.load(path).metadata
    missing = [k for k in REQUIRED if not meta.get(k)]
    assert not missing, f"missing {missing}"
    assert meta["doc_type"] in DOC_TYPES
    assert meta["status"] in STATUSES
    assert meta["language"] == "en"
    assert set(meta["topics"]) <= TOPICS, set(meta["topics"]) - TOPICS
    for key in ("issued", "effective"):
        if key in meta:
            value = meta[key]
            assert isinstance(value, dt.date) or dt.date.fromisoformat(str(value)), f"{key} does not parse"
    if meta["status"] == "superseded":
        assert meta.get("superseded_by") in IDS, "superseded_by must name an existing document"
    assert str(meta["source_url"]).startswith(("http://", "https://"))
    for code in meta.get("mode_codes", []):
        assert str(code) in {"9610", "1210", "1239", "9710", "9810"}


def test_corpus_ingests_without_failures(settings):
    report = run_ingest(settings, corpus=CORPUS)
    assert report.failed == [] and report.documents == len(FILES)
    assert report.chunks > 5 * len(FILES)


def test_body_text_has_no_document_ids_and_no_sentences_about_documents():
    """Provenance and cross-references live in front matter (`see_also`), never in answerable text."""
    from assistant.config import Settings
    from assistant.readability import has_slug, is_meta
    from assistant.text import split_sentences
    from ingest.pipeline import load_corpus
    from ingest.splitter import split_document

    settings = Settings.from_env({}, corpus_dir=CORPUS)
    docs, _, _ = load_corpus(CORPUS, settings)
    bad = []
    for d in docs:
        for c in split_document(d, settings.chunk_size, settings.chunk_overlap):
            body = c.page_content[c.metadata["body_offset"]:]
            for s in split_sentences(body):
                if s.startswith("#"):
                    continue
                if has_slug(s) or is_meta(s):
                    bad.append((c.metadata["chunk_id"], s[:100]))
    assert not bad, bad[:10]
