import pytest

from assistant.retrieval.dense import dense_search
from assistant.retrieval.fusion import fuse
from assistant.retrieval.types import Filters, Ranked


def test_rrf_by_hand():
    dense = Ranked(["a", "b", "c"], [0.9, 0.8, 0.1])
    bm25 = Ranked(["c", "a"], [7.0, 3.0])
    got = fuse([(dense, 1.0), (bm25, 1.0)], "rrf", rrf_k=10)
    # a: 1/11 + 1/12, c: 1/13 + 1/11, b: 1/12
    assert [c for c, _ in got] == ["a", "c", "b"]
    assert got[0][1] == pytest.approx(1 / 11 + 1 / 12)


def test_weights_change_the_order():
    dense = Ranked(["a", "b"], [0.9, 0.8])
    bm25 = Ranked(["b", "a"], [5.0, 1.0])
    assert fuse([(dense, 1.0), (bm25, 3.0)], "rrf", 60)[0][0] == "b"
    assert fuse([(dense, 3.0), (bm25, 1.0)], "rrf", 60)[0][0] == "a"
    # weighted: min-max per arm; b gets 0 + 3*1, a gets 1*1 + 0
    assert fuse([(dense, 1.0), (bm25, 3.0)], "weighted")[0] == ("b", pytest.approx(3.0))


def test_unknown_fusion_is_an_error():
    with pytest.raises(ValueError, match="unknown fusion"):
        fuse([(Ranked(["a"], [1.0]), 1.0)], "max")


def test_another_workspace_never_matches():
    shared, mine, theirs = {"workspace": ""}, {"workspace": "w1"}, {"workspace": "w2"}
    f = Filters(include_superseded=True, workspace="w1")
    assert f.matches(shared) and f.matches(mine) and not f.matches(theirs)
    assert not Filters().matches(mine)
    assert f.where() == {"workspace": {"$in": ["", "w1"]}}


def test_filters_parse_match_and_where():
    f = Filters.parse(["doc_type=case,regulation", "mode_code=9610", "date_from=2010", "date_to=2021-06"])
    assert f.doc_types == ("case", "regulation") and f.mode_codes == ("9610",)
    meta = {"doc_type": "regulation", "code_9610": True, "date_num": 20100324, "status": "in_force"}
    assert f.matches(meta)
    assert not f.matches(meta | {"date_num": 20210701})
    assert not f.matches(meta | {"status": "superseded"})
    assert f.where() == {
        "$and": [
            {"workspace": {"$in": [""]}},
            {"doc_type": {"$in": ["case", "regulation"]}},
            {"status": {"$ne": "superseded"}},
            {"code_9610": True},
            {"date_num": {"$gte": 20100101}},
            {"date_num": {"$lte": 20210631}},
            {"date_num": {"$gt": 0}},
        ]
    }
    with pytest.raises(ValueError, match="bad filter"):
        Filters.parse(["colour=red"])
    with pytest.raises(ValueError, match="expected YYYY"):
        Filters.parse(["date_from=last year"])


def test_retriever_filters_apply_to_both_arms(assistant):
    r = assistant.retriever
    docs = r.search("bracelets recordation guarantee", k=10, filters=Filters(doc_types=("case",)))
    assert docs and {d.metadata["doc_type"] for d in docs} == {"case"}
    topic = r.search("recordation", k=10, filters=Filters(topics=("recordation",)))
    assert topic and all(d.metadata.get("topic_recordation") for d in topic)


def test_superseded_excluded_by_default_and_included_on_request(assistant):
    r = assistant.retriever
    ids = [h.chunk_id for h in r.search("old recordation period 7 years parcel", k=20)]
    assert not any(i.startswith("demo-old-rules") for i in ids)
    ids = [h.chunk_id for h in r.search("old recordation period 7 years parcel", k=20, filters=Filters(include_superseded=True))]
    assert ids[0].startswith("demo-old-rules")


def test_langchain_retriever_interface(assistant):
    docs = assistant.retriever.invoke("investigation thirty working days")
    assert docs[0].metadata["chunk_id"] == "demo-guide:investigation:0"
    assert {"score", "dense_score", "bm25_score", "dense_rank", "bm25_rank"} <= set(docs[0].metadata)


def test_both_filter_paths_give_the_same_dense_hits(assistant):
    """Few exclusions: post-filtered candidates; many: Chroma's `where`. Same answer either way."""
    r = assistant.retriever
    vec = r.store.embeddings.embed_query("bracelets jewellery fined")
    f = Filters(doc_types=("case",))
    wide, _ = dense_search(r.store, r.bm25_index, [vec], 100, f)[0]  # 20 chunks excluded <= 100: post-filter path
    narrow, _ = dense_search(r.store, r.bm25_index, [vec], 2, f)[0]  # 20 excluded > 2: `where` path
    assert narrow.ids == wide.ids[:2]
    assert all(i.startswith("demo-case-bracelets") for i in wide.ids)
