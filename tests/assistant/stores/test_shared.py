"""Where the shared state lives, and what a wrong state URL looks like to the person who set it."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.stores import shared


def test_default_is_one_sqlite_file_per_part_in_the_data_folder(tmp_path):
    s = Settings.from_env({}, data_dir=tmp_path / "data")
    assert shared.state_url(s, "records") == f"sqlite:///{(tmp_path / 'data' / 'record_manager.sqlite').resolve()}"
    assert shared.state_url(s, "feedback").endswith("/data/feedback.sqlite")
    assert shared.state_url(s, "workspaces").endswith("/data/workspaces.sqlite")
    url = "postgresql+psycopg://cbec:pw@db:5432/cbec"
    s2 = s.replace(state_url=url, chroma_host="chroma.internal", chroma_port=8000)
    assert {shared.state_url(s2, p) for p in ("records", "feedback", "workspaces")} == {url}
    assert shared.namespace(s2) == "chroma/chroma.internal:8000/cbec" and shared.namespace(s) == "chroma/embedded/cbec"


@pytest.mark.parametrize(("url", "says"), [
    ("not a url", "is not a database URL"),
    ("postgres://cbec:pw-123@db/cbec", "write 'postgresql+psycopg://'"),
    ("mysql://cbec:pw-123@db/cbec", "'mysql' is not supported"),
    ("postgresql+psycopg2://cbec:pw-123@db/cbec", "'psycopg2' is not installed"),
    ("sqlite://", "in-memory SQLite database cannot be shared"),
])
def test_a_bad_state_url_is_refused_at_start_naming_the_setting(url, says):
    with pytest.raises(ValueError) as info:
        Settings.from_env({"CBEC_STATE_URL": url})
    message = str(info.value)
    assert message.startswith("CBEC_STATE_URL=") and says in message and "pw-123" not in message


def test_serve_exits_2_with_one_line_when_the_state_database_is_wrong_or_down(monkeypatch, capsys):
    from assistant import cli

    monkeypatch.setattr("streamlit.web.cli.main", None, raising=False)  # the server must never start
    for url, says in (
        ("nope", "is not a database URL"),
        ("postgresql+psycopg://cbec:pw-123@/cbec?host=/nonexistent-cbec-socket-dir", "cannot be used (OperationalError"),
    ):
        monkeypatch.setenv("CBEC_STATE_URL", url)
        assert cli.main(["serve", "--port", "1"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("serve: CBEC_STATE_URL=") and says in err, err
        assert err.count("\n") == 1 and "Traceback" not in err and "pw-123" not in err


def test_check_creates_every_table_once_and_is_repeatable(tmp_path):
    import sqlite3

    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    s = Settings.from_env({}, data_dir=tmp_path / "data", state_url=url)
    shared.check(s)
    shared.check(s)
    names = {r[0] for r in sqlite3.connect(tmp_path / "state.sqlite").execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"feedback", "cbec_workspace_documents", "cbec_state_versions"} <= names
    assert not (tmp_path / "data").exists()  # nothing written beside it
