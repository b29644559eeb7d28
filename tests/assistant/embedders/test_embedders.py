import math

import pytest

from assistant.config import Settings
from assistant.embedders import CachedEmbeddings, EmbedderUnavailable, HashingEmbeddings, make_embedder


def test_hashing_embedder_by_hand():
    e = HashingEmbeddings(8)
    v = e.embed_query("hello world")
    hello, world = e._bucket("hello"), e._bucket("world")
    expected = [0.0] * 8
    expected[hello] += 1
    expected[world] += 1
    norm = math.sqrt(sum(x * x for x in expected))
    assert v == pytest.approx([x / norm for x in expected])
    assert e.embed_documents(["Hello, WORLD!"]) == [v]  # case and punctuation ignored


def test_registry_by_name():
    assert isinstance(make_embedder(Settings.from_env({}, embedder="hashing:32")), HashingEmbeddings)
    with pytest.raises(ValueError, match="hashing:DIM"):
        make_embedder(Settings.from_env({}, embedder="hashing:x"))


def test_cache_embeds_each_text_once(tmp_path):
    class Counting(HashingEmbeddings):
        calls = 0

        def embed_documents(self, texts):
            Counting.calls += len(texts)
            return super().embed_documents(texts)

    cached = CachedEmbeddings(Counting(16), tmp_path / "c.sqlite")
    a = cached.embed_documents(["one", "two"])
    b = CachedEmbeddings(Counting(16), tmp_path / "c.sqlite").embed_documents(["two", "one", "three"])
    assert Counting.calls == 3
    assert b[0] == pytest.approx(a[1]) and b[1] == pytest.approx(a[0])


def test_encoders_sharing_a_name_never_share_cached_vectors(tmp_path):
    """An ONNX export carries the torch model's name (one index serves both) but its own cache key."""

    class Torchlike(HashingEmbeddings):
        name = "bundled:model"

    class OnnxLike(HashingEmbeddings):
        name = "bundled:model"
        cache_key = "bundled:model|onnx:fp32"

        def embed_documents(self, texts):
            return [[v + 1.0 for v in vec] for vec in super().embed_documents(texts)]

    torch_vec = CachedEmbeddings(Torchlike(16), tmp_path / "c.sqlite").embed_documents(["one"])[0]
    onnx_vec = CachedEmbeddings(OnnxLike(16), tmp_path / "c.sqlite").embed_documents(["one"])[0]
    assert onnx_vec != pytest.approx(torch_vec)
    assert CachedEmbeddings(Torchlike(16), tmp_path / "c.sqlite").embed_documents(["one"])[0] == pytest.approx(torch_vec)


@pytest.mark.integration
def test_bundled_minilm_loads_offline_and_ranks_sensibly(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    e = make_embedder(Settings.from_env({}))
    q = e.embed_query("How long is a customs recordation valid?")
    docs = e.embed_documents(
        ["A recordation stays valid for ten years and can be renewed.", "Bananas are yellow fruit."]
    )
    assert len(q) == 384
    sims = [sum(a * b for a, b in zip(q, d, strict=True)) for d in docs]
    assert sims[0] > sims[1] + 0.2


def test_a_model_that_is_not_on_this_machine_says_what_to_use(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    emb = make_embedder(Settings.from_env({}, embedder="st:no-such-model-anywhere"))
    with pytest.raises(EmbedderUnavailable, match="no model hub.*bundled:all-MiniLM-L6-v2"):
        emb.embed_query("what is 9610?")
