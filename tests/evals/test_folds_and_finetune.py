"""Held-apart folds, blend tuning and fine-tuning pairs: what is tuned never sees what is reported."""

from __future__ import annotations

import json
import random

import pytest

from evals.benchmarks import folds
from evals.finetune import FinetuneError, Pair, batches, collect_pairs, file_pairs


def test_split_is_stable_disjoint_and_near_the_share():
    qs = [{"id": f"q-{i}"} for i in range(2000)]
    train, valid = folds.split(qs)
    assert {q["id"] for q in train}.isdisjoint({q["id"] for q in valid})
    assert len(train) + len(valid) == len(qs)
    assert 0.26 < len(valid) / len(qs) < 0.34
    shuffled = qs[:]
    random.Random(1).shuffle(shuffled)
    assert {q["id"] for q in folds.split(shuffled)[1]} == {q["id"] for q in valid}  # order does not matter


def test_tune_picks_the_best_blend_by_recall_plus_map():
    def evaluate(ov):  # a made-up surface with its peak at zscore, dense share 0.65
        bonus = 0.05 if ov["fusion"] == "zscore" else 0.0
        return {"recall@10": 0.8 - abs(ov["dense_weight"] - 0.65) + bonus, "map@10": 0.6}

    best, tried = folds.tune(evaluate, log=lambda *_: None)
    assert best == {"fusion": "zscore", "dense_weight": 0.65, "bm25_weight": 0.35}
    assert len(tried) == len(folds.METHODS) * len(folds.DENSE_SHARES)


def test_batches_never_repeat_a_passage_and_keep_every_pair():
    pairs = [Pair(f"q{i}", f"p{i % 7}") for i in range(40)]
    out = batches(pairs, 8, random.Random(0))
    for b in out:
        assert len({p.positive for p in b}) == len(b)
    kept = sum(len(b) for b in out)
    assert kept >= 40 - 7  # only singleton leftovers can be dropped


def test_pairs_file_errors_name_the_line(tmp_path):
    f = tmp_path / "pairs.jsonl"
    f.write_text(json.dumps({"query": "a", "positive": "b"}) + "\n" + '{"query": "only"}\n', encoding="utf-8")
    with pytest.raises(FinetuneError, match=r"pairs.jsonl:2"):
        file_pairs(f)
    with pytest.raises(FinetuneError, match="no training pairs"):
        collect_pairs()
    with pytest.raises(FinetuneError, match="needs --docs"):
        collect_pairs(obliqa=tmp_path / "q.json")


def test_obliqa_pairs_come_from_the_training_fold_only(tmp_path):
    from evals.finetune import obliqa_pairs

    docs = tmp_path / "docs"
    docs.mkdir()
    passages = [{"DocumentID": 1, "PassageID": f"{i}.", "Passage": f"rule number {i} about reporting"} for i in range(60)]
    (docs / "1.json").write_text(json.dumps(passages), encoding="utf-8")
    questions = [{"QuestionID": f"id-{i}", "Question": f"what is rule {i}?",
                  "Passages": [{"DocumentID": 1, "PassageID": f"{i}."}]} for i in range(60)]
    (tmp_path / "q.json").write_text(json.dumps(questions), encoding="utf-8")
    pairs, held = obliqa_pairs(tmp_path / "q.json", docs, hard_negatives=True)
    valid = {f"what is rule {i}?" for i in range(60) if folds.in_validation(f"id-{i}")}
    assert held == len(valid) > 0
    assert not {p.query for p in pairs} & valid
    assert all(p.negative and p.negative != p.positive for p in pairs)


def test_card_pairs_use_real_cards_and_passages():
    from pathlib import Path

    from evals.finetune import card_pairs

    pairs = card_pairs(Path(__file__).resolve().parents[2] / "corpus")
    assert len(pairs) > 500
    assert any("\u4e00" <= ch <= "\u9fff" for p in pairs for ch in p.query)  # Chinese variants too
    assert all(p.positive.strip() for p in pairs)


@pytest.mark.slow
def test_training_a_few_steps_saves_a_loadable_changed_model(tmp_path):
    import numpy as np

    from assistant.embedders.sentence_transformers import load_sentence_transformer
    from evals.finetune import train

    serving = load_sentence_transformer("bundled:all-MiniLM-L6-v2")  # the process's shared copy
    before = serving.encode(["rule 3"])
    pairs = [Pair(f"how long is rule {i} valid", f"Rule {i} stays valid for {i + 2} years.") for i in range(8)]
    out = train(pairs, "bundled:all-MiniLM-L6-v2", tmp_path / "m", epochs=2, minutes=2, batch_size=4, lr=1e-4,
                log=lambda *a, **k: None)
    from sentence_transformers import SentenceTransformer

    tuned = SentenceTransformer(str(out), device="cpu")
    info = json.loads((out / "finetune.json").read_text())
    assert info["steps"] == 4
    base = SentenceTransformer(str(__import__("assistant.embedders.sentence_transformers", fromlist=["x"])
                                   .bundled_model_path()), device="cpu")
    a, b = tuned.encode(["rule 3"]), base.encode(["rule 3"])
    assert not np.allclose(a, b)
    # Training never touches the copy that serves the index in the same process.
    assert np.allclose(serving.encode(["rule 3"]), before) and np.allclose(before, b, atol=1e-5)
