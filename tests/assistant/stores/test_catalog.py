"""What the index holds, read from chunk metadata, and the index state file."""

from assistant.stores import catalog


def test_filter_options_and_documents():
    metas = [
        {"doc_id": "a", "title": "A", "doc_type": "law", "mode_codes": ",9610,", "code_9610": True, "topic_tax": True},
        {"doc_id": "a", "title": "A", "doc_type": "law", "code_9610": True},
        {"doc_id": "b", "title": "B", "doc_type": "case", "status": "superseded", "topic_cases": True},
    ]
    assert catalog.filter_options(metas) == {"doc_types": ["case", "law"], "mode_codes": ["9610"], "topics": ["cases", "tax"]}
    rows = catalog.documents(metas)
    assert [(r.title, r.chunks, r.status) for r in rows] == [("B", 1, "superseded"), ("A", 2, "")]
    assert catalog.titles(metas) == {"a": "A", "b": "B"}


def test_state_round_trip_and_unreadable_state(settings):
    assert catalog.read_state(settings) is None
    settings.data_dir.mkdir(parents=True)
    written = catalog.write_state(settings, 3, 7, "fp")
    assert catalog.read_state(settings) == written and written.chunks == 7
    catalog.state_path(settings).write_text("{not json")
    assert catalog.read_state(settings) is None
