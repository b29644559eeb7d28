"""Feedback on answers (thumbs up/down, optional comment), kept in SQLite.

Each row holds what is needed to judge the answer later without the app: the question, the
answer text, its citations (JSON), the settings it was produced with (JSON, secrets masked)
and a UTC timestamp. The web chat writes to ``{data_dir}/feedback.sqlite``; the evaluation
page reads it.

Rows are keyed by ``answer_id``: rating the same answer again, or adding a comment to it,
updates its row (the latest opinion counts) instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.config import mask_secrets

RATINGS = {0: "thumbs down", 1: "thumbs up"}  # st.feedback("thumbs") returns 0 or 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL UNIQUE,
    ts TEXT NOT NULL,
    rating INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    settings TEXT NOT NULL,
    backend TEXT NOT NULL DEFAULT '',
    filters TEXT NOT NULL DEFAULT ''
)
"""


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    answer_id: str
    ts: str  # ISO 8601, UTC
    rating: int  # 1 thumbs up, 0 thumbs down
    comment: str
    question: str
    answer: str
    citations: list[dict]
    settings: dict
    backend: str
    filters: str

    @property
    def rating_label(self) -> str:
        return RATINGS.get(self.rating, str(self.rating))

    def to_dict(self) -> dict:
        return asdict(self)


class FeedbackStore:
    """Feedback rows in one SQLite file; safe to use from several threads (one connection per call)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(str(self.path), timeout=10)

    def add(
        self,
        *,
        rating: int,
        question: str,
        answer: str,
        citations: Sequence[Mapping[str, Any]] = (),
        settings: Mapping[str, Any] | None = None,
        comment: str = "",
        answer_id: str | None = None,
        backend: str = "",
        filters: str = "",
        ts: dt.datetime | None = None,
    ) -> int:
        """Store feedback and return its row id.

        ``settings`` should be `Settings.public_dict()`; secrets are masked again here in case a
        caller passed raw values. With the ``answer_id`` of an earlier call the row is updated:
        the new rating replaces the old one, and a non-empty comment replaces the old comment.
        """
        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {sorted(RATINGS)} (thumbs down/up), not {rating!r}")
        when = (ts or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        row = {
            "answer_id": answer_id or uuid.uuid4().hex,
            "ts": when.isoformat(timespec="seconds"),
            "rating": int(rating),
            "comment": comment.strip(),
            "question": question,
            "answer": answer,
            "citations": json.dumps([dict(c) for c in citations], ensure_ascii=False, default=str),
            "settings": json.dumps(mask_secrets(settings or {}), ensure_ascii=False, default=str),
            "backend": backend,
            "filters": filters,
        }
        cols = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        with closing(self._connect()) as db, db:
            db.execute(
                f"INSERT INTO feedback ({cols}) VALUES ({marks}) "
                "ON CONFLICT(answer_id) DO UPDATE SET ts = excluded.ts, rating = excluded.rating, "
                "comment = CASE WHEN excluded.comment != '' THEN excluded.comment ELSE feedback.comment END",
                row,
            )
            (rid,) = db.execute("SELECT id FROM feedback WHERE answer_id = ?", (row["answer_id"],)).fetchone()
        return int(rid)

    def list(self, limit: int | None = None) -> list[FeedbackRecord]:
        """Feedback rows, newest first."""
        sql = "SELECT id, answer_id, ts, rating, comment, question, answer, citations, settings, backend, filters FROM feedback ORDER BY ts DESC, id DESC"
        params: tuple = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (int(limit),)
        with closing(self._connect()) as db:
            rows = db.execute(sql, params).fetchall()
        return [
            FeedbackRecord(
                id=r[0], answer_id=r[1], ts=r[2], rating=r[3], comment=r[4], question=r[5], answer=r[6],
                citations=json.loads(r[7]), settings=json.loads(r[8]), backend=r[9], filters=r[10],
            )
            for r in rows
        ]

    def __len__(self) -> int:
        with closing(self._connect()) as db:
            return int(db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])
