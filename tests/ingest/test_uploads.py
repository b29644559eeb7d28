"""Uploads: checked, saved, indexed, rolled back (no UI involved)."""

import shutil

from ingest.state import discover
from ingest.uploads import Upload, corpus_hashes, index_uploads, safe_upload_name
from tests.conftest import FIXTURES


def _corpus(settings, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    return settings.replace(corpus_dir=corpus)


def test_safe_names():
    assert safe_upload_name("../../etc/pass wd.PDF") == "pass-wd.pdf"
    assert safe_upload_name("...") == "document"


def test_upload_indexed_duplicate_refused_unreadable_rolled_back(settings, tmp_path):
    s = _corpus(settings, tmp_path)
    steps = []
    good = Upload("Note.md", b"---\ntitle: Upload note\n---\n# Upload note\n\nThe widget levy is RMB 7 per piece.\n")
    report = index_uploads([good], s, progress=lambda f, t: steps.append(t))
    assert report.indexed and report.ok[0].startswith("Note.md: indexed as `uploads/Note.md`")
    assert steps[-1] == "Done" and (s.corpus_dir / "uploads" / "Note.md").exists()
    again = index_uploads([good, Upload("x.exe", b"MZ"), Upload("empty.txt", b"  ")], s)
    assert not again.indexed
    assert any("already in the corpus" in p for p in again.problems)
    assert any("unsupported file type .exe" in p for p in again.problems)
    assert any("empty.txt: cannot be read (empty file)" in p for p in again.problems)
    assert not (s.corpus_dir / "uploads" / "empty.txt").exists()
    assert len(corpus_hashes(s.corpus_dir)) == len(discover(s.corpus_dir))


def test_indexing_failure_removes_the_saved_files(settings, tmp_path, monkeypatch):
    s = _corpus(settings, tmp_path)

    def broken(*a, **k):
        raise RuntimeError("store gone")

    monkeypatch.setattr("ingest.pipeline.run_ingest", broken)
    report = index_uploads([Upload("n.txt", b"Article 1 Some rule text that is long enough.")], s)
    assert not report.indexed and "Indexing failed (RuntimeError: store gone)" in report.problems[0]
    assert not (s.corpus_dir / "uploads" / "n.txt").exists()
