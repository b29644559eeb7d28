"""Re-ranking the fused top candidates: the blend, the settings that refuse nonsense, the retriever's order."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.retrieval.rerank import RerankerError, blend, make_reranker


class WordReranker:
    """A real `Reranker`: scores a passage by how often it names one word (whatever the question)."""

    name = "word"

    def __init__(self, word: str) -> None:
        self.word = word
        self.calls = 0

    def scores(self, query, passages):
        self.calls += 1
        return [float(p.lower().count(self.word)) for p in passages]


def test_blend_weight_one_is_the_cross_encoder_and_zero_the_fusion():
    fused, cross = [3.0, 2.0, 1.0], [0.0, 1.0, 5.0]
    by = lambda scores: sorted(range(3), key=lambda i: -scores[i])  # noqa: E731
    assert by(blend(fused, cross, 1.0)) == [2, 1, 0]
    assert by(blend(fused, cross, 0.0)) == [0, 1, 2]
    assert blend([], [], 0.5) == []
    with pytest.raises(ValueError, match="one cross-encoder score"):
        blend([1.0], [1.0, 2.0], 0.5)


def test_settings_refuse_a_share_outside_0_1_and_a_depth_below_2():
    with pytest.raises(ValueError, match="CBEC_RERANK_WEIGHT"):
        Settings.from_env({"CBEC_RERANK_WEIGHT": "1.5"})
    with pytest.raises(ValueError, match="CBEC_RERANK_DEPTH"):
        Settings.from_env({"CBEC_RERANK_DEPTH": "1"})


def test_no_reranker_by_default_and_a_missing_folder_is_named(tmp_path):
    assert make_reranker(Settings.from_env({})) is None
    with pytest.raises(RerankerError, match=r"CBEC_RERANKER=.*train-reranker"):
        make_reranker(Settings.from_env({}, reranker=str(tmp_path / "nowhere")))


def test_the_reranker_reorders_the_head_and_scores_still_fall_with_rank(settings):
    from assistant.retrieval import build_retriever
    from ingest.pipeline import run_ingest

    assert run_ingest(settings, corpus=settings.corpus_dir, progress=False).ok
    s = settings.replace(rerank_depth=4, rerank_weight=1.0)
    plain = build_retriever(s)
    before = plain.search("customs detention of goods", k=8)
    assert len(before) == 8
    # The word the reranker favours, taken from a passage fusion placed 2nd to 4th.
    word = next(w for h in before[1:4] for w in h.text.lower().split()
                if len(w) > 6 and w.isalpha() and w not in before[0].text.lower())
    reranker = WordReranker(word)
    after = plain.model_copy(update={"reranker": reranker}).search("customs detention of goods", k=8)
    assert reranker.calls == 1
    head = after[:4]
    assert {h.chunk_id for h in head} == {h.chunk_id for h in before[:4]}  # only the top 4 were read
    assert [h.chunk_id for h in after[4:]] == [h.chunk_id for h in before[4:]]
    assert word in head[0].text.lower() and before[0].chunk_id != head[0].chunk_id
    assert all(h.rerank_score is not None for h in head) and all(h.rerank_score is None for h in after[4:])
    scores = [h.score for h in after]
    assert scores == sorted(scores, reverse=True)
    assert plain.search("customs detention of goods", k=8)[0].chunk_id == before[0].chunk_id  # the plain one is untouched


def test_a_setting_naming_a_reranker_is_built_when_an_arm_asks_for_it(settings, tmp_path):
    from assistant.retrieval import build_retriever
    from ingest.pipeline import run_ingest

    assert run_ingest(settings, corpus=settings.corpus_dir, progress=False).ok
    retriever = build_retriever(settings)
    assert retriever.reranker is None
    with pytest.raises(RerankerError):
        retriever.with_settings(settings.replace(reranker=str(tmp_path / "missing")))
