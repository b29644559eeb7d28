"""The knowledge corpus: every file's front matter is complete and consistent, and it ingests cleanly."""

import datetime as dt
from pathlib import Path

import frontmatter
import pytest

from ingest.pipeline import run_ingest

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FILES = sorted(CORPUS.rglob("*.md"))
DOC_TYPES = {"regulation", "announcement", "tax_notice", "law", "case", "article", "guide", "statistics"}
PRIMARY = {"regulation", "announcement", "tax_notice", "law"}
STATUSES = {"in_force", "partly_superseded", "superseded", "expired", "guidance"}
QUALITIES = {"official", "professional", "secondary"}
PRECISIONS = {"day", "month", "year"}
TOPICS = set(
    """modes trading_entities declaration identity_checks positive_list personal_use tax returns consumer_protection
    pilot_zones ecommerce_law platform_liability ipr_framework rights_covered recordation application_protection
    ex_officio_protection guarantees investigation release confiscation_disposal criminal_referral penalties
    personal_articles credit campaigns statistics cases compliance glossary postal export_tax platform_data""".split()
)
REQUIRED = ("title", "doc_type", "instrument", "issuer", "status", "source_url", "source_quality", "topics", "language")
IDS = {f.stem for f in FILES}


def parse_date(value, precision: str | None) -> tuple[dt.date, dt.date]:
    """The earliest and latest day a front-matter date can mean, given its precision.

    `issued: 2023` with `issued_precision: year` spans the whole year; a full date spans one day.
    """
    text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    parts = text.split("-")
    if len(parts) == 1:
        y = int(parts[0])
        assert precision == "year", f"{text}: a year alone needs precision 'year'"
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if len(parts) == 2:
        y, m = int(parts[0]), int(parts[1])
        assert precision == "month", f"{text}: a month alone needs precision 'month'"
        last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
        return dt.date(y, m, 1), dt.date(y, m, last)
    day = dt.date.fromisoformat(text)
    assert precision in (None, "day"), f"{text}: a full date has precision 'day'"
    # The first of a month is how placeholders looked; a true one says so with `_precision: day`.
    assert day.day != 1 or precision == "day", f"{text} looks like a placeholder: give the precision"
    return day, day


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_front_matter(path: Path):
    meta = frontmatter.load(path).metadata
    missing = [k for k in REQUIRED if not meta.get(k)]
    assert not missing, f"missing {missing}"
    assert meta["doc_type"] in DOC_TYPES
    assert meta["status"] in STATUSES
    assert meta["source_quality"] in QUALITIES
    assert meta["language"] == "en"
    assert set(meta["topics"]) <= TOPICS, set(meta["topics"]) - TOPICS
    assert str(meta["source_url"]).startswith(("http://", "https://"))
    for code in meta.get("mode_codes", []):
        assert str(code) in {"9610", "1210", "1239", "9710", "9810"}
    for see in meta.get("see_also", []):
        assert see in IDS, f"see_also names no document: {see}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_dates_are_true_with_their_precision(path: Path):
    meta = frontmatter.load(path).metadata
    spans = {}
    for key in ("issued", "effective", "reviewed", "events_to", "expired_on"):
        if key in meta:
            spans[key] = parse_date(meta[key], meta.get(f"{key}_precision"))
    if meta["status"] == "guidance":
        # Project summaries are reviewed, not issued: a date of issue would pose them as instruments.
        assert "reviewed" in spans and "issued" not in spans
    if meta["doc_type"] in {"case", "statistics"}:
        # A report cannot be dated before the last event it reports.
        assert "events_to" in spans, "cases and statistics say up to when their events run"
        if "issued" in spans:
            assert spans["issued"][1] >= spans["events_to"][0], "issued before the events it reports"
    if "issued" in spans and "effective" in spans:
        assert spans["effective"][1] >= spans["issued"][0], "in force before it was issued"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_status_model_says_what_still_applies(path: Path):
    meta = frontmatter.load(path).metadata
    status = meta["status"]
    if meta["doc_type"] in PRIMARY:
        # The legal basis shows the official number and the Chinese title (issue 11, 12).
        assert meta.get("official_ref"), "an instrument carries its official reference"
        assert meta.get("title_zh"), "an instrument carries its official Chinese title"
        assert status != "guidance", "an instrument is not guidance"
    else:
        assert status in {"guidance", "in_force"} if meta["doc_type"] in {"guide", "article"} else True
    if status in {"superseded", "partly_superseded"}:
        assert meta.get("superseded_by") in IDS, "superseded_by must name an existing document"
    if status == "partly_superseded":
        assert meta.get("still_applies"), "say what still applies"
        assert meta.get("still_applies_zh"), "say it in Chinese too: Chinese answers carry the note"
    if status == "expired":
        assert "expired_on" in meta, "say when it expired"
    if meta["source_quality"] == "official":
        assert meta["doc_type"] != "guide", "our own guides are not official sources"


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
