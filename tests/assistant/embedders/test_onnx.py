"""The torch-free fast path: exported ONNX models embed like the torch model, retrieve as well,
and a server on them never imports torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.config import DEFAULT_EMBEDDER, Settings
from assistant.embedders import make_embedder
from assistant.embedders.onnx import OnnxEmbeddings, OnnxModelMissing, export_dir, resolve

ROOT = Path(__file__).resolve().parents[3]
TEXTS = [
    "Customs detained my parcel of branded sneakers at Shenzhen, what happens now?",
    "annual limit 26000",
    "海关扣了我的货怎么办？",
    "9610模式能退货吗",
    "The right holder must provide a guarantee within three working days of the notice. " * 30,  # truncated
    "x",
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """Both variants exported once, from the bundled model, into a data folder of their own."""
    from assistant.embedders.onnx import ensure_exported

    data = tmp_path_factory.mktemp("onnx") / "data"
    for variant in ("fp32", "int8"):
        ensure_exported(variant, data, log=lambda *_: None)
    return data


@pytest.fixture(scope="module")
def torch_vectors() -> np.ndarray:
    emb = make_embedder(Settings.from_env({}))
    return np.asarray(emb.embed_documents(TEXTS))


@pytest.mark.parametrize(("variant", "floor"), [("fp32", 0.99), ("int8", 0.98)])
def test_embeddings_match_the_torch_model(exported, torch_vectors, variant, floor):
    folder, _ = resolve(variant, exported)
    onnx = np.asarray(OnnxEmbeddings(folder, variant).embed_documents(TEXTS))
    cosines = (onnx * torch_vectors).sum(axis=1)
    assert cosines.min() >= floor, dict(zip(TEXTS, cosines.round(4), strict=True))
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-4)
    # One by one, each text meets the same bar (a query is encoded alone). fp32: exactly what the
    # batch gave, so padding does not leak into the vectors. int8 quantises activations per batch,
    # so a text's vector depends a little on its batch (cosine 0.97-1.0 between the two, measured).
    alone = np.asarray([OnnxEmbeddings(folder, variant).embed_query(t) for t in TEXTS])
    assert (alone * torch_vectors).sum(axis=1).min() >= floor
    if variant == "fp32":
        assert ((alone * onnx).sum(axis=1) > 0.9999).all()


@pytest.mark.parametrize("variant", ["fp32", "int8"])
def test_the_bundled_model_is_exported_with_fused_kernels(exported, variant):
    """The export runs ONNX Runtime's BERT fusions (attention, embeddings + layer norm, GELU): the
    fused graph encodes about a quarter faster. An export that lost them (say, transformers changed
    the traced attention pattern) would still work, only slower, so this is where it shows."""
    import onnx

    folder, _ = resolve(variant, exported)
    assert json.loads((folder / "export.json").read_text())["fused"] is True
    ops = {node.op_type for node in onnx.load(str(folder / "model.onnx")).graph.node}
    assert ops & {"Attention", "QAttention"} and "EmbedLayerNormalization" in ops


@pytest.mark.parametrize("batch_size", [1, 2, 64])
def test_token_budgeted_batches_keep_each_text_its_own_vector(exported, batch_size):
    """However the texts are cut into batches (by token count, after sorting), each vector comes
    back at its text's place and equals what the text gives on its own (fp32: no per-batch
    quantisation)."""
    folder, _ = resolve("fp32", exported)
    texts = [*TEXTS, *reversed(TEXTS)]
    got = np.asarray(OnnxEmbeddings(folder, "fp32", batch_size=batch_size).embed_documents(texts))
    alone = np.asarray([OnnxEmbeddings(folder, "fp32").embed_query(t) for t in texts])
    assert ((got * alone).sum(axis=1) > 0.9999).all()


def test_names_say_when_an_index_can_be_shared(tmp_path):
    assert resolve("fp32", tmp_path)[1] == DEFAULT_EMBEDDER  # same vectors as the torch path
    assert resolve("int8", tmp_path)[1] != DEFAULT_EMBEDDER  # its own index
    s = Settings.from_env({}, data_dir=tmp_path, embedder="onnx:int8")
    assert make_embedder(s).folder == export_dir(tmp_path, "int8")


def test_a_missing_export_says_how_to_make_it(tmp_path):
    emb = OnnxEmbeddings(tmp_path / "nothing", "onnx:x")
    with pytest.raises(OnnxModelMissing, match="python -m ingest"):
        emb.embed_query("hello")


def test_retrieval_holds_with_onnx_queries(exported, real_settings):
    """Queries encoded by ONNX (fp32 and int8) over the index the torch model built: the reference
    questions find their passages in the top 5 as often as with torch queries (within 0.03)."""
    from assistant.retrieval import build_retriever
    from evals.runner import load_dataset

    items = [i for i in load_dataset(ROOT / "evals" / "datasets" / "reference_qa.jsonl")
             if i.relevant_ids and i.lang == "en"][:80]

    def hit_rate(embeddings) -> float:
        retriever = build_retriever(real_settings, embeddings=embeddings)
        hits = 0
        for item in items:
            found = {h.chunk_id for h in retriever.search(item.question, k=5)}
            hits += bool(found & set(item.relevant_ids))
        return hits / len(items)

    base = hit_rate(make_embedder(real_settings))
    for variant in ("fp32", "int8"):
        folder, _ = resolve(variant, exported)
        # The name of the index's embedder, so the store accepts the query encoder.
        assert hit_rate(OnnxEmbeddings(folder, DEFAULT_EMBEDDER)) >= base - 0.03, variant


def test_serving_on_the_fast_path_never_imports_torch(exported, real_settings, tmp_path):
    """The assistant built from settings, asked a question, with `onnx:fp32`: no torch, no transformers."""
    data = real_settings.data_dir
    target = export_dir(data, "fp32")
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(export_dir(exported, "fp32"), target_is_directory=True)
    script = (
        "import json, sys\n"
        "from assistant.config import Settings\n"
        "from assistant.chain import Assistant\n"
        "a = Assistant.from_settings(Settings.from_env())\n"
        "ans = a.invoke('How long is a customs recordation valid?')\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'transformers': 'transformers' in sys.modules,\n"
        "                  'sentence_transformers': 'sentence_transformers' in sys.modules,\n"
        "                  'refused': ans.refused, 'answer': ans.answer[:200]}))\n"
    )
    env = {**os.environ, "CBEC_EMBEDDER": "onnx:fp32", "CBEC_DATA_DIR": str(data),
           "CBEC_CORPUS_DIR": str(real_settings.corpus_dir)}
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert not result["torch"] and not result["transformers"] and not result["sentence_transformers"], result
    assert not result["refused"] and "10 years" in result["answer"], result


def test_a_replaced_model_file_never_reads_the_cached_vectors_of_the_one_before(tmp_path):
    from assistant.embedders.onnx import MODEL_FILE

    emb = OnnxEmbeddings(tmp_path, DEFAULT_EMBEDDER)
    (tmp_path / MODEL_FILE).write_bytes(b"first export")
    before = emb.cache_key
    (tmp_path / MODEL_FILE).write_bytes(b"a second, different export")
    assert emb.cache_key != before
    assert emb.cache_key.startswith(f"{DEFAULT_EMBEDDER}|onnx:")
