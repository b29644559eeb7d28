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
