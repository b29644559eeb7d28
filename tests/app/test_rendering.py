"""Rendering helpers of the web chat (pure functions)."""

from app.rendering import cache_key, highlight_used, humanize, status_label, when
from assistant.config import Settings


def test_highlight_survives_bullets_wrapping_and_emphasis():
    text = (
        "- **9810 export**: you ship in bulk to an overseas warehouse and deliver after each\n"
        "  platform sale; you must file the model with customs (see gacc-2020-75).\n"
        "- Other line costs $5."
    )
    used = ["9810 export: you ship in bulk to an overseas warehouse and deliver after each   platform sale; "
            "you must file the model with customs [2]."]
    out = highlight_used(text, used)
    assert out.splitlines()[0] == "- <mark>**9810 export**: you ship in bulk to an overseas warehouse and deliver after each</mark>"
    assert out.splitlines()[1] == "  <mark>platform sale; you must file the model with customs</mark> (see gacc-2020-75)."
    assert out.splitlines()[2] == r"- Other line costs \$5."
    assert highlight_used("No match here.", ["Something else entirely [1]."]) == "No match here."
    assert highlight_used("Duty is 0%. VAT is 70%.", ["Duty is 0% [1]."]) == "<mark>Duty is 0%.</mark> VAT is 70%."


def test_labels_and_times():
    assert humanize("tax_notice") == "Tax notice" and status_label("in_force") == "in force"
    assert when("2026-11-24T15:44:51+00:00") == "2026-11-24 15:44 UTC" and when("garbage") == "garbage"


def test_cache_key_changes_with_settings_and_index_but_hides_the_key():
    a = Settings.from_env({}, llm_api_key="sk-secret")
    assert "sk-secret" not in cache_key(a, "v1")
    assert cache_key(a, "v1") != cache_key(a, "v2") != cache_key(a.replace(top_k=3), "v2")


def test_disk_problems_name_the_folder_and_the_problem():
    import errno

    from streamlit_app import start_problem

    s = Settings.from_env({}, data_dir="/srv/cbec-data")
    assert start_problem(s, OSError(errno.EROFS, "Read-only file system", "/srv/cbec-data/chroma")) == (
        "The data folder `/srv/cbec-data/chroma` is on a read-only file system. Fix that, then reload the page."
    )
    assert "has no space left" in start_problem(s, OSError(errno.ENOSPC, "No space left on device"))
    assert "readable and writable" in start_problem(s, RuntimeError("boom"))
