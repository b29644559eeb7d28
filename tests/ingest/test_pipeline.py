import json

from assistant.embedders import make_embedder
from assistant.stores.chroma import open_store
from ingest.__main__ import main as ingest_main
from ingest.pipeline import run_ingest


def stored_ids(settings):
    store = open_store(settings, make_embedder(settings))
    return sorted(c.chunk_id for c in store.iter_chunks())


def test_first_run_adds_second_run_embeds_nothing(settings, corpus):
    first = run_ingest(settings, corpus=corpus)
    assert first.ok, first.failed
    assert first.documents == 9 and first.added == first.chunks > 15
    second = run_ingest(settings, corpus=corpus)
    assert (second.added, second.updated, second.deleted, second.embedded) == (0, 0, 0, 0)
    assert second.skipped == first.chunks


def test_changed_chunk_is_updated_and_deleted_file_removed(settings, corpus):
    run_ingest(settings, corpus=corpus)
    f = corpus / "cases" / "demo-case-bracelets.md"
    f.write_text(f.read_text().replace("exporter was fined.", "exporter was fined 600 units."))
    (corpus / "notices" / "demo-records.jsonl").unlink()
    r = run_ingest(settings, corpus=corpus)
    assert (r.added, r.updated, r.deleted) == (0, 1, 2)
    assert r.embedded == 1
    ids = stored_ids(settings)
    assert "rec-1" not in ids and "demo-case-bracelets:outcome:0" in ids


def test_bad_files_reported_rest_ingested_and_nothing_lost(settings, corpus):
    first = run_ingest(settings, corpus=corpus)
    before = stored_ids(settings)
    # break a file that was indexed, and add new broken ones
    (corpus / "cases" / "demo-case-bracelets.md").write_bytes(b"\x00\x01\x02 binary now")
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "bad.pdf").write_bytes(b"%PDF-1.4 garbage")
    (corpus / "latin.txt").write_bytes("Geb\u00fchr".encode("latin-1"))
    (corpus / "new.md").write_text("# New\n\n## Article 3 — New\n\nA new article.\n")
    r = run_ingest(settings, corpus=corpus)
    reasons = {f.path: f.reason for f in r.failed}
    assert set(reasons) == {"cases/demo-case-bracelets.md", "empty.md", "bad.pdf", "latin.txt"}
    assert "binary" in reasons["cases/demo-case-bracelets.md"]
    after = stored_ids(settings)
    assert set(before) <= set(after), "a failed file's chunks must stay in the index"
    assert "new:art-3:0" in after
    assert r.deleted == 0 and r.added == 1 and first.ok


def test_rebuild_reindexes_everything(settings, corpus):
    first = run_ingest(settings, corpus=corpus)
    again = run_ingest(settings, corpus=corpus, rebuild=True)
    assert again.added == first.chunks and again.skipped == 0


def test_cli_json_twice_and_exit_status(settings, corpus, capsys, monkeypatch):
    monkeypatch.setenv("CBEC_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CBEC_EMBEDDER", "hashing:128")
    assert ingest_main(["--corpus", str(corpus), "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert ingest_main(["--corpus", str(corpus), "--json"]) == 0
    two = json.loads(capsys.readouterr().out)
    assert one["added"] > 0 and (two["added"], two["updated"]) == (0, 0)
    (corpus / "broken.pdf").write_bytes(b"nope")
    assert ingest_main(["--corpus", str(corpus), "--json"]) == 1
    three = json.loads(capsys.readouterr().out)
    assert three["failed"][0]["path"] == "broken.pdf"
    assert ingest_main(["--corpus", str(corpus / "missing")]) == 2


def test_cli_says_when_the_embedding_model_is_not_on_this_machine(settings, corpus, capsys, monkeypatch):
    """A model name that is no local folder (the machine reaches no hub) is a configuration
    mistake: one clear line and exit status 2, no traceback."""
    monkeypatch.setenv("CBEC_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CBEC_EMBEDDER", "st:no-such-model-anywhere")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert ingest_main(["--corpus", str(corpus), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "no-such-model-anywhere" in err and "bundled:all-MiniLM-L6-v2" in err
    assert "Traceback" not in err


def test_bm25_index_follows_ingests(settings, corpus):
    from assistant.retrieval import bm25

    run_ingest(settings, corpus=corpus)
    store = open_store(settings, make_embedder(settings))
    idx = bm25.load_current(settings, store)
    top = idx.search("bracelets jewellery", 3)
    assert idx.metadatas[top[0][0]]["doc_id"] == "demo-case-bracelets"
    (corpus / "cases" / "demo-case-bracelets.md").unlink()
    run_ingest(settings, corpus=corpus)
    idx = bm25.load_current(settings, store)
    assert all(m["doc_id"] != "demo-case-bracelets" for m in idx.metadatas)


def test_is_current_follows_the_corpus(settings, corpus):
    import os

    from ingest.state import is_current

    assert not is_current(settings, corpus)  # never ingested
    run_ingest(settings, corpus=corpus)
    assert is_current(settings, corpus)
    f = corpus / "cases" / "demo-case-bracelets.md"
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    assert not is_current(settings, corpus)
    run_ingest(settings, corpus=corpus)
    assert is_current(settings, corpus)
    (corpus / "broken.pdf").write_bytes(b"nope")
    run_ingest(settings, corpus=corpus)
    assert not is_current(settings, corpus), "a run with failures must not vouch for the corpus"
    assert not is_current(settings.replace(chunk_size=500), corpus)
