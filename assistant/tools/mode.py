"""Which customs supervision code fits a CBEC business: 9610, 1210 (1239), 9710 or 9810.

Three questions decide it: which way the goods go (into or out of China), who buys (consumers or
businesses) and where the stock waits (in a bonded zone in China, nowhere - shipped per order - or in
an overseas warehouse). The result names the code, what it requires (data sets, registration or
filing, declaration) and where it may be used, each with the passages that state it.

Importing for a business buyer has no CBEC code: CBEC retail import is for consumers' personal use,
and goods for commercial distribution go through general trade.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from assistant.tools.base import Explained, to_enum


class Direction(StrEnum):
    IMPORT = "import"
    EXPORT = "export"


class Buyer(StrEnum):
    CONSUMER = "consumer"
    BUSINESS = "business"


class Stock(StrEnum):
    """Where the goods wait before the sale is delivered."""

    BONDED_ZONE = "bonded_zone"  # a special customs supervision area or B-type bonded logistics centre
    PER_ORDER = "per_order"  # no stock: each order shipped across the border
    OVERSEAS_WAREHOUSE = "overseas_warehouse"


class Code(StrEnum):
    """The CBEC customs supervision codes."""

    C9610 = "9610"
    C1210 = "1210"
    C1239 = "1239"
    C9710 = "9710"
    C9810 = "9810"


# Legal basis (chunk ids of the indexed corpus), named by what each passage states.
RETAIL_IMPORT_CHANNELS = "cbec-retail-import-supervision-notice-2018:sec-1:0"  # consumer purchase; 1210 or 9610
RETAIL_IMPORT_TESTS = "cbec-retail-import-supervision-notice-2018:sec-2:0"  # positive list, personal use, limits, data
NO_RESALE = "cbec-retail-import-supervision-notice-2018:sec-5:0"  # commercial distribution -> general trade
IMPORT_REGISTRATION = "gacc-2018-194-cbec-retail-supervision:sec-1:0"  # register; domestic agent
IMPORT_LOGISTICS = "gacc-2018-194-cbec-retail-supervision:sec-3:0"  # express licence; 9610 postal / registered express
THREE_DATA_SETS = "gacc-2018-194-cbec-retail-supervision:sec-5:0"
POSTAL_DATA = "gacc-2018-194-cbec-retail-supervision:sec-6:0"
DECLARATION_LIST = "gacc-2018-194-cbec-retail-supervision:sec-7:0"
PERSONAL_ARTICLES = "gacc-2018-194-cbec-retail-supervision:sec-9:0"  # no first-import licensing
NO_INFRINGING_GOODS = "gacc-2018-194-cbec-retail-supervision:sec-11:0"
NO_INFRINGING_EXPORTS = "gacc-2018-194-cbec-retail-export:sec-6:0"
B2B_IPR = "gacc-2020-75-b2b-export-9710-9810:sec-11:0"
IPR_BAN = "customs-ipr-regulations:art-3:0"
CODE_9610_IMPORT = "gacc-2014-12-mode-9610:sec-1:0"
CODE_9610_EXPORT = "gacc-2014-12-mode-9610:sec-5:0"
CODE_1210_IMPORT = "gacc-2014-57-mode-1210:sec-1:0"
CODE_1210_PILOT = "gacc-2014-57-mode-1210:sec-3:0"
CODE_1210_EXPORT = "gacc-2014-57-mode-1210:sec-5-1210-special-region-export:0"
PILOT_2021 = "cbec-retail-import-pilot-expansion-2021:sec-3:0"
CODE_1239 = "gacc-2016-75-mode-1239:sec-2:0"
EXPORT_MODES = "gacc-2018-194-cbec-retail-export:sec-1:0"  # 9610 B2C export, 1210 special region export
EXPORT_FILING = "gacc-2018-194-cbec-retail-export:sec-2:0"
EXPORT_DATA = "gacc-2018-194-cbec-retail-export:sec-3:0"
EXPORT_DECLARATION = "gacc-2018-194-cbec-retail-export:sec-4:0"
EXPORT_PILOT_ZONES = "gacc-2018-194-cbec-retail-export:sec-5:0"
B2B_9710 = "gacc-2020-75-b2b-export-9710-9810:sec-2:0"
B2B_9810 = "gacc-2020-75-b2b-export-9710-9810:sec-3:0"
B2B_PILOT = "gacc-2020-75-b2b-export-9710-9810:sec-4:0"
B2B_EXTENSION_UNCONFIRMED = "gacc-2020-75-b2b-export-9710-9810:sec-5:0"
B2B_REGISTRATION = "gacc-2020-75-b2b-export-9710-9810:sec-6:0"
B2B_DATA = "gacc-2020-75-b2b-export-9710-9810:sec-7:0"
B2B_9710_EVIDENCE = "gacc-2020-75-b2b-export-9710-9810:sec-8:0"


@dataclass(frozen=True)
class Requirement:
    """One thing the code requires, with the passages that state it."""

    text: str
    basis: tuple[str, ...]


@dataclass(frozen=True)
class ModeSpec:
    """A code as used in one direction: what it is, the passages defining it, what it requires, where."""

    code: Code | None
    name: str
    how: str
    defines: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    where: tuple[Requirement, ...]
    ipr: tuple[str, ...] = ()  # passages applying the ban on infringing goods to this channel


_RETAIL_IMPORT_COMMON = (
    Requirement("Goods on the positive list (List of CBEC Retail Imported Goods), bought for the buyer's personal "
                "use, within RMB 5,000 per transaction and RMB 26,000 per person per year.", (RETAIL_IMPORT_TESTS,)),
    Requirement("Three data sets before declaration, through the Single Window: the order from the platform or "
                "e-commerce enterprise, the payment from the payment enterprise, the waybill from the logistics "
                "enterprise; customs compares them.", (THREE_DATA_SETS,)),
    Requirement("A postal or express operator may send the transaction and payment data instead, after a written "
                "undertaking that it answers for their truth.", (POSTAL_DATA,)),
    Requirement("Registration: the platform, logistics, payment and other enterprises register with local customs; "
                "the overseas seller appoints a domestic agent, registered where the agent is located.",
                (IMPORT_REGISTRATION,)),
    Requirement("Declaration on the CBEC Retail Import/Export Declaration List, cleared by list verification and "
                "release.", (DECLARATION_LIST,)),
    Requirement("Supervised as articles for personal use: no first-import licensing, registration or filing (except "
                "banned goods from epidemic areas and emergency risk measures).", (PERSONAL_ARTICLES,)),
    Requirement("No resale in China; goods for commercial distribution go through general trade.", (NO_RESALE,)),
)

_RETAIL_EXPORT_COMMON = (
    Requirement("Filing: the CBEC enterprise and the logistics enterprise file their information with local customs; "
                "one that declares itself also registers as a declarant. Logistics firms hold the express-delivery "
                "licence.", (EXPORT_FILING,)),
    Requirement("Three data sets before declaration: transaction, payment-receipt and logistics data.", (EXPORT_DATA,)),
    Requirement("Declaration List: list verification and release, then a summary declaration.", (EXPORT_DECLARATION,)),
)

_B2B_COMMON = (
    Requirement("Register with customs.", (B2B_REGISTRATION,)),
    Requirement("Send declaration data through the Single Window or 'Internet + Customs', answer for its accuracy, "
                "and meet inspection and quarantine requirements.", (B2B_DATA,)),
)

_B2B_WHERE = (
    Requirement("Pilot from 1 July 2020 in 10 customs districts: Beijing, Tianjin, Nanjing, Hangzhou, Ningbo, Xiamen, "
                "Zhengzhou, Guangzhou, Shenzhen and Huangpu.", (B2B_PILOT,)),
    Requirement("A later extension to more districts and nationwide is believed but unconfirmed; check with customs.",
                (B2B_EXTENSION_UNCONFIRMED,)),
)

SPECS: dict[tuple[Direction, str], ModeSpec] = {
    (Direction.IMPORT, "9610"): ModeSpec(
        Code.C9610, "9610 cross-border trade e-commerce: direct purchase import",
        "Each parcel is shipped from abroad after the consumer orders, arrives at a CBEC supervision site and is "
        "released after the three data sets are checked.",
        (CODE_9610_IMPORT, RETAIL_IMPORT_CHANNELS),
        (*_RETAIL_IMPORT_COMMON,
         Requirement("The logistics enterprise must be a postal enterprise or an inbound/outbound express operator "
                     "registered with customs.", (IMPORT_LOGISTICS,))),
        (Requirement("Goods arrive at a CBEC supervision site; no pilot-location limit is stated for 9610.",
                     (CODE_9610_IMPORT,)),),
        ipr=(NO_INFRINGING_GOODS, IPR_BAN),
    ),
    (Direction.IMPORT, "1210"): ModeSpec(
        Code.C1210, "1210 bonded cross-border trade e-commerce: online purchase bonded import (BBC)",
        "Stock is brought in bulk into a special customs supervision area or B-type bonded logistics centre; a "
        "parcel is released to the consumer after each online order.",
        (CODE_1210_IMPORT, RETAIL_IMPORT_CHANNELS),
        _RETAIL_IMPORT_COMMON,
        (Requirement("Only in pilot locations: 37 cities from 2019, 86 cities plus Hainan Island from 2020, and since "
                     "18 March 2021 any city or region with an FTZ, CBEC comprehensive pilot zone, comprehensive "
                     "bonded zone, import innovation demonstration zone or B-type bonded logistics centre, once "
                     "customs has accepted the site.", (CODE_1210_PILOT, PILOT_2021)),),
        ipr=(NO_INFRINGING_GOODS, IPR_BAN),
    ),
    (Direction.EXPORT, "9610"): ModeSpec(
        Code.C9610, "9610 cross-border trade e-commerce: retail (B2C) export, 'general export'",
        "The seller in China sells online to consumers abroad and ships parcel by parcel, mainly by post or express.",
        (CODE_9610_EXPORT, EXPORT_MODES),
        _RETAIL_EXPORT_COMMON,
        (Requirement("Anywhere; in CBEC comprehensive pilot zones eligible exports may use 'list verification and "
                     "release, summary statistics' with no consolidated declaration.", (EXPORT_PILOT_ZONES,)),),
        ipr=(NO_INFRINGING_EXPORTS, IPR_BAN),
    ),
    (Direction.EXPORT, "1210"): ModeSpec(
        Code.C1210, "1210 bonded cross-border trade e-commerce: special region export",
        "Goods first enter a special customs supervision area or bonded logistics centre and later leave it for "
        "buyers abroad; export tax refund is reportedly available once they enter the zone.",
        (CODE_1210_EXPORT, EXPORT_MODES),
        _RETAIL_EXPORT_COMMON,
        (Requirement("From a special customs supervision area or bonded logistics centre.",
                     (CODE_1210_EXPORT, EXPORT_MODES)),),
        ipr=(NO_INFRINGING_EXPORTS, IPR_BAN),
    ),
    (Direction.EXPORT, "9710"): ModeSpec(
        Code.C9710, "9710 CBEC B2B direct export",
        "A domestic company concludes a deal with an overseas company on a CBEC platform and ships the goods "
        "directly to it.",
        (B2B_9710,),
        (*_B2B_COMMON,
         Requirement("Before declaring, the exporter uploads electronic transaction evidence (such as platform order "
                     "screenshots) and the logistics provider uploads the logistics data.", (B2B_9710_EVIDENCE,))),
        _B2B_WHERE,
        ipr=(B2B_IPR, IPR_BAN),
    ),
    (Direction.EXPORT, "9810"): ModeSpec(
        Code.C9810, "9810 CBEC export to overseas warehouse",
        "A domestic company ships goods in bulk to an overseas warehouse; each sale on a CBEC platform is delivered "
        "to the buyer from there.",
        (B2B_9810,),
        (*_B2B_COMMON,
         Requirement("File the overseas-warehouse business model with customs.", (B2B_REGISTRATION,))),
        _B2B_WHERE,
        ipr=(B2B_IPR, IPR_BAN),
    ),
}

GENERAL_TRADE = ModeSpec(
    None, "none - general trade (no CBEC code fits)",
    "CBEC retail import covers purchases by consumers in China for their own use; goods a business buys to "
    "distribute in China are imported through general trade.",
    (RETAIL_IMPORT_CHANNELS,),
    (Requirement("CBEC retail import goods must be for the buyer's personal use.", (RETAIL_IMPORT_CHANNELS, RETAIL_IMPORT_TESTS)),
     Requirement("Goods for commercial distribution in China go through ordinary (general) trade.", (NO_RESALE,))),
    (),
    ipr=(IPR_BAN,),
)


@dataclass(frozen=True)
class ModeInput:
    """The three questions; text values are accepted ('export', 'business', 'overseas_warehouse')."""

    direction: Direction | str
    buyer: Buyer | str
    stock: Stock | str


@dataclass(kw_only=True)
class ModeResult(Explained):
    """The code (None when no CBEC code fits), what it requires and where it may be used."""

    direction: Direction
    buyer: Buyer
    stock: Stock
    code: Code | None
    name: str
    how: str
    requirements: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    also_consider: list[str] = field(default_factory=list)

    def headline(self) -> list[str]:
        lines = [f"Code: {self.name}", self.how]
        lines += [f"Requires: {r}" for r in self.requirements]
        lines += [f"Where: {w}" for w in self.where]
        lines += [f"Also: {a}" for a in self.also_consider]
        return lines


def choose_mode(inp: ModeInput) -> ModeResult:
    """Pick the supervision code for a direction, buyer and stock location."""
    direction = to_enum("direction", inp.direction, Direction)
    buyer = to_enum("buyer", inp.buyer, Buyer)
    stock = to_enum("stock", inp.stock, Stock)

    also: list[tuple[str, tuple[str, ...]]] = []
    warnings: list[str] = []
    steps = [f"direction={direction}, buyer={buyer}, stock={stock}"]
    if direction is Direction.IMPORT:
        if buyer is Buyer.BUSINESS:
            spec = GENERAL_TRADE
            steps.append("Import for a business buyer: CBEC retail import is for consumers' personal use -> general trade")
        elif stock is Stock.BONDED_ZONE:
            spec = SPECS[(direction, "1210")]
            steps.append("Import to consumers from stock in a bonded zone in China -> 1210 online purchase bonded import")
            also.append((
                "Code 1239 (bonded cross-border trade e-commerce A, GACC Announcement 2016 No. 75) works like 1210 "
                "but reportedly differs in where it may be used and in first-import requirements; ask the local "
                "customs office which code the bonded facility uses.", (CODE_1239,)))
        else:
            spec = SPECS[(direction, "9610")]
            if stock is Stock.OVERSEAS_WAREHOUSE:
                steps.append("Import to consumers, each order shipped from a warehouse abroad -> 9610 direct purchase import")
                warnings.append(
                    "Stock held in a warehouse abroad and shipped per order is treated as direct purchase import "
                    "(9610); stock held in China must be in a bonded zone (1210)."
                )
            else:
                steps.append("Import to consumers, each order shipped from abroad -> 9610 direct purchase import")
    else:
        if stock is Stock.OVERSEAS_WAREHOUSE:
            spec = SPECS[(direction, "9810")]
            steps.append("Export in bulk to an overseas warehouse, sold from there -> 9810")
            if buyer is Buyer.CONSUMER:
                warnings.append(
                    "9810 is defined by the bulk shipment to an overseas warehouse and sale through a CBEC platform; "
                    "it is listed among the B2B export codes, so confirm with customs for sales to consumers."
                )
        elif stock is Stock.BONDED_ZONE:
            spec = SPECS[(direction, "1210")]
            steps.append("Export of goods that first enter a special zone or bonded logistics centre -> 1210 special region export")
            if buyer is Buyer.BUSINESS:
                warnings.append(
                    "The corpus describes 1210 special region export among the retail (B2C) export modes; for a "
                    "business buyer confirm with customs, or use 9710 if the goods go straight to the buyer."
                )
                also.append(("9710 CBEC B2B direct export, if the goods are shipped directly to the overseas "
                             "company.", (B2B_9710,)))
        elif buyer is Buyer.CONSUMER:
            spec = SPECS[(direction, "9610")]
            steps.append("Export to consumers abroad, parcel by parcel -> 9610 retail export")
        else:
            spec = SPECS[(direction, "9710")]
            steps.append("Export to a business abroad, shipped directly after a platform deal -> 9710")

    rules = [spec.how]
    result = ModeResult(
        direction=direction, buyer=buyer, stock=stock, code=spec.code, name=spec.name, how=spec.how,
        requirements=[r.text for r in spec.requirements],
        where=[w.text for w in spec.where],
        also_consider=[a for a, _ in also],
        steps=steps, rules=rules, warnings=warnings,
    )
    result.cite(*spec.defines)
    for r in (*spec.requirements, *spec.where):
        result.rules.append(r.text)
        result.cite(*r.basis)
    for _, basis in also:
        result.cite(*basis)
    result.rules.append(
        "Goods that infringe intellectual property rights may not be imported or exported under any code."
    )
    result.cite(*spec.ipr)
    return result


# Every id this module can cite (the corpus test checks each one).
LEGAL_BASIS = tuple(dict.fromkeys(
    [cid for spec in (*SPECS.values(), GENERAL_TRADE) for cid in spec.defines]
    + [cid for spec in (*SPECS.values(), GENERAL_TRADE) for r in (*spec.requirements, *spec.where) for cid in r.basis]
    + [cid for spec in (*SPECS.values(), GENERAL_TRADE) for cid in spec.ipr]
    + [CODE_1239, B2B_9710]
))
