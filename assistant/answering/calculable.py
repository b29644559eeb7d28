"""Questions the calculators answer exactly: which tool, and the figures and dates the question holds.

"How much tax on a RMB 3,000 lipstick?", "I spent RMB 24,000 this year, can I still order RMB 3,000?",
"customs served the notice on 26 September 2026, when is my reply due?", "what guarantee for goods
worth RMB 150,000 detained ex officio?". A question is calculable when it asks for a figure or a date
of a kind a tool computes and carries what the tool needs; when an input is missing, the question
is recognised but the answer asks for that input instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.schema import MODE_CODES

_NUM = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_SCALE = r"\s*(k|K|千|万|thousand)?"
# "RMB 3,000", "¥3000", "3000 yuan", "3,000元", "12k rmb", "1.5万元"
AMOUNT = re.compile(
    rf"(?:\b(?:rmb|cny|yuan)\s*|[¥￥]\s*){_NUM}{_SCALE}|{_NUM}{_SCALE}\s*(?:rmb|cny|yuan|元|块)",
    re.I,
)
SPENT = re.compile(
    r"\b(spent|already (bought|used|spent|purchased)|used up|so far|this year i|bought .{0,20} this year)\b|已经?(花|买|消费|用)了?|今年(已|买了|花了)",
    re.I,
)
TAX = re.compile(r"\b(tax|taxes|duty|duties|vat)\b|税", re.I)
# A question about the user's own purchase ("how much tax will I pay?") needs its value to be computed.
OWN_ORDER = re.compile(r"\b(will i|do i|would i|should i|my (order|parcel|purchase|goods|item)|i'?m buying|i buy|i ordered)\b|我(买|的|要)", re.I)
HOW_MUCH = re.compile(r"\bhow much\b|多少", re.I)
ROOM = re.compile(r"\b(can i still|still (buy|order)|room left|remaining|how much more)\b|还能.{0,3}(买|下.?单)|剩", re.I)
GUARANTEE = re.compile(r"\bguarantee|担保", re.I)
EX_OFFICIO = re.compile(r"\b(ex officio|on (its|their) own|own initiative|recorded right)\b|依职权|主动", re.I)
ON_APPLICATION = re.compile(r"\b(on application|i applied|we applied|right holder'?s? (request|application)|apply for detention)\b|依申请", re.I)
GENERAL = re.compile(r"\bgeneral guarantee\b|总担保", re.I)
DEADLINE = re.compile(
    r"\b(due|deadline|reply|respond|served|notice|how many working days|by when|last day|court)\b|截止|期限|送达|通知|回复|哪天|几号",
    re.I,
)
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DATES = [
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), ("y", "m", "d")),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]"), ("y", "m", "d")),
    (re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})[日号]"), ("m", "d")),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON}\.?,?(?:\s+(\d{{4}}))?\b", re.I), ("d", "mon", "y")),
    (re.compile(rf"\b{_MON}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?(?:\s+(\d{{4}}))?\b", re.I), ("mon", "d", "y")),
]


@dataclass
class Calculation:
    """A calculable question: the tool, the inputs found, and what is still missing (asked for)."""

    tool: str
    inputs: dict = field(default_factory=dict)
    missing: str = ""  # the question to ask back, when an input the tool needs is not in the question

    @property
    def topic(self) -> str:
        """The card topic that states this tool's rule ("" when none): a guarantee question missing
        the goods' value is answered by a guarantee card, whatever else its words touch."""
        return TOOL_TOPICS.get(self.tool, "")


TOOL_TOPICS = {"guarantee": "guarantees", "tax": "tax", "allowance": "tax"}


WAN = re.compile(r"(\d+)万(\d)(?![\d万])")  # "2万5" = 25,000 as sellers say it


# "买了2万", "货值5万": RMB 20,000 and 50,000, as sellers say them (not "2万件", 20,000 items).
BARE_WAN = re.compile(r"(\d+(?:\.\d+)?)万(?![元块\d件个批次人双份箱只台盒瓶])")


def _wan(text: str) -> str:
    text = WAN.sub(lambda m: f"{int(m.group(1)) * 10000 + int(m.group(2)) * 1000}元", text)
    return BARE_WAN.sub(lambda m: f"{Decimal(m.group(1)) * 10000:f}元".replace(".0元", "元"), text)


def _amounts_at(text: str) -> list[tuple[int, int, Decimal]]:
    """(start, end, value) of every RMB amount in a text whose "2万5" forms are already written out."""
    out = []
    for m in AMOUNT.finditer(text):
        whole, frac, scale = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
        value = Decimal(whole.replace(",", "") + (f".{frac}" if frac else ""))
        value *= {"k": 1000, "千": 1000, "thousand": 1000, "万": 10000}.get((scale or "").lower(), 1)
        out.append((m.start(), m.end(), value))
    return out


def amounts(text: str) -> list[Decimal]:
    """Every RMB amount in the text, in order ("12k rmb" = 12000, "1.5万元" = 15000, "2万5" = 25000)."""
    return [v for _, _, v in _amounts_at(_wan(text))]


def spent_and_price(text: str) -> list[Decimal]:
    """The amounts of "I have spent 24000 this year, can I order a 3000 rmb bag" in the order said:
    RMB amounts and the plain numbers beside them (a seller names the currency once, if at all)."""
    text = _wan(text)
    found = _amounts_at(text)
    extra = [(m.start(), v) for m, v in _bare_at(text) if not any(a <= m.start() < b for a, b, _ in found)]
    return [v for _, v in sorted([(a, v) for a, _, v in found] + extra)]


def dates(text: str, today: dt.date) -> list[dt.date]:
    """Dates in common English and Chinese forms; a date without a year is in the current year."""
    found: list[tuple[int, dt.date]] = []
    for rx, order in DATES:
        for m in rx.finditer(text):
            parts = dict(zip(order, m.groups(), strict=True))
            try:
                month = MONTHS[next(k for k in MONTHS if k.startswith(parts["mon"].lower()[:3]))] if "mon" in parts else int(parts["m"])
                year = int(parts["y"]) if parts.get("y") else today.year
                found.append((m.start(), dt.date(year, month, int(parts["d"]))))
            except (ValueError, StopIteration):
                continue
    seen, out = set(), []
    for _, d in sorted(found):
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


BARE = re.compile(
    r"(?<![\d.,$€£])(\d{1,3}(?:,\d{3})+|\d{3,7})(?:\.\d+)?"
    r"(?![\d,]|\s*(?:%|working|days?|年|月|日|号|euros?|eur|pounds?|gbp|dollars?|usd|美元|欧元|英镑))",
    re.I,
)


def bare_amounts(text: str) -> list[Decimal]:
    """Plain numbers that can only be a value ("3000", as a reply to "what is the goods' value?")."""
    return [v for _, v in _bare_at(text)]


def _bare_at(text: str) -> list[tuple[re.Match, Decimal]]:
    out = []
    for m in BARE.finditer(text):
        raw = m.group(1).replace(",", "")
        # A bare 1990–2035 is a year ("the 2016 tax notice") unless a value word comes just before it;
        # in Chinese a year carries 年, so "2000的包" is a value.
        year_like = (re.fullmatch(r"(199\d|20[0-3]\d)", raw) and not re.match(r"[\u4e00-\u9fff]", text[m.end():])
                     and not re.search(r"(worth|value[ds]?|price[ds]?|costs?|order of|paid|spend|spent|货值|价值|价格)\s*(of|is|was|:)?\s*$",
                                       text[: m.start()], re.I))
        if raw in MODE_CODES or year_like:
            continue
        out.append((m, Decimal(raw)))
    return out


# A value given only as a bound: the rules state the band's figure, the calculator needs a value.
BOUND = re.compile(r"\b(over|more than|above|under|less than|below|exceeding|at least|at most)\s+(?:rmb|cny|¥)?\s?\d"
                   r"|(超过|超出|高于|低于|不到|不足)\s*\d|\d[\d,.万千]*\s*元?(以上|以下)", re.I)


def recognise(question: str, today: dt.date | None = None, chinese: bool = False) -> Calculation | None:
    """The calculation a question asks for, or None when it asks for something else."""
    today = today or dt.date.today()
    if BOUND.search(question):  # "worth over RMB 200,000": a band the rule answers, not a value to compute
        return None
    money = amounts(question)
    if SPENT.search(question) and len(money) == 1:
        money = spent_and_price(question)  # "已经买了2万5，还能再下一单2000的包吗", "spent 24000 … a 3000 rmb bag"
    if not money and (TAX.search(question) or GUARANTEE.search(question)) and not dates(question, today):
        money = bare_amounts(question)
    ask = {
        "value": "请提供货物的价值（人民币）。" if chinese else "What is the goods' value in RMB?",
        "date": "请提供海关通知送达的日期（例如 2026-09-26）。" if chinese
        else "On what date was the customs notice served (for example 2026-09-26)?",
        "mode": "海关是依职权扣留，还是依权利人申请扣留？" if chinese
        else "Did customs detain the goods ex officio (on its own) or on the right holder's application?",
    }
    if GUARANTEE.search(question) and (money or EX_OFFICIO.search(question) or ON_APPLICATION.search(question)
                                      or GENERAL.search(question)):
        mode = ("general" if GENERAL.search(question) else "ex_officio" if EX_OFFICIO.search(question)
                else "on_application" if ON_APPLICATION.search(question) else "")
        if mode == "general":
            # The general guarantee is one rule (last year's costs, at least RMB 200,000): computed
            # only from the holder's own costs; without them the rule itself answers.
            return Calculation("guarantee", {"mode": "general", "previous_year_costs": money[0]}) if money else None
        if not money:
            return Calculation("guarantee", {"mode": mode}, ask["value"])
        if not mode:
            return Calculation("guarantee", {"goods_value": money[0]}, ask["mode"])
        return Calculation("guarantee", {"mode": mode, "goods_value": money[0]})
    found_dates = dates(question, today)
    if DEADLINE.search(question) and found_dates and not money:
        return Calculation("deadline", {"served": found_dates[0]})
    if TAX.search(question) and HOW_MUCH.search(question) and OWN_ORDER.search(question) and not money:
        return Calculation("tax", {}, ask["value"])
    if SPENT.search(question) and len(money) == 1 and (ROOM.search(question) or HOW_MUCH.search(question)) \
            and not TAX.search(question):
        # "I have spent 24,000 this year, how much more can I buy?": the one amount is what was spent.
        return Calculation("allowance", {"spent_this_year": money[0]})
    if (TAX.search(question) or ROOM.search(question) or (SPENT.search(question) and len(money) > 1)) and money:
        spent = Decimal(0)
        price = money[-1] if len(money) > 1 else money[0]
        if len(money) > 1 and SPENT.search(question):
            # "I have spent RMB 24,000 this year, can I still order a RMB 3,000 item?"
            spent = money[0]
        # Rates stay the tool's stated default (13% VAT, no consumption tax), said in its warnings:
        # a product's own rates depend on its tariff line, which a question rarely gives.
        return Calculation("tax", {"unit_price": price, "spent_this_year": spent})
    return None


ROUTES_ZH = {
    "cbec_concessional": "在跨境电商零售进口限值内（关税暂为0%，进口环节增值税、消费税按应纳税额的70%征收）",
    "cbec_single_item_full_rate": "单件不可分割商品超过5000元，仍可按跨境电商零售进口，但按货物税率全额征税",
    "general_trade": "超出限值，应按一般贸易进口",
}
# Who posts a guarantee (the calculator's `who_posts`), in Chinese.
WHO_POSTS_ZH = {
    "the right holder": "权利人",
    "the consignee or consignor": "收发货人",
    "the right holder (recorded trademarks only)": "权利人（仅限已备案商标）",
}


def chinese_lead(tool: str, result) -> str:
    """The computed figure as one Chinese sentence (the steps below stay as the calculator wrote them)."""
    from assistant.tools.base import rmb

    if tool == "tax":
        duty = "" if result.tax_complete else "（未含关税：未提供关税税率）"
        return f"应缴税款约{rmb(result.tax_payable)}{duty}；{ROUTES_ZH.get(str(result.route.value), '')}。"
    if tool == "allowance":
        if result.left_this_year <= 0:
            return f"今年的年度限值{rmb(result.annual_limit)}已用完（已购{rmb(result.spent_this_year)}），之后的购买按一般贸易进口。"
        return (f"今年还可购买{rmb(result.left_this_year)}（年度限值{rmb(result.annual_limit)}，已购{rmb(result.spent_this_year)}）；"
                f"同时受单次{rmb(result.per_order_limit)}限值约束，单笔最多{rmb(result.largest_order)}。")
    if tool == "guarantee":
        # Who posts it comes first: a seller asking "what guarantee must I lodge" learns it is not theirs to post.
        who = WHO_POSTS_ZH.get(result.who_posts, "")
        amount = f"{'最高为' if result.is_ceiling else '金额为'}{rmb(result.amount)}"
        value = f"（货值{rmb(result.goods_value)}）" if result.goods_value is not None else ""
        return f"由{who}提供担保，{amount}{value}。" if who else f"担保{amount}{value}。"
    if tool == "deadline" and result.deadlines:
        first = result.deadlines[0]
        return f"权利人须在{first.due.isoformat()}前答复（自送达次日起算{first.working_days}个工作日，已扣除周末和法定节假日）。"
    if tool == "mode" and result.code is not None:
        return f"适用监管方式代码{result.code.value}。"
    return ""
