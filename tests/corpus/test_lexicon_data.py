"""The bilingual lexicon as data: well formed, no duplicates, every entry reaches the corpus."""

import json
import re
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.lexicon import LEXICON_FILE, load_entries
from ingest.pipeline import load_corpus
from ingest.splitter import split_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
ENTRIES = load_entries(CORPUS / LEXICON_FILE)


@pytest.fixture(scope="module")
def corpus_text() -> str:
    settings = Settings.from_env({}, corpus_dir=CORPUS)
    docs, _, _ = load_corpus(CORPUS, settings)
    return " ".join(c.page_content for d in docs for c in split_document(d)).lower()


def test_size_and_no_duplicates():
    assert len(ENTRIES) >= 300
    keys = [e.zh.strip("《》") for e in ENTRIES]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    assert not dupes, dupes


def test_official_names_of_the_main_instruments_are_there():
    names = {e.zh for e in ENTRIES if e.kind == "instrument"}
    assert "《中华人民共和国知识产权海关保护条例》" in names
    assert any("2018年第194号" in n for n in names) and any("财关税〔2018〕49号" in n for n in names)


def test_every_entry_reaches_at_least_one_passage(corpus_text):
    """The English an entry maps to must be words the corpus uses, or retrieval gains nothing."""
    missing = []
    for e in ENTRIES:
        words = [w for w in re.findall(r"[a-z0-9][a-z0-9'-]*", e.en.lower()) if len(w) > 2] or [e.en.lower()]
        if not any(re.search(r"(?<![a-z0-9])" + re.escape(w) + r"(?![a-z0-9])", corpus_text) for w in words):
            missing.append((e.zh, e.en))
    assert not missing, json.dumps(missing[:10], ensure_ascii=False)
