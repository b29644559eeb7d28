import math

import pytest

from evals import metrics as M


def test_recall_map_mrr_ndcg_by_hand():
    ranked = ["a", "x", "b", "y"]
    rel = ["a", "b", "c"]
    assert M.recall_at(ranked, rel, 3).value == pytest.approx(2 / 3)
    # AP@10 = (1/1 + 2/3) / min(3, 10)
    assert M.average_precision_at(ranked, rel, 10).value == pytest.approx((1 + 2 / 3) / 3)
    assert M.reciprocal_rank(["x", "a"], rel).value == 0.5
    assert M.hit_at(["x", "y"], rel, 2).value == 0.0
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert M.ndcg_at(ranked, rel, 10).value == pytest.approx((1 + 1 / math.log2(4)) / ideal)


def test_map_normalised_by_min_relevant_and_k():
    rel = [str(i) for i in range(12)]
    ranked = [str(i) for i in range(10)]
    assert M.average_precision_at(ranked, rel, 10).value == pytest.approx(1.0)


def test_undefined_is_nan_with_a_reason():
    s = M.recall_at(["a"], [], 10)
    assert math.isnan(s.value) and s.reason == "no relevant ids"
    assert M.mean([1.0, math.nan, 0.0]) == 0.5


def test_reasons_name_what_is_missing():
    assert "missing ['b']" in M.recall_at(["a"], ["a", "b"], 5).reason
    assert M.hit_at(["x", "a"], ["a"], 5).reason == "first relevant at 2"


def test_percentile():
    assert M.percentile([10, 20, 30, 40], 50) == 25
    assert M.percentile([5], 95) == 5
