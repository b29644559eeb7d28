"""Feedback on answers (thumbs up/down, optional comment), in the state database.

Each row holds what is needed to judge the answer later without the app: the question, the
answer text, its citations (JSON), the settings it was produced with (JSON, secrets masked)
and a UTC timestamp. By default the web chat writes to ``{data_dir}/feedback.sqlite``; with
``CBEC_STATE_URL`` set, to the ``feedback`` table of that database, which every serve process
shares (`assistant.stores.shared`). The evaluation page reads the same place.

Rows are keyed by ``answer_id`` (a UUID per answer, unique in the table): rating the same answer
again, or adding a comment to it, updates its row (the latest opinion counts) instead of adding a
second one, and one answer's feedback lands once whichever process writes it, however often.
Written with SQLAlchemy Core, as one ``INSERT … ON CONFLICT (answer_id) DO UPDATE`` (SQLite and
PostgreSQL), so two writers racing on one answer cannot create two rows.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings, mask_secrets
from assistant.stores import shared

RATINGS = {0: "thumbs down", 1: "thumbs up"}  # st.feedback("thumbs") returns 0 or 1

_TABLE = None


def feedback_table():
    """The ``feedback`` table (the columns the SQLite file always had; built on first use, not at import)."""
    global _TABLE
    if _TABLE is None:
        from sqlalchemy import Column, Integer, MetaData, String, Table, Text

        _TABLE = Table(
            "feedback", MetaData(),
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("answer_id", String(64), nullable=False, unique=True),
            Column("ts", String(40), nullable=False),
            Column("rating", Integer, nullable=False),
            Column("comment", Text, nullable=False, server_default=""),
            Column("question", Text, nullable=False),
            Column("answer", Text, nullable=False),
            Column("citations", Text, nullable=False),
            Column("settings", Text, nullable=False),
            Column("backend", String(64), nullable=False, server_default=""),
            Column("filters", Text, nullable=False, server_default=""),
            sqlite_autoincrement=True,
        )
    return _TABLE


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
    """Feedback rows in one database: a SQLite file (a path) or any state URL; safe from many threads
    and processes (SQLite opens a connection per call; PostgreSQL uses the process's pool)."""

    def __init__(self, where: Path | str) -> None:
        text = str(where)
        self.configured = "://" in text  # a URL from CBEC_STATE_URL; else a file path
        self.url = text if self.configured else f"sqlite:///{Path(where).resolve()}"
        self.path = None if self.configured else Path(where)
        shared.ensure_tables(self.url, feedback_table().metadata, self.configured)

    @classmethod
    def for_settings(cls, settings: Settings) -> FeedbackStore:
        """The store the settings name: the state URL's ``feedback`` table, else ``{data_dir}/feedback.sqlite``."""
        if settings.state_url:
            return cls(settings.state_url.strip())
        return cls(settings.data_dir / shared.STATE_FILES["feedback"])

    @property
    def where(self) -> str:
        """Where the rows are, for messages (the password masked)."""
        from assistant.config import mask_url

        return str(self.path) if self.path is not None else mask_url(self.url)

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
        from sqlalchemy import case, select

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
        t = feedback_table()
        eng = shared.engine(self.url)
        with shared.translated(self.url, self.configured), eng.begin() as conn:
            stmt = shared.insert_for(eng.dialect.name, t).values(**row)
            stmt = stmt.on_conflict_do_update(
                index_elements=[t.c.answer_id],
                set_={
                    "ts": stmt.excluded.ts,
                    "rating": stmt.excluded.rating,
                    "comment": case((stmt.excluded.comment != "", stmt.excluded.comment), else_=t.c.comment),
                },
            )
            conn.execute(stmt)
            rid = conn.execute(select(t.c.id).where(t.c.answer_id == row["answer_id"])).scalar_one()
        return int(rid)

    def list(self, limit: int | None = None) -> list[FeedbackRecord]:
        """Feedback rows, newest first."""
        from sqlalchemy import select

        t = feedback_table()
        query = select(t).order_by(t.c.ts.desc(), t.c.id.desc())
        if limit is not None:
            query = query.limit(int(limit))
        with shared.translated(self.url, self.configured), shared.engine(self.url).connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            FeedbackRecord(
                id=r["id"], answer_id=r["answer_id"], ts=r["ts"], rating=r["rating"], comment=r["comment"],
                question=r["question"], answer=r["answer"], citations=json.loads(r["citations"]),
                settings=json.loads(r["settings"]), backend=r["backend"], filters=r["filters"],
            )
            for r in rows
        ]

    def __len__(self) -> int:
        from sqlalchemy import func, select

        with shared.translated(self.url, self.configured), shared.engine(self.url).connect() as conn:
            return int(conn.execute(select(func.count()).select_from(feedback_table())).scalar_one())

