

def test_word_pairs_reward_passages_that_keep_the_question_words_together():
    from assistant.retrieval.bm25 import Bm25Index, tokenize
    from assistant.schema import StoredChunk

    assert tokenize(["Customs shall detain the goods"], pairs=True)[0] == [
        "custom", "shall", "detain", "good", "custom_shall", "shall_detain", "detain_good"]
    together = "The right holder must post a guarantee before customs detains the goods."
    apart = "The goods are detained; the holder of the right may later post a bond or guarantee."
    chunks = [StoredChunk("a", apart, {"chunk_id": "a"}), StoredChunk("b", together, {"chunk_id": "b"})]
    plain = Bm25Index.build([*chunks, *FILLER])
    paired = Bm25Index.build([*chunks, *FILLER], pairs=True)
    q = "right holder post guarantee"
    score = lambda idx: dict((idx.chunk_id(r), s) for r, s in idx.search(q, 5))  # noqa: E731
    assert score(paired)["b"] / score(paired)["a"] > score(plain)["b"] / score(plain)["a"]


def test_pairs_setting_survives_save_and_load(tmp_path):
    from assistant.retrieval.bm25 import Bm25Index
    from assistant.schema import StoredChunk

    idx = Bm25Index.build([StoredChunk("a", "customs detains goods", {"chunk_id": "a"}), *FILLER], pairs=True)
    idx.save(tmp_path / "i")
    again = Bm25Index.load(tmp_path / "i")
    assert again.pairs and again.search("customs detains", 1)[0][0] == 0


def _filler():
    from assistant.schema import StoredChunk

    words = "tariff list order payment logistics platform consumer annual limit tax rate refund".split()
    return [StoredChunk(f"f{i}", " ".join(words[i % 7 : i % 7 + 5]), {"chunk_id": f"f{i}"}) for i in range(20)]


FILLER = _filler()
