"""The ingest-rate benchmark: its figures are rates of the same chunks, and the comparison is explicit."""

from __future__ import annotations

import pytest

from evals.benchmarks.ingest_rate import measure


def test_ingest_rate_against_another_embedder(settings, capsys):
    records = [{"id": f"r{i}", "text": f"Rule {i}: a filing is due within {i + 3} days of the event.",
                "metadata": {"title": f"Part {i % 3}"}} for i in range(40)]
    out = measure(records, settings, against="hashing:64")
    assert out["raw"] > 0 and out["ingest"] > 0 and out["against_raw"] > 0
    assert out["ratio"] == pytest.approx(out["ingest"] / out["raw"])
    assert out["vs_against"] == pytest.approx(out["ingest"] / out["against_raw"])
    printed = capsys.readouterr().out
    assert "raw encode of hashing:64" in printed and "[hashing:128]" in printed
    # Ingest is timed warm like the raw rate, and the set-up it did not time is printed beside it.
    assert out["setup_seconds"] > 0 and "one-time set-up" in printed
    assert "against_raw" not in measure(records, settings)
