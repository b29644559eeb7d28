"""CI holds the whole chain (real model, real corpus) to the reference Q&A floors."""

import pytest

from evals.floors import FLOORS, check_floors
from evals.runner import DATASET, load_dataset, run, summarise

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_reference_qa_meets_floors(real_assistant):
    rows = run(real_assistant, load_dataset(DATASET))
    summary = summarise(rows)
    problems = check_floors(summary, rows)
    assert not problems, "\n".join(problems) + f"\nsummary: {summary}"
    assert set(FLOORS) <= set(summary)
