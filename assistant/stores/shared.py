"""The state several serve processes share, behind one SQLAlchemy URL (``CBEC_STATE_URL``).

Three things must agree between processes that serve the same Chroma collection: the record manager
(which chunk versions the store holds, so one process's ingest does not delete another's), the
feedback log, and the workspace upload records (so a user's upload through one process is found
through another). With ``state_url`` empty each lives in its own SQLite file in ``data_dir``, as
before (``record_manager.sqlite``, ``feedback.sqlite``, ``workspaces.sqlite``); with a URL all three
are tables of that database (PostgreSQL for several machines).

Engines are made here only, one per URL per process (a PostgreSQL pool is shared by every session
of a server; a SQLite file is opened per use, as the old code did, so a deleted file is never kept
open). A database that cannot be reached raises `StateError`, a `StoreError`, whose one line names
the setting with the password masked: the CLIs print it and exit 2, the page shows it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from assistant.config import PREFIX, Settings, mask_url
from assistant.stores.errors import StoreError

Part = Literal["records", "feedback", "workspaces"]

# The SQLite file of each part when no state URL is set (the names the project always used).
STATE_FILES: dict[str, str] = {
    "records": "record_manager.sqlite",
    "feedback": "feedback.sqlite",
    "workspaces": "workspaces.sqlite",
}

_ENGINES: dict[str, object] = {}
_ENGINES_LOCK = threading.Lock()


class StateError(StoreError):
    """The shared state database cannot be opened or used; the message names the setting."""


def state_url(settings: Settings, part: Part) -> str:
    """The SQLAlchemy URL that holds ``part``: the configured state URL, else its SQLite file in data_dir."""
    if settings.state_url:
        return settings.state_url.strip()
    return f"sqlite:///{(settings.data_dir / STATE_FILES[part]).resolve()}"


def namespace(settings: Settings) -> str:
    """The collection a record belongs to: processes that share it must name the same store and collection."""
    where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.server_mode else "embedded"
    return f"chroma/{where}/{settings.collection}"


def describe(url: str, exc: BaseException, configured: bool = True) -> str:
    """One line: which database, what went wrong (first line of the driver's message), what to do."""
    first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0][:300]
    what = f"{PREFIX}STATE_URL={mask_url(url)!r}" if configured else f"the state database {mask_url(url)!r}"
    hint = ("check the address, user, password and that the server runs" if url.startswith("postgresql")
            else "check that the folder exists and is writable")
    return f"{what} cannot be used ({exc.__class__.__name__}: {first}); {hint}."


def engine(url: str):
    """The process's engine for ``url`` (made once; thread-safe)."""
    with _ENGINES_LOCK:
        eng = _ENGINES.get(url)
        if eng is None:
            eng = _ENGINES[url] = _make_engine(url)
        return eng


def _make_engine(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A connection per use (NullPool): the file is never held open between calls, and a writer
        # waits up to 30 s for another process's write instead of failing at once.
        return create_engine(parsed, poolclass=NullPool, connect_args={"timeout": 30})
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver installed (psycopg 3)
    # pre_ping: a pooled connection the server dropped (restart, idle timeout) is replaced, not failed.
    return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         connect_args={"connect_timeout": 10})


@contextmanager
def translated(url: str, configured: bool = True, os_errors: bool = True) -> Iterator[None]:
    """Turn the database layer's errors into one-line `StateError`s.

    ``os_errors=False`` where the block does more than talk to the database (an ingest run also
    writes the vector store, whose disk errors are not the state database's).
    """
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as exc:
        raise StateError(describe(url, exc, configured)) from exc
    except ImportError as exc:  # a driver missing from the install
        raise StateError(describe(url, exc, configured)) from exc
    except OSError as exc:
        if not (configured and os_errors):
            raise  # the data folder itself: the caller's own message names it (app.start_problem)
        raise StateError(describe(url, exc, configured)) from exc


def insert_for(dialect: str, table):
    """An INSERT that can say ON CONFLICT … DO UPDATE: the two supported databases spell it alike."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def ensure_tables(url: str, metadata, configured: bool = True) -> None:
    """Create the missing tables of ``metadata`` (see `create_with_retry`)."""
    create_with_retry(url, lambda: metadata.create_all(engine(url)), configured)


def create_with_retry(url: str, create: Callable[[], None], configured: bool = True) -> None:
    """Run a schema creation, retried when another process created the same table meanwhile.

    Two processes starting together can both find a table missing; the one that loses the race
    gets "already exists" from PostgreSQL, so creation is tried again (and then finds the table).
    """
    from sqlalchemy.exc import IntegrityError, ProgrammingError

    for attempt in range(4):
        try:
            with translated(url, configured):
                create()
            return
        except StateError as exc:
            if attempt == 3 or not isinstance(exc.__cause__, (IntegrityError, ProgrammingError)):
                raise
            time.sleep(0.2 * (attempt + 1))


def check(settings: Settings) -> None:
    """Open every part of the state and create its tables; raises `StateError` with what to do.

    `python -m assistant serve` and `python -m ingest` call it first, so a wrong URL is a one-line
    error and exit status 2 before anything starts, not a failure at the first upload.
    """
    from assistant.outputs.feedback import FeedbackStore
    from assistant.stores.workspaces import WorkspaceRecords

    if not settings.state_url:
        return  # SQLite files in data_dir: created when first used, as before
    url = state_url(settings, "records")
    with translated(url):
        with engine(url).connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    FeedbackStore.for_settings(settings)
    WorkspaceRecords.for_settings(settings)
