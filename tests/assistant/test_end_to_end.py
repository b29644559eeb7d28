"""The real bundled model over the real corpus: cited passages contain the expected facts."""

import pytest

from assistant.text import markers

pytestmark = pytest.mark.integration

CASES = [
    ("What is the annual limit for cross-border e-commerce retail imports?", "26,000", {"cbec-retail-import-tax-2018"}),
    ("How long is a customs IPR recordation valid?", "10 years", {"customs-ipr-regulations", "customs-ipr-recordation-system"}),
    ("How many working days does the right holder have to reply after customs notifies it of suspected goods?",
     "3 working days", None),
    ("What is the maximum fine for exporting goods that infringe a trademark?", "30%", None),
]


@pytest.mark.parametrize(("question", "fact", "doc"), CASES)
def test_cited_passage_contains_the_fact(real_assistant, question, fact, doc):
    a = real_assistant.invoke(question)
    assert not a.refused, a.answer
    assert fact in a.body()
    for part in (a.short_answer, *a.key_points):  # every part carries markers that point at a source
        assert markers(part) and all(1 <= m <= len(a.citations) for m in markers(part)), part
    supporting = [c for c in a.citations if fact in c.text]
    assert supporting, [c.id for c in a.citations]
    if doc:
        assert any(c.doc_id in doc for c in supporting)


def test_out_of_scope_refused_and_superseded_flagged(real_assistant):
    assert real_assistant.invoke("What is a good recipe for dumplings?").refused
    a = real_assistant.invoke({"question": "What limits did Cai Guan Shui [2016] No. 18 set for CBEC retail imports?",
                               "filters": ["include_superseded=true"]})
    assert not a.refused
    # The 2016 notice's limits were replaced in 2019; its taxpayer and valuation rules still apply.
    assert any(c.status in {"superseded", "partly_superseded"} for c in a.citations)
    assert "superseded" in a.answer and ("replaced by" in a.answer or "what still applies" in a.answer)


@pytest.mark.parametrize(
    ("question", "figure", "article"),
    [
        ("what guarantee for goods worth RMB 150,000 detained ex officio?", "RMB 75,000.00", "Article 23"),
        ("how much tax on a RMB 3,000 lipstick order?", "RMB 273.00", "Section 2"),
        ("customs served the notice on 26 September 2025, when is my reply due?", "2025-09-30", "Article 22"),
    ],
)
def test_calculable_questions_get_the_exact_figure_with_its_legal_basis(real_assistant, question, figure, article):
    a = real_assistant.invoke(question)
    assert a.backend == "calculator" and figure in a.short_answer, a.short_answer
    assert any(c.article == article for c in a.legal_basis), [c.article for c in a.legal_basis]


def test_a_calculation_missing_its_input_answers_with_the_rule_and_asks_for_it(real_assistant):
    a = real_assistant.invoke("how much tax will I pay on my order?")
    assert not a.refused and a.short_answer and a.citations
    assert a.what_to_do[-1] == "For the exact figure: What is the goods' value in RMB?"
    assert a.what_to_do[-1] in a.body()


def test_a_chinese_return_question_gets_the_chinese_import_return_answer(real_assistant):
    a = real_assistant.invoke("跨境电商零售进口的商品可以退货吗？")
    assert not a.refused and a.lang == "zh" and a.card_id.startswith("cbec-import-return")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in a.short_answer)  # the short answer itself is Chinese
    assert "export" not in a.card_id


@pytest.mark.parametrize(("question", "instrument"), [
    ("哪个文件规定跨境零售进口的东西不能二次销售", "486"),
    ("which notice set the 26000 per year cbec limit?", "Cai Guan Shui [2018] No. 49"),
])
def test_which_document_questions_name_the_instrument_first(real_assistant, question, instrument):
    a = real_assistant.invoke(question)
    first = a.short_answer.split("。")[0].split("]. ")[0]
    assert instrument in first and first.startswith(("Legal basis:", "法律依据："))
    assert all(1 <= m <= len(a.citations) for m in markers(a.short_answer))


def test_a_colloquial_limit_question_just_under_the_similarity_floor_is_answered(real_assistant):
    a = real_assistant.invoke("whats the max one order i can buy on tmall global")
    assert not a.refused and "5,000" in a.body()


def test_a_seller_whose_parcel_was_stopped_gets_steps(real_assistant):
    a = real_assistant.invoke("customs stopped my parcel of branded earbuds, what should i do")
    assert not a.refused and a.card_id and len(a.what_to_do) >= 2, a.answer


def test_a_fine_question_gets_the_fine_first(real_assistant):
    a = real_assistant.invoke("What is the fine if I don't declare the IP status?")
    assert "50,000" in a.short_answer, a.answer


@pytest.mark.parametrize(("question", "card"), [
    ("I'm bringing a couple of fake designer bags home in my suitcase for myself. Are they infringing goods?",
     "ipr-personal-articles"),
    ("competitor says my kettle copies their design patent, can customs stop that at export or only trademarks",
     "ipr-rights-covered"),
])
def test_dropping_product_names_only_confirms_the_closest_card(real_assistant, question, card):
    assert real_assistant.invoke(question).card_id == card


@pytest.mark.parametrize(("question", "opens_with_yes"), [
    ("海关认定侵权以后货物怎么处理", False),  # "how": a bare 会。 would answer another question
    ("侵权货物海关会没收吗", True),
    ("what happens to goods customs finds infringing", False),
    ("will customs confiscate infringing goods", True),
])
def test_a_cards_yes_opens_only_an_answer_to_a_yes_no_question(real_assistant, question, opens_with_yes):
    a = real_assistant.invoke(question)
    assert a.card_id == "ipr-confiscation", a.card_id
    assert a.short_answer.startswith(("会。", "Yes.")) is opens_with_yes, a.short_answer


@pytest.mark.parametrize("question", ["品牌方不交担保会怎样", "权利人不提供担保会怎么样"])
def test_a_holder_that_does_not_pay_the_guarantee_gets_the_release_rule_in_chinese(real_assistant, question):
    a = real_assistant.invoke(question)
    assert a.card_id == "ipr-no-reply-from-right-holder" and a.lang == "zh", (a.card_id, a.short_answer)
    assert "不得扣留" in a.short_answer


@pytest.mark.parametrize(("question", "lead"), [
    ("What guarantee must I lodge if customs detains goods worth RMB 50,000 on its own initiative?",
     "Amount: RMB 25,000.00"),
    ("how much guarantee for a detention on application, goods worth RMB 80,000", "At most: RMB 80,000.00"),
    ("海关依职权扣留货值5万元的货物，要交多少担保？", "由权利人提供担保，金额为RMB 25,000.00"),
])
def test_a_guarantee_answer_says_who_posts_it_in_its_first_sentence(real_assistant, question, lead):
    a = real_assistant.invoke(question)
    assert a.backend == "calculator" and a.short_answer.startswith(lead), a.short_answer
    assert "权利人" in a.short_answer or "Posted by: the right holder" in a.short_answer


@pytest.mark.parametrize("question", ["海关扣了我的货怎么办？", "我的货被海关扣了怎么办"])
def test_a_chinese_seller_whose_goods_are_held_gets_the_sellers_steps_not_the_right_holders(real_assistant, question):
    """The first thing a seller asks: the seller's card (evidence, authorisation, release limits),
    not the right holder's application for detention, which shares every topic word."""
    a = real_assistant.invoke(question)
    assert a.lang == "zh" and a.card_id == "ipr-seller-goods-detained", (a.card_id, a.short_answer)
    assert len(a.what_to_do) >= 2 and "授权" in a.answer


def test_a_chinese_fine_question_in_a_sellers_words_gets_the_fine(real_assistant):
    """品牌方说我的货是假的，海关要罚多少钱: 罚 and 假的 are read as fine and counterfeit, not guessed
    into 要罚 and 货是 (which had sent it to the recordation fee)."""
    a = real_assistant.invoke("品牌方说我的货是假的，海关要罚多少钱")
    assert a.lang == "zh" and a.card_id == "ipr-fine-for-infringing-goods", (a.card_id, a.short_answer)
    assert "30%" in a.short_answer


def test_a_chinese_comparison_of_two_codes_is_answered_about_those_codes(real_assistant):
    """No lexicon word but two mode codes: the question is understood (it was refused), and the
    9710-versus-9810 card, which shares 9710 and every other word, does not answer it."""
    a = real_assistant.invoke("9610和9710有什么不一样")
    assert not a.refused
    assert a.card_id != "cbec-9710-vs-9810"
    assert "9610" in a.answer and "9710" in a.answer


def test_a_guarantee_question_without_the_value_gets_the_guarantee_rule_and_is_asked_for_it(real_assistant):
    """The calculator recognises a guarantee question missing the goods' value: the answer is the
    guarantee card's rule (its words also fit the ex officio statistics card, which answered before),
    then the question for the value."""
    a = real_assistant.invoke("海关依职权扣货，品牌方要交多少担保")
    assert a.card_id == "ipr-ex-officio-guarantee-tiers"
    assert "200,000" in a.answer and "请提供货物的价值" in a.answer


def test_is_an_instrument_still_in_force_is_answered_from_its_status(real_assistant):
    """The standing leads, both the instrument and its replacement are cited, and no currency note
    repeats what the answer says."""
    a = real_assistant.invoke("Is Cai Guan Shui [2016] No. 18 still in force?")
    assert a.answer.startswith("Partly superseded: Cai Guan Shui [2016] No. 18")
    assert {c.doc_id for c in a.citations} == {"cbec-retail-import-tax-2016", "cbec-retail-import-tax-2018"}
    assert "Note: source" not in a.answer
    zh = real_assistant.invoke("财关税〔2016〕18号还有效吗")
    assert zh.answer.startswith("部分有效") and "注意：来源" not in zh.answer


def test_a_hedged_yes_is_dropped_when_the_question_is_not_a_yes_no_question(real_assistant):
    """The card's 'Reportedly yes:' answers 'must a platform publish…?'; asked what the article
    says, the answer keeps the hedge without the yes."""
    a = real_assistant.invoke("what does article 44 of the ecommerce law say about publishing complaints")
    assert a.answer.startswith("Reportedly, according to commentary")
    zh = real_assistant.invoke("平台公示侵权通知的规定是怎样的")
    assert zh.answer.startswith("据介绍，按照")


def test_a_short_question_far_from_every_passage_is_answered_by_the_card_carrying_its_words(real_assistant):
    """MiniLM puts "whats a recordal" below the relevance floor of every passage; the recordation
    card carries all its words, so it answers instead of a refusal. Off-topic questions with no
    such card are still refused."""
    a = real_assistant.invoke("whats a recordal")
    assert not a.refused and a.card_id == "ipr-recordation-what"
    assert "GACC" in a.short_answer
    for question in ("what is the capital of france", "tell me a joke"):
        assert real_assistant.invoke(question).refused, question


def _after(real_assistant, first: str, second: str):
    history = [{"role": "user", "content": first},
               {"role": "assistant", "content": real_assistant.invoke(first).answer}]
    return real_assistant.invoke({"question": second, "history": history})


def test_a_followup_the_corpus_cannot_answer_alone_is_read_with_the_previous_question(real_assistant):
    """"不服怎么办" after "海关罚款了" has no pronoun or lead word, and alone it is refused; read with
    the previous question it asks how to challenge the fine. Off-topic words are not retried."""
    a = _after(real_assistant, "海关罚款了", "不服怎么办")
    assert not a.refused and a.card_id == "challenge-customs-decision"
    assert a.standalone_question == "海关罚款了？不服怎么办"
    assert _after(real_assistant, "customs fined me for fake shoes", "tell me a joke").refused


def test_a_chinese_followup_on_the_same_subject_keeps_the_codes_and_direction(real_assistant):
    """After "9610出口可以退货吗", "退货期限是多久" is about export returns, not the import return window."""
    a = _after(real_assistant, "9610出口可以退货吗", "退货期限是多久")
    assert a.standalone_question == "9610出口退货期限是多久"
    assert a.card_id == "cbec-export-returns-deadline" and "1年" in a.short_answer


def test_asked_whether_a_rule_still_applies_the_card_leads_with_its_basis_and_standing(real_assistant):
    """No instrument is named, so the status answer does not apply; the card's answer leads with its
    legal basis and that instrument's standing from the corpus status model."""
    a = real_assistant.invoke("is the 5000 rmb single limit still in force")
    assert a.answer.startswith("Legal basis: Cai Guan Shui [2018] No. 49, Section 1 (in force) [1].")
    zh = real_assistant.invoke("26000元的年度限额还有效吗")
    assert zh.answer.startswith("法律依据：") and "（现行有效）" in zh.short_answer
    plain = real_assistant.invoke("what is the single transaction limit for cbec imports")
    assert "(in force)" not in plain.answer


def test_a_near_tie_of_two_cards_goes_to_the_one_with_every_topic_word(real_assistant):
    """"一年最多能买多少钱" ties the per-order and the annual limit cards on wording and retrieval; the
    annual card carries every topic word, so it answers rather than English passages."""
    a = real_assistant.invoke("跨境电商进口一年最多能买多少钱")
    assert a.card_id == "cbec-import-annual-limit" and "26000元" in a.short_answer


def test_a_seller_asking_about_their_own_goods_gets_the_rule_and_steps_not_a_published_case(real_assistant):
    """"海关发现我的包裹里有假货" shares every word with a 2022 case of fakes found in parcels; the
    seller wants what happens to their goods. 查到 ("found") is a word the lexicon knows, so the
    penalty question reaches the fine card instead of English passages."""
    a = real_assistant.invoke("海关发现我的包裹里有假货")
    assert not a.card_id.startswith("case-") and not a.card_id.startswith("stats-")
    fine = real_assistant.invoke("海关查到侵权货物会怎么处罚")
    assert fine.card_id == "ipr-fine-for-infringing-goods" and "30%" in fine.short_answer


def test_a_yes_no_question_gets_the_verdict_that_answers_it(real_assistant):
    """"Is 9610 also used for exports?" is answered yes; "can I use 9610 for B2B exports?" no."""
    a = real_assistant.invoke("can I use 9610 for B2B exports")
    assert a.card_id == "cbec-9610-not-for-b2b" and a.answer.startswith("No.") and "9710" in a.short_answer
    assert real_assistant.invoke("is 9610 also used for exports").answer.startswith("Yes")


def test_a_card_answer_opening_with_a_negation_keeps_it(real_assistant):
    """"No tax is collected…" is a statement, not a verdict: taking "No" off for a question not asked
    as yes/no turned it into "Tax is collected…"."""
    a = real_assistant.invoke("tell me about tax on returned cross-border imports and the annual quota")
    assert a.card_id == "cbec-import-return-tax-quota" and a.answer.startswith("No tax is collected")


def test_a_card_reached_without_the_questions_product_gives_no_verdict(real_assistant):
    """"can i import baby formula through cbec" reaches the licensing card only once "baby formula" is
    set aside; that card's "No," answers whether a licence is needed, not whether formula may come in."""
    a = real_assistant.invoke("can i import baby formula through cbec")
    assert not a.answer.startswith(("No", "Yes"))


def test_a_question_about_an_instrument_is_answered_from_the_instrument(real_assistant):
    """Named by number or by name, an instrument's overview, dates or article answer; a subject
    inside it ("…say about returns") is answered as any other question."""
    a = real_assistant.invoke("GACC Announcement 2020 No. 44 - what is it about?")
    assert a.backend == "instrument" and a.citations[0].id == "gacc-2020-44-cbec-export-returns:overview:0"
    art = real_assistant.invoke("海关行政处罚实施条例第二十五条怎么规定的")
    assert art.backend == "instrument" and art.short_answer.startswith("《中华人民共和国海关行政处罚实施条例》")
    assert {c.id for c in art.citations} >= {"customs-administrative-penalty-implementing-regulations:art-25:0",
                                              "customs-administrative-penalty-implementing-regulations:art-25:1"}
    when = real_assistant.invoke("知识产权海关保护条例是哪一年颁布的")
    assert "2003" in when.short_answer and "现行有效" in when.short_answer
    old = real_assistant.invoke("is the 1995 customs ipr regulation still in force")
    assert old.backend == "status" and "179" in old.answer and "395" in old.answer
    assert real_assistant.invoke("what does announcement 2018 No. 194 say about returns").backend != "instrument"


def test_a_question_asking_for_figures_or_cases_gets_a_statistics_or_case_card(real_assistant):
    """Kept from every card, "how many … in 2023" got a composed answer on another 2023 figure."""
    a = real_assistant.invoke("how many ipr detentions did customs make in 2023")
    assert a.card_id == "stats-ipr-enforcement-2023" and "62,100" in a.short_answer


def test_a_card_answer_cites_the_passage_stating_its_figures(real_assistant):
    """The case card's answer names 2,259 pairs of shoes: a passage marked on it states that figure."""
    a = real_assistant.invoke("Do fake 'bought overseas' certificates help if the goods are counterfeit? Any case?")
    assert a.card_id == "case-xiamen-gaoqi-fake-purchase-certificates"
    marked = set(markers(a.short_answer))
    assert any("2,259" in c.text for c in a.citations if c.marker in marked)


def test_a_followup_that_completes_a_calculation_is_computed(real_assistant):
    """Neither turn is computable alone: the amount in one, the tax or guarantee asked in the other."""
    tax = _after(real_assistant, "跨境电商进口税怎么算", "300元的东西要交多少")
    assert tax.backend == "calculator" and "27.30" in tax.short_answer
    guarantee = _after(real_assistant, "my goods worth 100000 were detained on application", "how much guarantee")
    assert guarantee.backend == "calculator" and "100,000" in guarantee.short_answer
    # A previous calculation is not reused for an unrelated amount.
    fine = _after(real_assistant, "how much tax on a 300 rmb lipstick", "what is the fine for goods worth 100000 rmb")
    assert fine.backend != "calculator"


def test_a_question_using_case_for_its_own_matter_still_gets_a_rule_card(real_assistant):
    """"refer a case" is no request for published cases: with no case card for it, the rule card answers."""
    a = real_assistant.invoke("can customs refer a case to the police")
    assert a.card_id == "ipr-criminal-referral"
