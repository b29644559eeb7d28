"""Scope rules decided before or right after retrieval: evasion requests, other jurisdictions,
and the relevance threshold under which a question is refused as not covered."""

from __future__ import annotations

import re

from assistant.retrieval.query_expansion import expand
from assistant.retrieval.types import Hit
from assistant.text import terms

# Calibrated on the reference set with the bundled model: the best passage's cosine similarity
# was >= 0.451 for 105 of 106 in-scope questions and <= 0.314 for every off-topic one (the
# foreign-jurisdiction and evasion questions score higher and are caught by the rules below);
# 0.38 sits in that gap. Another embedder needs its own value (CBEC_MIN_RELEVANCE).
DEFAULT_MIN_RELEVANCE = 0.38
DEFAULT_MIN_RELEVANCE_ZH = 0.30
# The corpus covers China only: a question about another jurisdiction's rules, with nothing
# tying it to China, is out of scope however close its wording is to customs passages.
FOREIGN = re.compile(
    r"\b(germany|german|france|french|united states|u\.s\.|usa|america|american|eu|european union|europe|"
    r"uk|united kingdom|britain|british|japan|japanese|korea|korean|india|indian|canada|canadian|australia|"
    r"australian|brazil|mexico|russia|singapore|vietnam|indonesia|thailand|de minimis|hmrc|cbp|(in|to|into|for) the us)\b"
    r"|美国|日本|欧盟|欧洲|英国|德国|法国|韩国|澳洲|澳大利亚|加拿大|新加坡|越南|泰国|印度|俄罗斯|巴西|墨西哥|亚马逊美国",
    re.I,
)
# What ties a question to China's own rules. "from China" alone does not: "US de minimis for
# parcels shipped from China" asks about US rules.
CHINA = re.compile(
    r"\b(prc|gacc|cbec|9610|1210|1239|9710|9810|mainland|hainan|china customs|chinese (customs|law|rules|consumers?|buyers?|platforms?)|"
    r"(into|in|to|inside|within) china|china'?s|overseas warehouses?)\b|中国海关|我国海关|海关总署|国内海关|进口到中国|进境|跨境电商零售进口"
    # "Overseas" is China's side of the border, and a customs code or mode for shipping to an FBA
    # warehouse is China's export code (9810), not the destination's rules.
    r"|\b(code|mode)\b.{0,60}\bfba\b|\bfba\b.{0,60}\b(code|mode)\b|海外仓"
    # Goods bought abroad and brought, posted or resold here: China's rules are the question.
    r"|代购|海淘|回国|带回|寄回|国内|境内|闲鱼|淘宝|天猫|京东|跨境",
    re.I,
)
# Requests for help getting goods past customs controls are declined (with the rule and the
# penalty), whatever else they ask. A request is recognised by what it asks for, not one keyword:
# an evasive object (split orders, other people's IDs, a false value, fakes, hidden logos, resale)
# together with a request for a method ("how do I", "help me") or a wish not to be noticed.
EVASION = re.compile(
    r"\b(evade|evading|evasion|sneak(s|ed|ing|ily)?|smuggl(e|es|ed|ing)|bypass(es|ed|ing)?|trick customs|fool customs|cheat customs|"
    r"avoid (detection|inspection|being (caught|detected|checked))|under the radar|slip (it |them )?through)\b"
    r"|(逃避|规避|绕过|躲过|躲避)(海关|监管|查验|检查)|蒙混|混过|不被.{0,4}(发现|查|扣|抓)",
    re.I,
)
REQUEST = re.compile(
    # "how do I / how to" asks for a method; "how do customs know…" asks how the rule works.
    r"\b(how (do|can|could|should|would) (i|we|you)|how to|help me|tell me how|teach me|show me how|best way|"
    r"easiest way|any way|a way to|tips?|tricks?|should (i|we)|set (it|this|that) up|what (should|can|do) (i|we) (put|write|declare|call)|is there a (way|trick))\b"
    r"|怎么|如何|教我|有什么办法|有没有办法|能不能帮",
    re.I,
)
STEALTH = re.compile(
    r"\b(without (being |them |customs |anyone )?(notic|catch|caught|detect|seiz|check|finding|find)\w*|"
    r"so (that )?customs (won'?t|doesn'?t|does not|can'?t|cannot|will not)|(not|never) (get|be) (caught|noticed|seized|detained|checked)|"
    r"get (it |them |these |those |the goods |my goods )?(through|past)( customs)?|lets? (it|them) (go|through)|"
    r"will (anyone|anybody|customs|they|the officers?)( actually| really)? (check|notice|spot|find out|care|know|say anything|"
    r"leave (it|them) alone|let (it|them) (go|through))|before (customs|they|anyone) (spots?|notices?|finds?|catch\w*)|"
    r"customs (can'?t|cannot|won'?t) (say|do|tell|see|know)|look(s|ing)? (legit|legitimate|generic|real|like)|"
    r"doesn'?t (mention|show)|won'?t (trigger|flag|show)|"
    r"(if|whether) (customs|they|anyone|the officers?) (will|would|might|can|could) (check|notice|spot|find|catch|inspect)\w*)\b"
    r"|不.{0,3}被.{0,4}(发现|查|扣|抓)|别被|避免被|免得被|防止被|混过|过海关|不会被查|查不出|查得出|查出来|靠谱不|能混"
    r"|会不会(被)?(查|发现|抓)|能不能查出",
    re.I,
)
# What the request is for: getting under a limit, a cheaper rate, more quota, a harmless look.
PURPOSE = re.compile(
    r"\b(so|to|in order to)\b.{0,40}\b(under (the )?(limit|cap|rmb|5[, ]?000)|below (the )?(limit|cap)|cheap(er)?|less tax|"
    r"lower (tax|rate)|buy more|order more|more quota|the 70% (tax )?rate|cbec rate|get round|get around)\b"
    r"|\bso i can (buy|order|clear) more\b|\binstead of the real\b|\bunder (their|his|her|other people'?s|my \w+'?s?) names?\b"
    r"|(少交|省|避|逃|不交)税|多买点?|凑单|按零售",
    re.I,
)
EVASIVE_OBJECTS: dict[str, re.Pattern] = {
    "order-splitting": re.compile(
        r"\b(split\w*|break\w*( up| it)?( into)?|divid\w*|spread\w*)\b.{0,50}\b(orders?|parcels?|shipments?|purchases?|packages?|boxes)\b"
        r"|\b(many|several|multiple|lots of|a lot of|a bunch of) (small |little |separate )?(orders|parcels|packages|shipments|boxes)\b"
        r".{0,80}\b(under|below|stays?|avoid|less tax|limits?|cap)\b"
        r"|\b(so|to) (that )?(each|every|they|it) (one )?(stays?|remains?|is) (under|below)\b"
        r"|拆单|(拆|分)(成|开).{0,6}(单|包裹)|订单拆(开|分)|把.{0,6}(订单|单子)拆",
        re.I,
    ),
    "false-data": re.compile(
        r"\b(fake|fabricat\w*|forg\w*|make up|made up|invent\w*|fictitious|dummy)\b.{0,40}\b(orders?|invoices?|payments?|waybills?|records|data|buyers?)\b"
        r"|\b(order records|fake orders?|fake buyers?)\b.{0,60}\b(look|legit|cbec|1210|9610)\b"
        r"|\bmake (our |my |the )?(b2b|bulk|wholesale|general trade|container) .{0,40}\b(look like|clear as)\b"
        r"|虚构订单|伪造订单|刷单|刷.{0,6}订单|当.{0,6}(1210|9610)",
        re.I,
    ),
    "other-identities": re.compile(
        r"\b(someone else'?s|somebody else'?s|other people'?s|others'|another person'?s|"
        r"(my |a )?(friends?|cousins?|relatives?|family|mother|mum|mom|father|dad|wife|husband|sisters?|brothers?|colleagues?|neighbou?rs?|parents?|staff|employees?)'?s?'?) "
        r"(ids?|id cards?|identit\w+|quotas?|names?|allowances?|accounts?)\b"
        r"|\b(borrow|buy|use|rent)(s|ed|ing)? .{0,30}\b(ids?|id cards?|identit\w+|quotas?|allowances?)\b"
        r"|\b(use|using|under|put \w+ under|clear \w+ with) (their|his|her|staff'?s?|employees'?) (ids?|id cards?|identit\w+|quotas?|names)\b"
        r"|(别人|他人|亲戚|朋友|家人|家里人|员工)的?(身份证|身份|额度|名义)",
        re.I,
    ),
    "misdeclaration": re.compile(
        r"\b(under-?(declar|valu|invoic)\w*|declar\w* .{0,30}\b(lower|less|cheaper|wrong|different|false)\b|"
        r"(lower|false|fake|smaller) (value|price|invoice)s?|mislabel\w*|label\w* .{0,30} as\b|"
        r"(wrong|different|another) (hs|tariff) code|call (it|them) something else|"
        r"(write|put|word)\w* .{0,40}\b(customs form|declaration|invoice)\b|instead of the real)\b"
        r"|低报|报低|少报|虚报|瞒报|假发票|品名怎么写|换个(品名|税号)|写成|报成|报个.{0,12}价",
        re.I,
    ),
    "counterfeits": re.compile(
        r"\b(fakes?|replicas?|counterfeits?|knock-?offs?|cop(y|ies)( products?| goods| items| bags| shoes| watches)?|imitations?|"
        r"a-?grade|1:1|super ?copy|unauthori[sz]ed (brand|logo)\w*)\b"
        r"|\b(hid(e|ing)|cover\w*|remov\w*|tap(e|ing) over|disguis\w*|conceal\w*|peel\w*|strip\w*|cut\w*)\b.{0,30}\b(logos?|brands?|labels?|trademarks?|tags?|marks)\b"
        r"|高仿|仿牌|假货|假鞋|假包|山寨|A货|(遮住|撕掉|去掉|盖住).{0,6}(商标|logo|标)|(商标|logo|标).{0,4}(撕|去掉|遮|盖)",
        re.I,
    ),
    "resale": re.compile(
        r"\b(resell\w*|re-sell\w*|sell (them|it|the goods) (on|again)|wholesale)\b|转卖|二次销售|拿到.{0,6}(店|实体)卖|再批发",
        re.I,
    ),
}
EVASION_REFUSAL = (
    "I can't help with getting goods past customs controls or disguising infringing goods. "
    "Importing or exporting infringing goods leads to confiscation, fines and, where a crime is made out, "
    "criminal liability; ask me about those rules or about shipping genuine goods lawfully."
)


# Using someone else's identity or hiding a brand's marks is never a neutral step: asked in any form
# ("can I…", "is it ok if…"), the answer is the rule that forbids it, given as a decline.
INHERENT = {"other-identities", "false-data"}
# The decline card that answers each kind (by default ``decline-{kind}``).
DECLINE_CARD = {"false-data": "decline-order-splitting"}
PROTECTING = re.compile(
    r"\b(stop|block|protect|record\w*|report|detect|catch|fight|against|prevent)\b.{0,40}\b(fakes?|counterfeits?|infring\w*|copies)\b", re.I
)
# The other side of an evasive object: recognising it, defining it, complaining or seeking redress as
# its victim, fighting it as a right holder. "如何识别假货", "买到假货怎么维权", "拆单是怎么回事",
# "二次销售怎么认定", "how do I know if my supplier sells fakes" ask how the rule works or how to be
# protected by it; the method words (怎么, how do I) made them requests.
OTHER_SIDE = re.compile(
    r"\b(recogni[sz]\w*|identify\w*|spot|tell (if|whether|apart)|know (if|whether)|check (if|whether)|verify\w*|"
    r"complain\w*|refund\w*|compensat\w*|report\w*|what (is|are|does|do)\b.{0,20}\b(mean|count)|"
    r"(was|were|been|got) (sold|sent|shipped)|bought (a |an |some )?(fakes?|counterfeits?|replicas?))\b"
    r"|识别|辨别|鉴别|判断|分辨|认定|定性|维权|投诉|举报|索赔|报案|打击|是怎么回事|什么意思|算不算|买到|收到|被人|冒用",
    re.I,
)


# Asking what follows from a breach, or what to do after being caught, is not asking how to commit it.
CONSEQUENCE = re.compile(
    r"^\s*what (happens|is the (fine|penalty))\b"
    # "被…查到" (was caught); "不会被…发现" (so as not to be caught) is STEALTH, checked first
    r"|(被|已经|之前|上次).{0,10}(查到|查出|发现|抓到|处罚|罚款|扣)|(什么|啥|有何)后果|会(被)?(怎么|如何)(处理|处罚|罚)|罚多少|怎么处罚"
    # Customs' own handling of goods it holds: "海关没收的假货怎么处理", "what does customs do with seized fakes".
    r"|海关.{0,8}(没收|扣留|扣押|查获|销毁|收缴|拍卖)|(没收|查获|扣押|收缴)的.{0,8}(怎么|如何)(处理|处置)"
    r"|\bwhat (does|do|will|would) customs do with\b",
    re.I,
)


def evasion_kind(question: str) -> str | None:
    """The kind of evasion a question asks help with ("order-splitting", ...), "general", or None.

    An evasive object alone is a question about the rule ("is splitting orders allowed?") and is
    answered; with a request for a method or a wish not to be noticed it is declined.
    """
    if CONSEQUENCE.search(question) and not STEALTH.search(question):
        return None  # a question about the consequences (or after being caught) is answered with them
    if (OTHER_SIDE.search(question) and not STEALTH.search(question) and not EVASION.search(question)
            and not PURPOSE.search(question)):
        return None  # recognising, defining or being protected from it: answered with the rule
    asks = bool(REQUEST.search(question) or STEALTH.search(question) or PURPOSE.search(question))
    for kind, rx in EVASIVE_OBJECTS.items():
        if kind == "counterfeits" and PROTECTING.search(question) and not STEALTH.search(question):
            continue  # stopping fakes is the right holder's side, not evasion
        if rx.search(question) and (asks or EVASION.search(question) or kind in INHERENT):
            return kind
    if EVASION.search(question):
        return "general"
    return None


def is_foreign(question: str) -> bool:
    """About another jurisdiction's rules, with nothing tying it to China."""
    return bool(FOREIGN.search(question)) and not CHINA.search(question)


def is_relevant(question: str, hits: list[Hit], min_relevance: float, dense_used: bool = True,
                original: str = "") -> bool:
    """Whether the retrieved passages can answer: close enough in meaning and sharing a term.

    A question just under the similarity floor still counts when both arms agree on one of the
    top three passages (BM25 ranks it in its top ten and it is nearly close enough in meaning, or
    it is the top passage and in BM25's top three) and it shares two of the question's words, or
    the corpus's words for them: MiniLM scores short colloquial questions ("yearly cap on tmall
    global") low.
    """
    if not hits or is_foreign(question) or (original and is_foreign(original)):
        return False
    best = max((h.dense_score or 0.0) for h in hits)
    if not dense_used:
        best = 1.0 if hits[0].bm25_score else 0.0
    q = set(terms(question)) | set(terms(expand(question)))
    lexical_hit = any(q & set(terms(h.text)) for h in hits[:3])
    if best >= min_relevance and lexical_hit:
        return True
    if best < min_relevance - NEAR_MISS:
        return False
    # Both arms agree on one of the top passages: BM25 ranks it high and it is (nearly) close
    # enough in meaning, sharing two of the question's words.
    return any(
        h.bm25_rank is not None and h.bm25_rank <= AGREE_RANK and len(q & set(terms(h.text))) >= 2
        and (h is hits[0] and h.bm25_rank <= 3 or (h.dense_score or 0.0) >= min_relevance - NEAR_MISS)
        for h in hits[:3]
    )


NEAR_MISS = 0.06
AGREE_RANK = 10
