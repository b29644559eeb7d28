"""Fusing the dense and BM25 rankings into one (method chosen by `Settings.fusion`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.retrieval.types import Ranked


def fuse(
    arms: Sequence[tuple[Ranked, float]], method: str = "zscore", rrf_k: int = 60
) -> list[tuple[str, float]]:
    """Fuse rankings.

    - ``zscore``: each arm's scores standardised over its candidates (mean 0, sd 1); a chunk
      missing from an arm gets that arm's lowest standardised score; sum of w*z.
      Best on ObliQA dev (README, retrieval figures); the default.
    - ``rrf``: sum of w/(k+rank).
    - ``weighted``: sum of w*min-max-normalised score.
    """
    if method == "zscore":
        return _zscore(arms)
    total: dict[str, float] = {}
    for ranked, weight in arms:
        if not ranked.ids or weight == 0:
            continue
        if method == "rrf":
            for rank, cid in enumerate(ranked.ids, 1):
                total[cid] = total.get(cid, 0.0) + weight / (rrf_k + rank)
        elif method == "weighted":
            hi, lo = max(ranked.scores), min(ranked.scores)
            span = (hi - lo) or 1.0
            for cid, s in zip(ranked.ids, ranked.scores, strict=True):
                total[cid] = total.get(cid, 0.0) + weight * (s - lo) / span
        else:
            raise ValueError(f"unknown fusion {method!r}: use 'zscore', 'rrf' or 'weighted'")
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))


def _zscore(arms: Sequence[tuple[Ranked, float]]) -> list[tuple[str, float]]:
    per_arm: list[tuple[dict[str, float], float, float]] = []
    for ranked, weight in arms:
        if not ranked.ids or weight == 0:
            continue
        v = np.asarray(ranked.scores, dtype=np.float64)
        mu = ranked.mean if ranked.mean is not None else float(v.mean())
        sd = (ranked.std if ranked.std is not None else float(v.std())) or 1.0
        zs = (v - mu) / sd
        per_arm.append((dict(zip(ranked.ids, zs.tolist(), strict=True)), float(zs.min()), weight))
    ids = {c for scores, _, _ in per_arm for c in scores}
    total = {c: sum(w * scores.get(c, floor) for scores, floor, w in per_arm) for c in ids}
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))
