"""The growth benchmark's pure parts (perturbed copies, reaching a size) and the shape of its results.

No timing is asserted: the figures depend on the machine.
"""

import json
import math
import random
from dataclasses import fields

import pytest

from evals.benchmarks import growth as G

WORDS = ("customs duty goods import export licence rule firm client report record risk fund "
         "market authority notice person market capital asset trade").split()


def passage(n: int, words: int = 40) -> str:
    rng = random.Random(n)
    return " ".join(rng.choice(WORDS) for _ in range(words))


def records(n: int = 50) -> list[dict]:
    out = []
    for k in range(n):
        pid = f"{k // 10 + 1}.{k % 10}.Guidance.1." if k % 4 == 0 else f"{k // 10 + 1}.{k % 10}.1."
        out.append({"id": f"{k % 3 + 1}|{pid}", "text": passage(k, 10 + k % 30),
                    "metadata": {"title": f"Part {k // 10}", "document": str(k % 3 + 1), "passage_id": pid}})
    return out


# ---- perturbation ---------------------------------------------------------------------------


def test_perturb_is_deterministic_per_seed_passage_and_copy():
    text = passage(1, 120)
    a = G.perturb(text, G.copy_rng(0, "p", 1))
    assert a == G.perturb(text, G.copy_rng(0, "p", 1))
    others = {G.perturb(text, G.copy_rng(s, p, i)) for s, p, i in ((1, "p", 1), (0, "q", 1), (0, "p", 2))}
    assert a not in others and len(others) == 3


def test_perturb_changes_a_few_words_in_every_window_and_keeps_line_breaks():
    text = passage(2, 100) + "\n\n" + passage(3, 60)
    out = G.perturb(text, G.copy_rng(0, "p", 1))
    assert out != text and "\n\n" in out
    n, m = len(text.split()), len(out.split())
    windows = math.ceil(100 / G.WINDOW) + math.ceil(60 / G.WINDOW)
    assert abs(n - m) <= windows
    # each window of the original is edited: no 2*WINDOW-word stretch of the original survives intact
    words = text.split()
    stretches = {" ".join(words[i : i + 2 * G.WINDOW]) for i in range(0, len(words) - 2 * G.WINDOW)}
    assert not any(s in " ".join(out.split()) for s in stretches)


@pytest.mark.parametrize("text", ["INTRODUCTION", "a b", "same same", "[Deleted]"])
def test_perturb_never_returns_the_text_or_nothing(text):
    for i in range(1, 6):
        out = G.perturb(text, G.copy_rng(0, "x", i))
        assert out.strip() and out != text


def test_guidance_passages_get_their_doc_type():
    assert G.doc_type_of("14.2.3.Guidance.10.") == "guidance"
    assert G.doc_type_of("7.1.3.Guidance on high-risk customers .1.") == "guidance"
    assert G.doc_type_of("Part 1.Chapter 1.1.(1)") == "rule"
    labelled = G.label_doc_types(records(8))
    assert {r["metadata"]["doc_type"] for r in labelled} == {"guidance", "rule"}
    assert "doc_type" not in records(1)[0]["metadata"]  # the input is not changed


# ---- reaching a size ------------------------------------------------------------------------


def test_sizes_below_the_corpus_are_nested_samples_in_order():
    recs = records(50)
    small, large = G.grow(recs, 10), G.grow(recs, 30)
    assert len(small) == 10 and len(large) == 30
    assert {r["id"] for r in small} <= {r["id"] for r in large}
    order = {r["id"]: k for k, r in enumerate(recs)}
    assert [order[r["id"]] for r in large] == sorted(order[r["id"]] for r in large)
    assert G.grow(recs, 30) == large and G.grow(recs, 30, seed=1) != large


def test_sizes_above_the_corpus_add_distinct_perturbed_copies():
    recs = records(50) + [{"id": "empty", "text": "  ", "metadata": {}}, dict(records(1)[0])]  # no text, repeated id
    out = G.grow(recs, 175)
    assert len(out) == 175 and len({r["id"] for r in out}) == 175
    assert out[:50] == records(50)  # every original first, unchanged
    assert out[50]["id"] == G.copy_id(recs[0]["id"], 1) and out[150]["id"] == G.copy_id(recs[0]["id"], 3)
    assert len({r["text"] for r in out[50:]}) == 125
    assert not {r["text"] for r in out[50:]} & {r["text"] for r in out[:50]}
    assert out[60]["metadata"] == recs[10]["metadata"]
    assert G.grow(recs, 175) == out and G.grow(recs, 120) == out[:120]  # same seed, same (nested) corpus


def test_one_word_passages_still_get_distinct_copies():
    recs = [{"id": f"h{k}", "text": "INTRODUCTION", "metadata": {}} for k in range(3)]
    out = G.grow(recs, 40)
    assert len({r["text"] for r in out[3:]}) == 37 and all(r["text"].strip() for r in out)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        G.grow([{"id": "a", "text": "", "metadata": {}}], 5)
    assert G.parse_sizes("10000, 1000,1000") == [1000, 10000]
    assert G.parse_stores("server,embedded") == ["embedded", "server"]
    for bad in ("", "0", "1k"):
        with pytest.raises(ValueError):
            G.parse_sizes(bad)
    with pytest.raises(ValueError):
        G.parse_stores("embedded,cloud")
    assert G.stem([100000, 1000, 1500]) == "growth-1k-1500-100k"


def test_child_processes_get_the_same_settings(settings):
    from assistant.config import Settings

    case = settings.replace(chroma_host="127.0.0.1", chroma_port=8123, include_superseded=True, max_file_mb=1e4)
    assert Settings.from_env(G.settings_env(case)) == case


# ---- result shape on a tiny corpus (embedded store, hashing embedder, steps in-process) --------


def test_results_table_json_and_plot(settings, tmp_path):
    questions = [passage(k, 8) for k in range(5)]
    logged = []
    rows = G.measure(G.label_doc_types(records(50)), questions, settings, [30, 80], ["embedded"],
                     runner=G.run_in_process, log=logged.append)
    assert [(r.size, r.store) for r in rows] == [(30, "embedded"), (80, "embedded")]
    for r in rows:
        assert r.records == r.size and r.chunks >= r.records and r.failed == 0
        assert r.queries == 5 and r.hits_mean > 0 and r.filtered_hits_mean > 0
        assert r.filter == "doc_type=guidance" and 0 < r.filter_share < 1
        assert r.server_rss_mb is None and r.server_mb is None and r.disk_mb == r.data_mb > 0
        assert r.rss_mb > 0
    assert rows[1].embedded_fresh < rows[1].chunks  # the 30 of the first size came from the cache
    assert len(logged) == 4

    table = G.format_table(rows).splitlines()
    assert len(table) == 3 and table[0].split()[:3] == ["size", "store", "chunks"]
    assert table[1].split()[:2] == ["30", "embedded"]

    paths = G.write_outputs(rows, {"sizes": [30, 80], "stores": ["embedded"]}, tmp_path / "out")
    assert paths["json"].name == "growth-30-80.json" and paths["png"].stat().st_size > 0
    data = json.loads(paths["json"].read_text())
    assert data["meta"]["sizes"] == [30, 80]
    assert [set(r) for r in data["rows"]] == [{f.name for f in fields(G.Row)}] * 2


@pytest.mark.integration
def test_both_stores_in_child_processes(settings):
    """The real path: a `chroma run` server, ingest and serving each in their own process."""
    questions = [passage(k, 8) for k in range(3)]
    rows = G.measure(G.label_doc_types(records(40)), questions, settings, [40], ["embedded", "server"],
                     log=lambda m: None)
    emb, srv = rows
    assert emb.chunks == srv.chunks > 0 and srv.embedded_fresh == 0  # the server case reused the vectors
    assert srv.server_rss_mb > 0 and srv.server_mb > 0 and srv.disk_mb > srv.data_mb
    assert emb.startup_s > emb.first_answer_s > 0 and srv.filtered_hits_mean > 0
