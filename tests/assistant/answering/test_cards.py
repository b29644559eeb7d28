"""Answer cards: loading refuses malformed files by name; matching needs meaning, words and agreement."""

import pytest

from assistant.answering.cards import CardError, CardIndex, load_cards
from assistant.embedders import HashingEmbeddings

CARD = """
cards:
  - id: demo-limit
    topic: tax
    intent: amount
    reviewed: 2026-11-25
    questions: ["What is the annual limit per person?", "yearly cap per buyer"]
    short_answer: "The annual limit is RMB 26,000 per person."
    legal_basis: [tax:sec-1:0]
  - id: demo-renewal
    topic: recordation
    intent: deadline
    reviewed: 2026-11-25
    questions: ["When can a recordation be renewed?", "renewal window for recordation"]
    short_answer: "Renewal may be requested within 6 months before expiry."
    legal_basis: [rules:art-10:0]
"""


def test_load_and_malformed_files_are_named(tmp_path):
    (tmp_path / "a.yaml").write_text(CARD)
    cards = load_cards(tmp_path)
    assert [c.id for c in cards] == ["demo-limit", "demo-renewal"] and cards[0].reviewed == "2026-11-25"
    (tmp_path / "b.yaml").write_text("cards:\n  - id: x\n    topic: tax\n    intent: gossip\n    short_answer: s\n")
    with pytest.raises(CardError, match=r"b.yaml: card 'x': intent 'gossip'"):
        load_cards(tmp_path)
    (tmp_path / "b.yaml").write_text("cards: [unclosed")
    with pytest.raises(CardError, match="b.yaml: not valid YAML"):
        load_cards(tmp_path)
    (tmp_path / "b.yaml").write_text(CARD.replace("demo-renewal", "demo-limit"))
    with pytest.raises(CardError, match="also in a.yaml"):
        load_cards(tmp_path)


def test_match_needs_closeness_words_and_agreement(tmp_path):
    (tmp_path / "a.yaml").write_text(CARD)
    emb = HashingEmbeddings(256)
    index = CardIndex.build(load_cards(tmp_path), emb, threshold=0.7, passages=["The annual limit applies per person."])
    q = "What is the annual limit per person?"
    m = index.match(q, emb.embed_query(q), retrieved=["tax:sec-1:0"])
    assert m and m.card.id == "demo-limit" and m.score == pytest.approx(1.0)
    # Retrieval found nothing the card cites, and the words alone are not all there: no card.
    q2 = "annual limit for companies importing machinery"
    assert index.match(q2, emb.embed_query(q2), retrieved=["other:x:0"]) is None
    # A question far from every variant gets no card at all.
    q3 = "chocolate cake recipe"
    assert index.match(q3, emb.embed_query(q3)) is None
    core = index.core("What is the annual limit for Zorblax?")
    assert "Zorblax" not in core and core.startswith("What is the")


ZH_CARD = CARD.replace(
    '    questions: ["What is the annual limit per person?", "yearly cap per buyer"]',
    '    questions: ["What is the annual limit per person?", "yearly cap per buyer"]\n    questions_zh: ["每年能买多少", "年度限值是多少"]',
).replace(
    '    questions: ["When can a recordation be renewed?", "renewal window for recordation"]',
    '    questions: ["When can a recordation be renewed?", "renewal window for recordation"]\n    questions_zh: ["备案什么时候续展", "续展备案的期限"]',
)


def test_chinese_questions_match_on_the_cards_chinese_words(tmp_path):
    from assistant.lexicon import Entry, Lexicon

    (tmp_path / "a.yaml").write_text(ZH_CARD, encoding="utf-8")
    lex = Lexicon([Entry("年度限值", "annual limit", "term"), Entry("续展", "renewal", "term"),
                   Entry("备案", "recordation", "term"), Entry("每年", "annual per year", "colloquial")])
    index = CardIndex.build(load_cards(tmp_path), HashingEmbeddings(64))
    m = index.match_chinese("备案续展的期限是多久", lex, retrieved=["rules:art-10:0"])
    assert m and m.card.id == "demo-renewal"
    assert index.match_chinese("今天天气怎么样", lex, retrieved=["rules:art-10:0"]) is None


RETURN_CARDS = """
cards:
  - id: import-returns
    topic: returns
    intent: deadline
    reviewed: 2026-11-25
    questions: ["How do returns of CBEC retail imports work?"]
    questions_zh: ["跨境电商零售进口怎么退货"]
    short_answer: "Import returns are applied for within 30 days of release."
    legal_basis: [imp:sec-1:0]
  - id: export-returns
    topic: returns
    intent: deadline
    reviewed: 2026-11-25
    questions: ["Can CBEC exports be returned?"]
    questions_zh: ["跨境电商出口的货能退货吗"]
    short_answer: "Export returns are allowed within one year of export release."
    legal_basis: [exp:sec-1:0]
"""


def test_chinese_terms_count_every_english_word_so_an_import_is_not_an_export(tmp_path):
    from assistant.lexicon import Entry, Lexicon

    (tmp_path / "a.yaml").write_text(RETURN_CARDS, encoding="utf-8")
    lex = Lexicon([Entry("跨境电商零售进口", "CBEC retail import", "mode"), Entry("跨境电商出口", "CBEC export", "mode"),
                   Entry("退货", "return returns", "action")])
    index = CardIndex.build(load_cards(tmp_path), HashingEmbeddings(64))
    both = ["imp:sec-1:0", "exp:sec-1:0"]
    m = index.match_chinese("跨境电商零售进口的商品可以退货吗", lex, retrieved=both)
    assert m and m.card.id == "import-returns"
    m = index.match_chinese("跨境电商出口的货可以退货吗", lex, retrieved=both)
    assert m and m.card.id == "export-returns"


def test_match_among_restricts_the_cards(tmp_path):
    (tmp_path / "a.yaml").write_text(CARD)
    emb = HashingEmbeddings(256)
    index = CardIndex.build(load_cards(tmp_path), emb, threshold=0.7)
    q = "What is the annual limit per person?"
    assert index.match(q, emb.embed_query(q), retrieved=["tax:sec-1:0"], among=["demo-limit"]).card.id == "demo-limit"
    assert index.match(q, emb.embed_query(q), retrieved=["tax:sec-1:0"], among=["demo-renewal"]) is None


def test_a_question_about_exports_never_gets_an_import_card(tmp_path):
    (tmp_path / "a.yaml").write_text(RETURN_CARDS.replace(
        'short_answer: "Import returns', 'short_answer: "CBEC import returns'), encoding="utf-8")
    emb = HashingEmbeddings(256)
    index = CardIndex.build(load_cards(tmp_path), emb, threshold=0.3)
    q = "How do returns of CBEC retail exports work?"  # the import card's wording, but exports
    listed = [index.cards[ci].id for _, _, ci, _ in index.shortlist(q, emb.embed_query(q))]
    assert "import-returns" not in listed and listed[:1] == ["export-returns"]


def test_a_chinese_question_far_ahead_on_one_cards_words_needs_no_retrieval_agreement(tmp_path):
    from assistant.lexicon import Entry, Lexicon

    (tmp_path / "a.yaml").write_text(RETURN_CARDS, encoding="utf-8")
    lex = Lexicon([Entry("跨境电商零售进口", "CBEC retail import", "mode"), Entry("跨境电商出口", "CBEC export", "mode"),
                   Entry("退货", "return returns", "action")])
    index = CardIndex.build(load_cards(tmp_path), HashingEmbeddings(64))
    m = index.match_chinese("跨境电商出口的货可以退货吗", lex, retrieved=["other:x:0"])
    assert m and m.card.id == "export-returns"
    # Words shared by both cards alone (a tie) still need more than that.
    assert index.match_chinese("退货", lex, retrieved=["other:x:0"]) is None


DETENTION_CARDS = """
cards:
  - id: seller-detained
    topic: investigation
    intent: procedure
    reviewed: 2026-11-25
    questions: ["customs detained my goods, what should i do"]
    questions_zh: ["海关扣了我的货怎么办", "货被海关扣了，卖家能做什么"]
    short_answer: "Answer customs with evidence of authorisation."
    what_to_do: ["Give customs the authorisation letter."]
    legal_basis: [regs:art-24:0]
  - id: holder-applies
    topic: application_protection
    intent: procedure
    reviewed: 2026-11-25
    questions: ["how can a brand owner ask customs to detain goods"]
    questions_zh: ["怎么申请海关扣留侵权货物", "没有备案能不能申请海关扣货"]
    short_answer: "The right holder files a written request and posts a guarantee."
    what_to_do: ["File the request."]
    legal_basis: [regs:art-14:0]
"""


def test_a_chinese_question_worded_like_one_cards_own_goes_to_that_card(tmp_path):
    """Both cards carry the topic words (海关, 扣, 货) and retrieval found both; the rest of the
    wording (我的货 … 怎么办: the seller's own goods) decides, and a rewording still finds it."""
    from assistant.lexicon import Entry, Lexicon

    (tmp_path / "a.yaml").write_text(DETENTION_CARDS, encoding="utf-8")
    lex = Lexicon([Entry("海关", "customs", "party"), Entry("扣", "detain detention", "colloquial"),
                   Entry("货", "goods", "colloquial"), Entry("申请", "apply application", "action")])
    index = CardIndex.build(load_cards(tmp_path), HashingEmbeddings(64))
    both = ["regs:art-14:0", "regs:art-24:0"]
    for q in ("海关扣了我的货怎么办？", "我的货被海关扣了怎么办"):
        m = index.match_chinese(q, lex, retrieved=both)
        assert m and m.card.id == "seller-detained", q
    m = index.match_chinese("我想申请海关扣留别人的侵权货物", lex, retrieved=both)
    assert m is None or m.card.id == "holder-applies"


COMPARISON_CARDS = """
cards:
  - id: b2b-pair
    topic: modes
    intent: comparison
    reviewed: 2026-11-25
    questions: ["difference between 9710 and 9810", "9710 or 9810 which code"]
    questions_zh: ["9710和9810有什么区别"]
    short_answer: "9710 ships direct to a business buyer; 9810 ships to an overseas warehouse first."
    legal_basis: [b2b:sec-1:0]
  - id: retail-vs-b2b
    topic: modes
    intent: comparison
    reviewed: 2026-11-25
    questions: ["difference between 9610 export and 9710"]
    questions_zh: ["9610出口和9710有什么区别"]
    short_answer: "9610 sells to consumers abroad; 9710 to businesses abroad."
    legal_basis: [b2b:sec-2:0]
"""


def test_a_comparison_of_codes_gets_only_a_card_naming_every_code(tmp_path):
    """"9610 vs 9710" shares 9710 and every other word with the 9710-versus-9810 card, but that card
    does not compare what was asked."""
    from assistant.lexicon import Entry, Lexicon

    (tmp_path / "a.yaml").write_text(COMPARISON_CARDS, encoding="utf-8")
    emb = HashingEmbeddings(256)
    index = CardIndex.build(load_cards(tmp_path), emb, threshold=0.3)
    q = "what is the difference between 9610 and 9710"
    listed = [index.cards[ci].id for _, _, ci, _ in index.shortlist(q, emb.embed_query(q))]
    assert listed == ["retail-vs-b2b"]
    lex = Lexicon([Entry("区别", "differ difference", "colloquial")])
    m = index.match_chinese("9610和9710有什么区别", lex, retrieved=["b2b:sec-1:0", "b2b:sec-2:0"])
    assert m is None or m.card.id == "retail-vs-b2b"
    assert index.match_chinese("9710和9810有什么区别", lex, retrieved=["b2b:sec-1:0"]).card.id == "b2b-pair"


def test_a_question_naming_one_code_never_gets_a_card_about_another_code(tmp_path):
    """The embedder hardly tells "9610" from "9710": a card whose answer is about 9710 only is not
    offered for "what is 9610?", while a card naming no code (a general rule) still is."""
    (tmp_path / "a.yaml").write_text(COMPARISON_CARDS + """
  - id: general-rule
    topic: modes
    intent: definition
    reviewed: 2026-11-25
    questions: ["what is a customs supervision code"]
    short_answer: "A supervision code tells customs which regime a declaration follows."
    legal_basis: [b2b:sec-3:0]
""", encoding="utf-8")
    emb = HashingEmbeddings(256)
    index = CardIndex.build(load_cards(tmp_path), emb, threshold=0.0)
    q = "what is 9810"
    listed = {index.cards[ci].id for _, _, ci, _ in index.shortlist(q, emb.embed_query(q))}
    assert "retail-vs-b2b" not in listed and {"b2b-pair", "general-rule"} <= listed


def test_a_figure_counts_for_the_card_whose_answer_states_it(tmp_path):
    """"RMB 5,000" and "5000" are one figure, and a figure a card's question only uses as an
    example (6000 rmb in one order) does not count for that card: the card stating the rule for
    such orders is closer."""
    (tmp_path / "a.yaml").write_text("""
cards:
  - id: per-order-limit
    topic: tax
    intent: amount
    reviewed: 2026-11-25
    questions: ["my customer wants to buy 6000 rmb worth in one order, allowed?"]
    short_answer: "The per-order limit is RMB 5,000."
    legal_basis: [tax:sec-1:0]
  - id: single-item
    topic: tax
    intent: permission
    reviewed: 2026-11-25
    questions: ["can one item above the limit still go through"]
    short_answer: "An order above RMB 5,000 holding one item may still clear, taxed in full."
    legal_basis: [tax:sec-2:0]
""", encoding="utf-8")
    index = CardIndex.build(load_cards(tmp_path), HashingEmbeddings(64), threshold=0.3)
    limit, single = range(2)
    assert index.coverage("is the limit 5000 rmb", limit) == index.coverage("is the limit RMB 5,000", limit) == 1.0
    assert "6000" not in index.card_terms[limit] and "5000" in index.card_terms[single]
    q = "an order of one item costing RMB 6,000"
    assert index.coverage(q, single) > index.coverage(q, limit)


def test_without_retrievals_voucher_a_card_needs_nearly_all_the_words(tmp_path):
    """``words_only`` (retrieval's passages were too far to vouch): closeness and half the words are
    not enough, nearly all the words are."""
    (tmp_path / "a.yaml").write_text(CARD)
    emb = HashingEmbeddings(256)
    index = CardIndex.build(load_cards(tmp_path), emb, threshold=0.5, passages=["per person limits for companies"])
    half = "What is the annual limit for companies?"
    assert index.match(half, emb.embed_query(half)) is not None  # retrieval not asked: closeness and half the words
    assert index.match(half, emb.embed_query(half), words_only=True) is None
    full = "annual limit per person"
    assert index.match(full, emb.embed_query(full), words_only=True).card.id == "demo-limit"


def test_a_card_far_ahead_of_every_other_answers_without_retrievals_agreement(tmp_path):
    """Close, most of the words, and far ahead of the next card: the card answers even when retrieval
    found none of its passages. With a second card just as close, retrieval must agree."""
    (tmp_path / "a.yaml").write_text(CARD)
    emb = HashingEmbeddings(256)
    passages = ["per person limits for companies"]
    index = CardIndex.build(load_cards(tmp_path), emb, threshold=0.5, passages=passages)
    q = "What is the annual limit per person for companies?"
    assert 0.7 <= index.coverage(q, 0) < 0.8
    m = index.match(q, emb.embed_query(q), retrieved=["other:x:0"])
    assert m is not None and m.card.id == "demo-limit"
    (tmp_path / "b.yaml").write_text(CARD.replace("demo-limit", "demo-limit-twin").replace("demo-renewal", "demo-renewal-twin"))
    twins = CardIndex.build(load_cards(tmp_path), emb, threshold=0.5, passages=passages)
    assert twins.match(q, emb.embed_query(q), retrieved=["other:x:0"]) is None


def test_a_chinese_export_question_never_gets_an_import_card(tmp_path):
    """Worded like the import card's own question and backed by its passage, but about exports (出口
    reads "export" in the translation): the import card is not offered, as in English."""
    from assistant.lexicon import Entry, Lexicon

    (tmp_path / "a.yaml").write_text(RETURN_CARDS, encoding="utf-8")
    lex = Lexicon([Entry("跨境电商零售", "CBEC retail", "mode"), Entry("退货", "return returns", "action"),
                   Entry("出口", "export", "term"), Entry("进口", "import", "term")])
    index = CardIndex.build(load_cards(tmp_path), HashingEmbeddings(64))
    m = index.match_chinese("跨境电商零售出口怎么退货", lex, retrieved=["imp:sec-1:0"], english="CBEC retail export return")
    assert m is None or m.card.id == "export-returns"
    m = index.match_chinese("跨境电商零售进口怎么退货", lex, retrieved=["imp:sec-1:0"], english="CBEC retail import return")
    assert m is not None and m.card.id == "import-returns"


CASE_CARDS = """
cards:
  - id: rule-fine
    topic: penalties
    intent: penalty
    reviewed: 2026-12-08
    questions: ["what happens when customs finds fake goods", "penalty for fake goods found by customs"]
    questions_zh: ["海关查到假货怎么处罚"]
    short_answer: "Customs confiscates infringing goods and may fine up to 30% of value."
    legal_basis: [rule:art-25:0]
  - id: case-parcels
    topic: cases
    intent: penalty
    reviewed: 2026-12-08
    questions: ["customs finds fake goods in parcels", "fake goods found in parcels by customs"]
    questions_zh: ["海关在包裹里查到假货的案例"]
    short_answer: "In 2022 customs found 941 fake items in parcels."
    legal_basis: [case:overview:0]
"""


def test_a_question_about_the_askers_own_goods_gets_the_rule_not_a_case(tmp_path):
    """A case card worded like the seller's situation answers a question about cases, never the
    seller's own goods: those want the rule and the next steps."""
    from assistant.lexicon import Entry, Lexicon

    (tmp_path / "a.yaml").write_text(CASE_CARDS, encoding="utf-8")
    emb = HashingEmbeddings(256)
    index = CardIndex.build(load_cards(tmp_path), emb, threshold=0.3)

    def listed(q):
        return [index.cards[ci].id for _, _, ci, _ in index.shortlist(q, emb.embed_query(q))]

    assert listed("customs finds fake goods in parcels")[:1] == ["case-parcels"]
    assert "case-parcels" not in listed("customs finds fake goods in my parcels")
    assert listed("any cases where customs finds fake goods in our parcels")[:1] == ["case-parcels"]
    lex = Lexicon([Entry("海关", "customs", "party"), Entry("查到", "found", "colloquial"), Entry("假货", "fake", "term"),
                   Entry("包裹", "parcel", "term"), Entry("案例", "case", "term")])
    both = ["rule:art-25:0", "case:overview:0"]
    m = index.match_chinese("海关在包裹里查到假货", lex, retrieved=both)
    assert m is not None and m.card.id == "case-parcels"
    m = index.match_chinese("海关在我的包裹里查到假货", lex, retrieved=both)
    assert m is None or m.card.id == "rule-fine"
