import pytest

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.chain import Assistant
from ingest.pipeline import run_ingest
from tests.conftest import FIXTURES


@pytest.fixture
def indexed(settings):
    """Settings whose store holds the fixture corpus (hashing embedder)."""
    s = settings.replace(min_relevance=0.05)
    run_ingest(s, corpus=FIXTURES / "corpus")
    return s


@pytest.fixture
def assistant(indexed):
    return Assistant.from_settings(indexed, answerer=ExtractiveAnswerer())
