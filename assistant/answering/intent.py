"""What kind of answer a question wants: a figure, a period, yes/no with the rule, steps, a meaning...

Rules first (they are precise on the words sellers use: "how much", "how long", "can I"); when no
rule fires, the intent of the closest answer-card variant decides (the cards carry labelled
questions, so no separate exemplar list has to be kept in step). The intent decides which
sentences can answer (a number, a period, an article, a modal rule) and the answer's layout.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Intent(StrEnum):
    AMOUNT = "amount"
    DEADLINE = "deadline"
    PERMISSION = "permission"
    PROCEDURE = "procedure"
    DEFINITION = "definition"
    PENALTY = "penalty"
    LEGAL_BASIS = "legal_basis"
    COMPARISON = "comparison"


# Order matters: the first rule that fires wins ("how much is the fine" is a penalty question,
# "how long is a recordation valid" a deadline question, "can I be fined" a penalty question).
RULES: list[tuple[Intent, re.Pattern]] = [
    (Intent.COMPARISON, re.compile(
        r"\b(differen(ce|t)|differ|compare[sd]?|comparison|versus|vs\.?)\b|\bor\b.{0,40}\bwhich\b|"
        r"\bwhich is (better|cheaper|faster)\b|\bbetween \S+ and \S+|区别|不同|哪个好|还是", re.I)),
    (Intent.LEGAL_BASIS, re.compile(
        r"\b(legal basis|which (article|law|regulation|rule|decree|announcement|notice)s?|what (article|law|regulation)s?|"
        r"under which|statutory|cite|citation|source of (the|this) rule|legal ground)\b|依据|哪条|第几条|法规|"
        r"(哪个|哪份|什么|哪一?部|哪项|哪个)(文件|规定|法律|条例|公告|通知)", re.I)),
    (Intent.DEADLINE, re.compile(
        r"\b(how long|how many (working |calendar )?(days|months|years)|deadline|time ?limit|how soon|by when|"
        r"when (is|are) (it|my|the) .*due|valid(ity)? for|expire|within how|how quickly|what date|when do i have to)\b"
        r"|多久|几天|多长时间|期限|有效期|什么时候|截止", re.I)),
    (Intent.PENALTY, re.compile(
        r"\b(fines?|fined|penalt(y|ies)|punish\w*|sanctions?|confiscat\w*|criminal|jail|prison|prosecut\w*|"
        r"what happens if .*(caught|fake|counterfeit|infring)|what happens to (a|an|the|my|our|any) [\w-]+ (that|who|which)|"
        r"consequences?|in trouble|get caught)\b|罚|处罚|刑事|后果", re.I)),
    (Intent.PERMISSION, re.compile(
        r"^\s*(can|may|could|am i allowed|are we allowed|is it (ok|okay|allowed|legal|possible|permitted)|"
        r"do i (need|have) to|must i|should i|is there any way|are .{1,30} allowed|is .{1,30} allowed|"
        r"do (i|we) need)\b|\b(allowed to|permitted to|legal to|is it ok)\b|能不能|可不可以|可以吗|能吗|行吗|允许|需要.*吗", re.I)),
    # "Who pays the tax": a party is asked for, not the tax's amount (a fine is caught above).
    (Intent.DEFINITION, re.compile(r"^\s*(and\s+)?who\b|\bwho (pays|is|are|bears|collects|must|decides|checks)\b|谁", re.I)),
    # "When does the platform pay the tax": a time, not the tax's amount.
    (Intent.DEADLINE, re.compile(r"^\s*(and\s+|so\s+)?when\b", re.I)),
    # "What happens if the holder does not pay the guarantee": a consequence, not the guarantee's amount.
    (Intent.PROCEDURE, re.compile(r"\bwhat happens (if|when|after)\b|会怎样|会怎么样|会如何|怎么样了", re.I)),
    (Intent.AMOUNT, re.compile(
        r"\b(how much|how many|limits?|amount|rates?|tax(es)?|duty|cost|fees?|value|max(imum)?|cap|threshold|"
        r"percent(age)?|quota|allowance|guarantee)\b|多少|限值|额度|税率|金额|担保", re.I)),
    (Intent.PROCEDURE, re.compile(
        r"\b(what (happens|now|next|do i do|should i do|can i do|are the steps)|how (do|can|should|to) (i|we)?|"
        r"steps?|procedure|process|what to do|got (a|the) notice|detained|stopped|held|seized)\b|怎么办|流程|怎么处理|被扣|扣了", re.I)),
    (Intent.DEFINITION, re.compile(
        r"\b(what (is|are|does)|meaning|means|define|definition|which (code|mode)|what code|explain)\b|是什么|什么意思|哪个模式|走什么", re.I)),
]


def classify(question: str, card_intent: str | None = None) -> Intent:
    """The intent of ``question``; ``card_intent`` (the closest card's) decides when no rule fires."""
    for intent, rx in RULES:
        if rx.search(question):
            return intent
    if card_intent:
        try:
            return Intent(card_intent)
        except ValueError:
            pass
    return Intent.DEFINITION


def asked_intent(question: str) -> str:
    """The intent a rule recognises in ``question``, or "" when none fires (no guessing)."""
    for intent, rx in RULES:
        if rx.search(question):
            return intent.value
    return ""
