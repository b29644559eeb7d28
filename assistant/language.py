"""Which language a question is in, and the interface's words in each language.

Detection is by script: a question whose letters are mostly Chinese characters is Chinese, even
with codes or English words mixed in ("9610模式能退货吗"). Every fixed text the user reads (headings,
disclaimer, refusal, notices) is here in both languages, so no view writes its own.
"""

from __future__ import annotations

import re
from enum import StrEnum

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


class Lang(StrEnum):
    EN = "en"
    ZH = "zh"


def detect(text: str) -> Lang:
    """Chinese when there are at least as many Chinese characters as English words (~4 letters each)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return Lang.ZH if cjk and cjk >= latin / 4 else Lang.EN


TEXTS: dict[str, dict[Lang, str]] = {
    "short_answer": {Lang.EN: "Short answer", Lang.ZH: "简要回答"},
    "key_points": {Lang.EN: "Key points", Lang.ZH: "要点"},
    "legal_basis": {Lang.EN: "Legal basis", Lang.ZH: "法律依据"},
    "what_to_do": {Lang.EN: "What to do", Lang.ZH: "建议步骤"},
    "sources": {Lang.EN: "Sources", Lang.ZH: "来源"},
    "disclaimer": {
        Lang.EN: "This is general information drawn from the cited sources, not legal advice.",
        Lang.ZH: "以上内容为根据所引资料整理的一般信息，不构成法律意见。",
    },
    "refusal": {
        Lang.EN: (
            "The corpus does not cover this question, so I cannot answer it from cited sources. "
            "I cover China Customs rules for cross-border e-commerce (modes 9610, 1210, 1239, 9710, 9810; "
            "tax limits; returns) and Customs protection of intellectual property (recordation, detention, "
            "guarantees, investigation, penalties, cases)."
        ),
        Lang.ZH: (
            "资料库未涵盖这个问题，我无法依据可引用的资料作答。我可以回答中国海关跨境电商监管"
            "（9610、1210、1239、9710、9810 等监管方式，税收限值，退货）以及知识产权海关保护"
            "（备案、扣留、担保、调查、处罚、案例）方面的问题。"
        ),
    },
    "suggestions": {Lang.EN: "Closest topics I do cover: ", Lang.ZH: "相关的可回答主题："},
    "evasion": {
        Lang.EN: (
            "I can't help with getting goods past customs controls or disguising infringing goods. "
            "Importing or exporting infringing goods leads to confiscation, fines and, where a crime is made out, "
            "criminal liability; ask me about those rules or about shipping genuine goods lawfully."
        ),
        Lang.ZH: (
            "我不能帮助规避海关监管或掩饰侵权货物。进出口侵权货物将被没收、罚款，构成犯罪的依法追究刑事责任；"
            "您可以询问相关规则，或如何合法发运正品。"
        ),
    },
    "english_sources": {
        Lang.EN: "",
        Lang.ZH: "以下要点摘自英文资料原文，法律依据附中文名称（如有）。",
    },
    "calculator_english": {
        Lang.EN: "",
        Lang.ZH: "以下为计算结果与计算步骤（英文列出），依据的条文见法律依据。",
    },
    "superseded": {
        Lang.EN: "Note: source [{marker}] ({title}) is superseded; it was replaced by {replacement}.",
        Lang.ZH: "注意：来源[{marker}]（{title}）已被取代，现行规定见{replacement}。",
    },
    "partly_superseded": {
        Lang.EN: "Note: source [{marker}] ({title}) is partly superseded by {replacement}; what still applies: {still}.",
        Lang.ZH: "注意：来源[{marker}]（{title}）已部分被{replacement}取代；仍然适用的部分：{still}。",
    },
    # An instrument's standing as the answer itself (`assistant/answering/status.py`): the standing
    # leads, not "yes" or "no" ("has X been replaced?" and "is X in force?" have opposite answers).
    "standing_superseded": {
        Lang.EN: "Superseded: {name} is no longer in force; {replacement} replaced it.",
        Lang.ZH: "已不再有效：{name}已被{replacement}取代。",
    },
    "standing_partly_superseded": {
        Lang.EN: "Partly superseded: {name} was replaced in part by {replacement}; what still applies: {still}.",
        Lang.ZH: "部分有效：{name}已部分被{replacement}取代；仍然适用的部分：{still}。",
    },
    "standing_expired": {
        Lang.EN: "Expired: {name} ceased to apply on {date}.",
        Lang.ZH: "已失效：{name}已于{date}失效。",
    },
    "standing_guidance": {
        Lang.EN: "Guidance, not law: {name} has no legal force of its own.",
        Lang.ZH: "{name}属于指引，不是法律规定，本身没有法律效力。",
    },
    "standing_in_force": {
        Lang.EN: "In force: {name}{since}; no later instrument is recorded as replacing it.",
        Lang.ZH: "现行有效：{name}{since}，目前没有被取代的记录。",
    },
    "expired": {
        Lang.EN: "Note: source [{marker}] ({title}) expired on {date}; check whether a later rule replaced it.",
        Lang.ZH: "注意：来源[{marker}]（{title}）已于{date}失效，请核实是否有后续规定。",
    },
}


def text(key: str, lang: Lang | str) -> str:
    """The interface text ``key`` in ``lang`` (English when the language has no entry)."""
    entry = TEXTS[key]
    return entry.get(Lang(lang), entry[Lang.EN])


STATUSES = {
    "in_force": {Lang.EN: "in force", Lang.ZH: "现行有效"},
    "superseded": {Lang.EN: "superseded", Lang.ZH: "已被取代"},
    "partly_superseded": {Lang.EN: "partly superseded", Lang.ZH: "部分失效"},
    "expired": {Lang.EN: "expired", Lang.ZH: "已失效"},
    "guidance": {Lang.EN: "guidance, not law", Lang.ZH: "指引（非法律）"},
}
SOURCE_QUALITIES = {
    "official": {Lang.EN: "official source", Lang.ZH: "官方来源"},
    "professional": {Lang.EN: "professional source", Lang.ZH: "专业来源"},
    "secondary": {Lang.EN: "secondary source, verify before relying on it", Lang.ZH: "二手来源，引用前请核实"},
}
_ARTICLE = re.compile(r"^Articles? (\d+[a-z]?(?:[–-]\d+[a-z]?)?(?:, \d+[a-z]?(?:[–-]\d+[a-z]?)?)*)$")
_SECTION = re.compile(r"^Section (\d+(?:\.\d+)*)$")


def status_text(status: str, lang: Lang | str) -> str:
    """'in_force' as the user reads it ("in force" / "现行有效")."""
    return STATUSES.get(status, {}).get(Lang(lang), status.replace("_", " "))


def quality_text(quality: str, lang: Lang | str) -> str:
    """How far the passage's source can be trusted, as the user reads it ("" when not graded)."""
    return SOURCE_QUALITIES.get(quality, {}).get(Lang(lang), quality)


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–9999 in Chinese numerals as statutes write article numbers: 14 → 十四, 24 → 二十四, 105 → 一百零五."""
    if not 0 < n < 10000:
        return str(n)
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
            out += ("" if (value == 10 and d == 1 and not out) else _DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def article_text(label: str, lang: Lang | str) -> str:
    """An article label in the answer's language: "Article 24" / "第二十四条"; "" for an overview.

    Chinese statutes number articles in Chinese numerals (第十四条); a suffixed number ("Article 9a")
    keeps its digits.
    """
    if not label or label == "Overview":
        return ""
    if Lang(lang) is Lang.ZH:
        m = _ARTICLE.match(label)
        if m:
            num = lambda x: chinese_number(int(x)) if x.isdigit() else x  # noqa: E731
            # "Articles 17, 21–22" -> 第十七条、第二十一至二十二条
            return "、".join("第" + "至".join(num(x) for x in re.split("[–-]", part)) + "条"
                            for part in m.group(1).split(", "))
        m = _SECTION.match(label)
        if m:
            return f"第{m.group(1)}部分"
    return label
