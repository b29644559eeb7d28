"""Settings: typed values from the environment, fixed-choice settings refused with the valid values."""

from pathlib import Path

import pytest

from assistant.config import Backend, Fusion, Settings, describe, settings_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_without_environment():
    s = Settings.from_env({})
    assert s.embedder == "bundled:all-MiniLM-L6-v2"
    assert s.corpus_dir == Path("corpus") and not s.server_mode
    assert s.fusion is Fusion.ZSCORE and s.backend is Backend.EXTRACTIVE


def test_values_from_prefixed_environment_are_typed():
    s = Settings.from_env(
        {
            "CBEC_CHUNK_SIZE": "800",
            "CBEC_CHROMA_HOST": "127.0.0.1",
            "CBEC_CHROMA_PORT": "9001",
            "CBEC_INCLUDE_SUPERSEDED": "yes",
            "CBEC_DENSE_WEIGHT": "0.5",
            "CBEC_DATA_DIR": "/tmp/x",
            "CBEC_FUSION": "RRF",
            "UNRELATED": "1",
        }
    )
    assert (s.chunk_size, s.chroma_port, s.include_superseded, s.dense_weight) == (800, 9001, True, 0.5)
    assert s.server_mode and s.data_dir == Path("/tmp/x") and s.fusion is Fusion.RRF


def test_bad_value_names_the_variable():
    with pytest.raises(ValueError, match="CBEC_CHUNK_SIZE='big'"):
        Settings.from_env({"CBEC_CHUNK_SIZE": "big"})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CBEC_FUSION": "zcore"}, "CBEC_FUSION='zcore' is not valid; valid values: zscore, rrf, weighted"),
        ({"CBEC_BACKEND": "gpt"}, "valid values: extractive, openai, ollama, llamacpp"),
        ({"CBEC_EMBEDDER": "hashng:64"}, "unknown embedder kind 'hashng'; valid kinds: bundled, hashing, st"),
        ({"CBEC_EMBEDDER": "hashing:sixty"}, "DIM a whole number"),
        ({"CBEC_EMBED_BATCH_SIZE": "0"}, "CBEC_EMBED_BATCH_SIZE=0: give at least 1"),
        ({"CBEC_INDEX_BATCH": "-5"}, "CBEC_INDEX_BATCH=-5: give at least 1"),
    ],
)
def test_fixed_choice_settings_are_refused_at_start_with_the_valid_values(env, message):
    with pytest.raises(ValueError, match=message):
        Settings.from_env(env)


def test_overrides_and_replace_are_validated_too():
    with pytest.raises(ValueError, match="valid values"):
        Settings.from_env({}, fusion="nope")
    assert Settings.from_env({}).replace(backend="ollama").backend is Backend.OLLAMA


def test_overrides_win_and_key_is_masked():
    s = Settings.from_env({"CBEC_LLM_API_KEY": "sk-secret"}, top_k=3)
    assert s.top_k == 3
    assert s.public_dict()["llm_api_key"] == "***" and s.public_dict()["fusion"] == "zscore"


def test_every_setting_is_documented():
    assert all(doc for _, _, doc in describe())


def test_readme_settings_table_is_the_generated_one():
    """The README's table is `python -m assistant settings --markdown`; regenerate it when this fails."""
    assert settings_table() in README.read_text(encoding="utf-8")
