"""Sellers' words -> the corpus's words.

Users write "fakes", "brand owner", "register with customs", "whitelist"; the rules say
"infringing goods", "right holder", "recordation", "positive list". The expansion is added
to the BM25 query and to the extractive composer's query terms (the dense arm already
handles paraphrase and gets the question as typed). Kept small and domain-specific: every
entry maps everyday phrasing to terms the corpus really uses.
"""

from __future__ import annotations

import re

THESAURUS: list[tuple[str, str]] = [
    (r"\b(fakes?|counterfeits?|knock-?offs?|replicas?|copies|pirated)\b", "infringing counterfeit infringe"),
    (r"\b(brand (owner|holder)s?|brand|rights? owners?|ip owners?|trademark owners?)\b", "right holder"),
    (r"\bregist(er|ered|ering|ration)\b.*\bcustoms\b|\bcustoms\b.*\bregist(er|ered|ering|ration)\b", "recordation record"),
    (r"\b(fines?|fined|punish(ed|ment)?|sanctions?)\b", "fine penalty administrative penalty"),
    (r"\b(max(imum)?|ceiling|at most|most)\b", "up to limit"),
    (r"\b(allowance|quota|cap|caps|yearly|per year|a year|annual)\b", "annual limit"),
    (r"\bwhite-?list\b", "positive list"),
    (r"\b(on (its|their) own( initiative)?|own motion|by itself|without (a|any) complaint|proactively)\b", "ex officio"),
    (r"\b(chinese|local|china|domestic) (company|entity|partner|firm|representative)\b", "domestic agent"),
    (r"\b(id|ids|id cards?|passports?|identity cards?)\b", "identity identity documents verify"),
    (r"\b(cousin|friend|relative|family|mother|father|wife|husband|sister|brother|colleague|neighbou?r)s?'?s?\b",
     "other people's another citizen's identity quotas"),
    (r"\b(shoppers?|customers?|buyers?|purchasers?)\b", "consumer buyer individual orderer"),
    (r"\byuan\b", "rmb"),
    (r"\b(hold|held|stop|stopped|seize[ds]?|seizure|block(ed)?|impound(ed)?)\b", "detain detention suspend suspension"),
    (r"\b(respond|response|answer back|get back)\b", "reply respond"),
    (r"\b(couriers?|express compan(y|ies)|delivery compan(y|ies)|shipping compan(y|ies))\b", "express postal logistics enterprise"),
    (r"\b(send(ing)? back|give back|refunds?)\b", "return"),
    (r"\bresell(ing)?\b|\bresale\b", "resale resold secondary sale"),
    (r"\b(cost|costs|fees?|charges?|pay for)\b", "fee free of charge cost"),
    (r"\b(warning|disclaimer)\b", "risk notice"),
    (r"\b(let (them|it|the goods) go|give (them|it) back|released?)\b", "release"),
    (r"\b(drops?|dropped|pulls? back|cancels?|cancelled|calls? off|takes? back) (its|their|the|his|her|my|our) "
     r"(request|application|complaint)s?\b", "withdraw withdraws request"),
    (r"\b(destroy(ed)?|what happens to|get rid of)\b", "disposal destroyed confiscated"),
    (r"\b(apps?|marketplaces?|websites?|online shops?)\b", "platform"),
    (r"\b(combined|overall|total) tax\b", "comprehensive rate"),
    (r"\b(how long|deadline|how soon|how many days|time limit)\b", "within working days time limit"),
    (r"\b(police|criminal|jail|prison|crime)\b", "criminal public security"),
    (r"\b(credit rating|rating|blacklist(ed)?)\b", "credit dishonest enterprise"),
    (r"\bip\b", "intellectual property ipr"),
    (r"\b(ship|shipping|post|posting|sell(ing)? abroad)\b", "export"),
    (r"\bbonded\b", "1210 bonded"),
    (r"\bdirect(-| )?(purchase|mail|shipping)\b", "9610 direct purchase"),
    (r"\boverseas warehouses?\b", "9810 overseas warehouse"),
    (r"\bb2b\b", "9710 9810"),
    (r"\bb2c\b", "9610 retail"),
    (r"\b(court|sue|lawsuit|judge)\b", "court people's court"),
    (r"\b(whose|who) (pays|is liable|is responsible)\b", "taxpayer withholding agent responsibility"),
]
_COMPILED = [(re.compile(p, re.I), exp) for p, exp in THESAURUS]


def expand(question: str) -> str:
    """The corpus's terms for the everyday phrases in ``question`` (may be empty)."""
    extra = []
    for rx, exp in _COMPILED:
        if rx.search(question) and exp not in extra:
            extra.append(exp)
    return " ".join(extra)
