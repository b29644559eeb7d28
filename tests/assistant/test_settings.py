from pathlib import Path

import pytest

from assistant.settings import Settings, describe


def test_defaults_without_environment():
    s = Settings.from_env({})
    assert s.embedder == "bundled:all-MiniLM-L6-v2"
    assert s.corpus_dir == Path("corpus") and not s.server_mode


def test_values_from_prefixed_environment_are_typed():
    s = Settings.from_env(
        {
            "CBEC_CHUNK_SIZE": "800",
            "CBEC_CHROMA_HOST": "127.0.0.1",
            "CBEC_CHROMA_PORT": "9001",
            "CBEC_INCLUDE_SUPERSEDED": "yes",
            "CBEC_DENSE_WEIGHT": "0.5",
            "CBEC_DATA_DIR": "/tmp/x",
            "UNRELATED": "1",
        }
    )
    assert (s.chunk_size, s.chroma_port, s.include_superseded, s.dense_weight) == (800, 9001, True, 0.5)
    assert s.server_mode and s.data_dir == Path("/tmp/x")


def test_bad_value_names_the_variable():
    with pytest.raises(ValueError, match="CBEC_CHUNK_SIZE='big'"):
        Settings.from_env({"CBEC_CHUNK_SIZE": "big"})


def test_overrides_win_and_key_is_masked():
    s = Settings.from_env({"CBEC_LLM_API_KEY": "sk-secret"}, top_k=3)
    assert s.top_k == 3
    assert s.public_dict()["llm_api_key"] == "***"


def test_every_setting_is_documented():
    assert all(doc for _, _, doc in describe())
