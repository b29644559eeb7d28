from assistant.answering.followups import is_followup, rewrite


def test_same_kind_term_is_swapped():
    prev = "What guarantee applies to trademarks detained ex officio?"
    assert rewrite(prev, "and for patents?") == "What guarantee applies to patents detained ex officio?"
    assert rewrite("Can I ship phone cases under 9610?", "what about 1210?") == "Can I ship phone cases under 1210?"
    assert rewrite("How many batches were seized in 2021?", "and in 2022?") == "How many batches were seized in 2022?"


def test_pronoun_followup_keeps_context():
    out = rewrite("What is customs recordation?", "how long does it last?")
    assert out.startswith("What is customs recordation?") and "how long does it last" in out
    # Up to eight words: "them" is still the goods of the previous question.
    out = rewrite("customs detained my shoes ex officio", "how long until they must release them")
    assert out == "customs detained my shoes ex officio? how long until they must release them?"


def test_standalone_question_is_left_alone():
    q = "What is the annual limit for cross-border retail imports?"
    assert not is_followup(q)
    assert rewrite("What is recordation?", q) == q
    assert rewrite(None, "and for patents?") == "and for patents?"


def test_a_new_value_replaces_the_old_one():
    prev = "What guarantee does a right holder give for goods detained ex officio worth under RMB 20,000?"
    assert rewrite(prev, "and if they are worth over RMB 200,000?") == (
        "What guarantee does a right holder give for goods detained ex officio worth over RMB 200,000?")


def test_a_followup_naming_the_same_term_is_a_new_question_not_a_swap():
    prev = "What is code 9710?"
    assert rewrite(prev, "and can 9710 exports come back tax free?") == "What is code 9710? can 9710 exports come back tax free?"
    assert rewrite(prev, "and 9810?") == "What is code 9810?"


def test_a_chinese_followup_swaps_the_period_and_is_otherwise_left_as_asked():
    assert rewrite("跨境电商零售进口单次限额是多少", "那一年呢？") == "跨境电商零售进口一年限额是多少"
    assert is_followup("那这个担保啥时候能退回来？") and is_followup("那9810呢")
    assert rewrite("依职权保护，品牌方要交多少担保？", "那这个担保啥时候能退回来？") == "那这个担保啥时候能退回来？"


def test_it_after_a_question_about_one_code_is_that_code():
    assert rewrite("what is 9810?", "do i need to file anything with customs for it?") == (
        "do i need to file anything with customs for 9810?")
    assert rewrite("what is 1210?", "can buyers return goods under it?") == "can buyers return goods under 1210?"
    # Two codes before, or a code of its own: not guessed.
    assert rewrite("9610 or 9710 for us?", "do we need to register for it?").endswith("register for it?")
    assert "9810 like" not in rewrite("what is 9810?", "is it like 9710?")
