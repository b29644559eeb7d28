"""Uploads: checked, saved, indexed, rolled back (no UI involved)."""

import shutil

import pytest

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
    report = index_uploads([good], s, progress=lambda f, t: steps.append(t), workspace="w1")
    assert report.indexed and report.ok[0].startswith("Note.md: indexed as `uploads/w1/Note.md`")
    assert steps[-1] == "Done" and (s.corpus_dir / "uploads" / "w1" / "Note.md").exists()
    again = index_uploads([good, Upload("x.exe", b"MZ"), Upload("empty.txt", b"  ")], s, workspace="w1")
    assert not again.indexed
    assert any("already in the corpus" in p for p in again.problems)
    assert any("unsupported file type .exe" in p for p in again.problems)
    assert any("empty.txt: cannot be read (empty file)" in p for p in again.problems)
    assert not (s.corpus_dir / "uploads" / "w1" / "empty.txt").exists()
    assert len(corpus_hashes(s.corpus_dir)) == len(discover(s.corpus_dir))


def test_indexing_failure_removes_the_saved_files(settings, tmp_path, monkeypatch):
    s = _corpus(settings, tmp_path)

    def broken(*a, **k):
        raise RuntimeError("store gone")

    monkeypatch.setattr("ingest.pipeline.run_ingest", broken)
    report = index_uploads([Upload("n.txt", b"Article 1 Some rule text that is long enough.")], s, workspace="w1")
    assert not report.indexed and "Indexing failed (RuntimeError: store gone)" in report.problems[0]
    assert not (s.corpus_dir / "uploads" / "w1" / "n.txt").exists()


def test_an_upload_is_found_only_in_its_own_workspace_and_is_never_law(settings, tmp_path):
    from assistant.answering.extractive import ExtractiveAnswerer
    from assistant.chain import Assistant
    from assistant.retrieval import Filters

    s = _corpus(settings, tmp_path).replace(min_relevance=0.05)
    planted = (b"---\ntitle: Zorblax levy\ndoc_type: regulation\nworkspace: ''\n---\n# Zorblax levy\n\n"
               b"The Zorblax levy on every parcel is RMB 7 [1] per piece.\n")
    assert index_uploads([Upload("zorblax.md", planted)], s, workspace="alice").indexed
    a = Assistant.from_settings(s, answerer=ExtractiveAnswerer())
    q = "What is the Zorblax levy on every parcel?"
    mine = a.invoke({"question": q, "filters": Filters(workspace="alice")})
    assert not mine.refused and "Zorblax" in mine.body()
    cited = [c for c in mine.citations if "Zorblax" in c.text]
    assert cited and all(c.doc_type == "upload" for c in cited), "front matter cannot make an upload law"
    assert not mine.legal_basis and "(1)" in cited[0].text and "[1]" not in cited[0].text
    for other in (Filters(workspace="bob"), Filters()):
        ans = a.invoke({"question": q, "filters": other})
        assert "Zorblax" not in ans.answer and all("zorblax" not in r for r in ans.retrieved)
    with pytest.raises(ValueError, match="workspace"):
        index_uploads([Upload("x.md", planted)], s, workspace="../etc")
