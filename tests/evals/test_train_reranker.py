"""Training the cross-encoder reranker: groups from the retriever's own candidates, folds kept apart."""

from __future__ import annotations

import json

import pytest

from evals import train_reranker as tr
from evals.benchmarks import folds
from evals.finetune import FinetuneError


def test_groups_use_the_retrievers_wrong_candidates_as_negatives():
    texts = {f"p{i}": f"passage {i}" for i in range(6)}
    questions = [
        {"id": "a", "question": "qa", "relevant_ids": ["p1", "p2"]},
        {"id": "b", "question": "qb", "relevant_ids": ["p3"]},
        {"id": "c", "question": "qc", "relevant_ids": ["p4"]},  # the retriever found only its answer
    ]
    runs = {"a": ["p1", "p0", "p2", "p5", "gone"], "b": ["p0", "p3"], "c": ["p4"]}
    groups = tr.groups_from_runs(questions, runs, texts)
    assert [(g.query, g.positive) for g in groups] == [("qa", "passage 1"), ("qa", "passage 2"), ("qb", "passage 3")]
    assert groups[0].negatives == ("passage 0", "passage 5")  # never an answer, never an unknown id
    assert groups[2].negatives == ("passage 0",)


def test_the_tuning_slice_is_part_of_the_training_fold_and_never_trained_on():
    train, valid = folds.split([{"id": f"q-{i}"} for i in range(3000)])
    fit, tune = tr.tuning_slice(train)
    assert {q["id"] for q in fit}.isdisjoint({q["id"] for q in tune})
    assert len(fit) + len(tune) == len(train)
    assert 0.10 < len(tune) / len(train) < 0.20  # a salted hash: not empty, unlike the unsalted one
    assert not {q["id"] for q in tune} & {q["id"] for q in valid}


def test_training_a_few_steps_gives_a_reranker_that_prefers_the_answer(tmp_path):
    from assistant.config import Settings
    from assistant.retrieval.rerank import make_reranker

    groups = [
        tr.Group(f"how long is licence {i} valid", f"Licence {i} is valid for {i + 2} years from the day it is granted.",
                 (f"Fees for licence {i} are paid to the bureau.", "The bureau publishes an annual report.",
                  f"An application for licence {i} is filed on paper."))
        for i in range(6)
    ]
    out = tr.train(groups, tmp_path / "rr", epochs=4, minutes=3, negatives=3, max_length=64, lr=1e-4,
                   log=lambda *a, **k: None)
    info = json.loads((out / "reranker.json").read_text())
    assert info["steps"] == 12 and info["groups"] == 6
    reranker = make_reranker(Settings.from_env({}, reranker=str(out)))
    scores = reranker.scores("how long is licence 3 valid", [groups[3].positive, *groups[3].negatives])
    assert scores[0] == max(scores)
    with pytest.raises(FinetuneError, match="no training groups"):
        tr.train([], tmp_path / "none")


def test_the_obliqa_run_reads_the_blend_and_depth_the_tuning_slice_chose(tmp_path):
    from assistant.config import Settings
    from evals.__main__ import _tuned_rerank_blend

    settings = Settings.from_env({})
    assert _tuned_rerank_blend(tmp_path, settings) == {"rerank_weight": settings.rerank_weight,
                                                       "rerank_depth": settings.rerank_depth}
    (tmp_path / "reranker.json").write_text('{"rerank_weight": 0.4, "rerank_depth": 50}')
    assert _tuned_rerank_blend(tmp_path, settings) == {"rerank_weight": 0.4, "rerank_depth": 50}
    # A reranker trained before depth was tuned keeps the setting's depth.
    (tmp_path / "reranker.json").write_text('{"rerank_weight": 0.5}')
    assert _tuned_rerank_blend(tmp_path, settings)["rerank_depth"] == settings.rerank_depth


def test_retuning_without_a_trained_reranker_says_so(tmp_path, capsys):
    from evals.__main__ import main

    docs, questions = tmp_path / "docs", tmp_path / "q.json"
    docs.mkdir()
    questions.write_text("[]")
    code = main(["train-reranker", "--obliqa", str(questions), "--docs", str(docs),
                 "--out", str(tmp_path / "none"), "--retune"])
    assert code == 2
    assert "--retune needs a trained reranker" in capsys.readouterr().err
