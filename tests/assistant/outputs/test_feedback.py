"""Feedback store: one row per answer, secrets masked, newest first."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from assistant.config import Settings, mask_secrets
from assistant.outputs.feedback import FeedbackStore


def add(store, **kw):
    base = dict(rating=1, question="Q?", answer="A [1].", citations=[{"marker": 1, "id": "doc:art-1:0"}])
    base.update(kw)
    return store.add(**base)


def test_add_and_list_round_trip(tmp_path):
    store = FeedbackStore(tmp_path / "sub" / "feedback.sqlite")
    settings = Settings.from_env({}, llm_api_key="sk-secret").public_dict()
    rid = add(store, settings=settings, comment=" good ", backend="extractive", filters="doc_type=case")
    (rec,) = store.list()
    assert rec.id == rid and rec.rating == 1 and rec.rating_label == "thumbs up"
    assert (rec.question, rec.answer, rec.comment, rec.backend, rec.filters) == ("Q?", "A [1].", "good", "extractive", "doc_type=case")
    assert rec.citations == [{"marker": 1, "id": "doc:art-1:0"}]
    assert rec.settings["llm_api_key"] == "***" and rec.settings["top_k"] == 6
    assert dt.datetime.fromisoformat(rec.ts).tzinfo is not None
    assert b"sk-secret" not in (tmp_path / "sub" / "feedback.sqlite").read_bytes()


def test_raw_secrets_are_masked_again():
    assert mask_secrets({"llm_api_key": "sk-1", "openai_token": "t", "top_k": 6, "empty_api_key": ""}) == {
        "llm_api_key": "***", "openai_token": "***", "top_k": 6, "empty_api_key": "",
    }


def test_same_answer_updates_its_row(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")
    first = add(store, answer_id="ans-1", rating=1)
    second = add(store, answer_id="ans-1", rating=0, comment="missed the 2018 limit")
    third = add(store, answer_id="ans-1", rating=0)  # no comment: the earlier one stays
    assert first == second == third and len(store) == 1
    (rec,) = store.list()
    assert (rec.rating, rec.comment) == (0, "missed the 2018 limit")


def test_list_newest_first_with_limit(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i in range(3):
        add(store, question=f"Q{i}", ts=t0 + dt.timedelta(minutes=i))
    assert [r.question for r in store.list()] == ["Q2", "Q1", "Q0"]
    assert [r.question for r in store.list(limit=2)] == ["Q2", "Q1"]


def test_bad_rating_refused(tmp_path):
    with pytest.raises(ValueError, match="thumbs"):
        add(FeedbackStore(tmp_path / "f.sqlite"), rating=5)


def test_existing_database_is_reused(tmp_path):
    path = tmp_path / "f.sqlite"
    add(FeedbackStore(path))
    add(FeedbackStore(path), question="again")
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM feedback").fetchone() == (2,)


def test_two_stores_on_one_state_url_keep_each_answer_once(tmp_path):
    """Two serve processes rating through one state URL: every answer lands once, updates included."""
    from assistant.outputs.feedback import FeedbackStore

    url = f"sqlite:///{tmp_path / 'shared' / 'state.sqlite'}"
    one, two = FeedbackStore(url), FeedbackStore(url)
    a = add(one, answer_id="ans-a", question="From A?", rating=1)
    b = add(two, answer_id="ans-b", question="From B?", rating=0)
    assert add(two, answer_id="ans-a", rating=0, comment="changed my mind") == a  # the other process, same row
    assert add(one, answer_id="ans-b", rating=1) == b
    for store in (one, two, FeedbackStore.for_settings(Settings.from_env({}, state_url=url, data_dir=tmp_path / "d"))):
        rows = {r.answer_id: (r.rating, r.comment) for r in store.list()}
        assert rows == {"ans-a": (0, "changed my mind"), "ans-b": (1, "")} and len(store) == 2
    assert not (tmp_path / "d" / "feedback.sqlite").exists()  # the URL, not the data folder


def test_default_store_is_the_data_folders_file(tmp_path):
    from assistant.outputs.feedback import FeedbackStore

    store = FeedbackStore.for_settings(Settings.from_env({}, data_dir=tmp_path / "data"))
    add(store)
    assert store.where == str(tmp_path / "data" / "feedback.sqlite")
    assert sqlite3.connect(tmp_path / "data" / "feedback.sqlite").execute("SELECT COUNT(*) FROM feedback").fetchone() == (1,)


def test_stored_settings_never_carry_the_state_urls_password(tmp_path):
    from assistant.outputs.feedback import FeedbackStore

    public = Settings.from_env({}, state_url="postgresql+psycopg://cbec:pw-123@db:5432/cbec").public_dict()
    store = FeedbackStore(f"sqlite:///{tmp_path / 's.sqlite'}")
    add(store, settings=public)
    assert store.list()[0].settings["state_url"] == "postgresql+psycopg://cbec:***@db:5432/cbec"
    assert b"pw-123" not in (tmp_path / "s.sqlite").read_bytes()


def test_unreachable_state_database_is_one_line_naming_the_setting():
    from assistant.outputs.feedback import FeedbackStore
    from assistant.stores.shared import StateError

    with pytest.raises(StateError) as info:  # a unix socket that does not exist: no network involved
        FeedbackStore("postgresql+psycopg://cbec:pw-123@/cbec?host=/nonexistent-cbec-socket-dir")
    message = str(info.value)
    assert message.startswith("CBEC_STATE_URL='postgresql+psycopg://cbec:***@/cbec") and "\n" not in message
    assert "pw-123" not in message and "OperationalError" in message
