import json

from assistant.chain import Answer
from assistant.citations import Citation
from evals import report
from evals.floors import check_floors
from evals.runner import Item, load_dataset, score_item, summarise


def item(**kw):
    base = dict(id="q1", question="Q?", kind="answer", reference_answer="", must_include=[["26,000", "26000"]],
                relevant_ids=["tax-doc"], topic="tax", history=[])
    base.update(kw)
    return Item(**base)


def answer(body, cites, refused=False, retrieved=("tax-doc:sec-1:0",)):
    return Answer(question="Q?", answer=body + "\n\nnote", refused=refused, citations=cites, backend="extractive",
                  timings_ms={"retrieve": 5.0, "answer": 1.0, "total": 6.0}, retrieved=list(retrieved))


def cite(n, text):
    return Citation(n, f"tax-doc:sec-{n}:0", "T", "I", "Section 1", "https://x", "2019-01-01", text, 1.0)


def test_supported_answer_passes():
    row = score_item(item(), answer("The limit is RMB 26,000 a year [1].", [cite(1, "RMB 26,000 per year.")]))
    assert row.passed and row.metrics["must_include"] == 1.0
    assert row.metrics["citation_support"] == 1.0 and row.metrics["hit@5"] == 1.0


def test_unsupported_and_invalid_citations_fail_with_reasons():
    a = answer("The limit is RMB 26,000 [2].", [cite(1, "Something else entirely.")], retrieved=("other:x:0",))
    row = score_item(item(), a)
    assert not row.passed
    assert row.metrics["citation_valid"] == 0.0 and row.metrics["citation_support"] == 0.0
    assert any("retrieval" in r for r in row.reasons) and any("point at nothing" in r for r in row.reasons)


def test_refusal_scoring():
    refuse = item(kind="refuse", must_include=[], relevant_ids=[])
    assert score_item(refuse, answer("I cannot.", [], refused=True)).passed
    row = score_item(item(), answer("I cannot.", [], refused=True))
    assert "refused an answerable question" in row.reasons


def test_summary_floors_and_report(tmp_path):
    rows = [
        score_item(item(id="q1"), answer("RMB 26,000 [1].", [cite(1, "RMB 26,000.")])),
        score_item(item(id="q2"), answer("Nothing here [1].", [cite(1, "Nothing here.")])),
        score_item(item(id="q3", kind="refuse", must_include=[], relevant_ids=[]), answer("No.", [], refused=True)),
    ]
    s = summarise(rows)
    assert s["must_include"] == 0.5 and s["refusal_accuracy"] == 1.0 and s["false_refusal_rate"] == 0.0
    problems = check_floors(s, rows)
    assert any(p.startswith("must_include = 0.500") and "q2" in p for p in problems)
    paths = report.write(rows, s, {"tax": {"items": 3, "pass_rate": 2 / 3}}, {"must_include": 0.9}, out=tmp_path, name="t")
    text = paths["report"].read_text()
    assert "| must_include | 0.900 | 0.500 | worse (-0.400) |" in text
    assert "**q2**" in text and (tmp_path / "metrics-t.png").stat().st_size > 1000
    assert len(paths["results"].read_text().splitlines()) == 3


def test_dataset_loads_and_is_well_formed():
    from evals.runner import DATASET

    items = load_dataset(DATASET)
    kinds = [i.kind for i in items]
    assert len(items) >= 60 and kinds.count("refuse") >= 10 and kinds.count("followup") >= 3
    assert len({i.id for i in items}) == len(items)
    json.dumps([i.__dict__ for i in items])


def test_floor_failures_name_only_the_items_of_that_metric():
    rows = [
        score_item(item(id="a1"), answer("No.", [], refused=True)),  # false refusal
        score_item(item(id="r1", kind="refuse", must_include=[], relevant_ids=[]), answer("RMB 26,000 [1].", [cite(1, "RMB 26,000.")])),
        score_item(item(id="r2", kind="refuse", must_include=[], relevant_ids=[]), answer("No.", [], refused=True)),
    ]
    problems = {p.split(" =")[0]: p for p in check_floors(summarise(rows), rows)}
    assert problems["refusal_accuracy"].endswith("items: ['r1']")
    assert problems["false_refusal_rate"].endswith("items: ['a1']")


def test_must_include_reads_hyphens_as_spaces_but_not_other_words():
    it = item(must_include=[["personal use"]])
    hyphen = score_item(it, answer("They are personal-use articles [1].", [cite(1, "personal-use articles")]))
    other = score_item(it, answer("They are for personal purposes [1].", [cite(1, "personal purposes")]))
    assert hyphen.metrics["must_include"] == 1.0 and other.metrics["must_include"] == 0.0
