"""CBEC retail import tax: is the order within the limits, and what tax does it bear?

Cai Guan Shui [2018] No. 49 (in force from 1 January 2019): a CBEC retail import within RMB 5,000
per transaction and RMB 26,000 per person per year pays 0% duty and 70% of the import VAT and
consumption tax otherwise due, usually written as one "comprehensive rate". A single item over
RMB 5,000 may still come in as CBEC retail, but at full rates and counted toward the year. Over the
annual limit the purchase is general trade. The result also states what the order would pay at
full rates (general trade), so the concession can be seen.

The full-rate arithmetic is the ordinary import formula: duty on the dutiable value, consumption
tax on the composite value (value + duty) / (1 - consumption-tax rate), VAT on value + duty +
consumption tax. With duty at 0% it is exactly the comprehensive rate without the 70%, which is
the form the corpus states; the duty term is not in the corpus and is flagged when used.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum

from assistant.tools.base import (
    HUNDRED,
    Amount,
    Explained,
    cents,
    exact,
    pct,
    rmb,
    to_count,
    to_decimal,
    to_enum,
    to_rate,
)

PER_TRANSACTION_LIMIT = Decimal(5_000)
ANNUAL_LIMIT = Decimal(26_000)
CONCESSION = Decimal("0.7")  # VAT and consumption tax at 70% of the normal amount within the limits
DEFAULT_VAT = Decimal(13)

# Legal basis (chunk ids of the indexed corpus). Each passage states the rule it is cited for.
LIMITS = "cbec-retail-import-tax-2018:sec-1:0"  # RMB 5,000 per transaction, RMB 26,000 per year
CONCESSION_RULE = "cbec-retail-import-tax-2018:sec-2:0"  # 0% duty; VAT and consumption tax at 70%
FORMULA = "cbec-retail-import-tax-2018:sec-3:0"  # comprehensive rate and tax payable
SINGLE_ITEM = "cbec-retail-import-tax-2018:sec-5:0"  # one item over RMB 5,000: full rates, counts to the year
OVER_ANNUAL = "cbec-retail-import-tax-2018:sec-6:0"  # over RMB 26,000 a year: general trade
LEGAL_BASIS = (LIMITS, CONCESSION_RULE, FORMULA, SINGLE_ITEM, OVER_ANNUAL)
# Not cited: the transaction-price valuation (price + freight + insurance) and the taxpayer /
# withholding-agent roles are stated only in Cai Guan Shui [2016] No. 18, whose chunks
# (cbec-retail-import-tax-2016:*) are marked superseded in the corpus.


class Category(StrEnum):
    """Product groups whose usual rates are built in (an assumption, always said in the warnings).

    Kept to rates that are not in doubt: most goods carry 13% import VAT and no consumption tax;
    high-end cosmetics carry 15% consumption tax. Anything else: pass the rates of the tariff line.
    """

    GENERAL = "general"
    COSMETICS = "cosmetics"
    HIGH_END_COSMETICS = "high_end_cosmetics"


# (VAT %, consumption tax %) for each category.
CATEGORY_RATES: dict[Category, tuple[Decimal, Decimal]] = {
    Category.GENERAL: (Decimal(13), Decimal(0)),
    Category.COSMETICS: (Decimal(13), Decimal(0)),
    Category.HIGH_END_COSMETICS: (Decimal(13), Decimal(15)),
}
CATEGORY_NOTES: dict[Category, str] = {
    Category.GENERAL: "general goods: 13% import VAT, no consumption tax",
    Category.COSMETICS: "ordinary cosmetics: 13% import VAT, no consumption tax (only high-end cosmetics bear it)",
    Category.HIGH_END_COSMETICS: (
        "high-end cosmetics: 13% import VAT and 15% consumption tax (high-end means make-up and skin care "
        "at or above RMB 10 per ml/g or RMB 15 per piece before VAT)"
    ),
}


class Route(StrEnum):
    """How the order is taxed."""

    CBEC_CONCESSIONAL = "cbec_concessional"  # within both limits: 0% duty, 70% VAT and consumption tax
    CBEC_SINGLE_ITEM_FULL = "cbec_single_item_full_rate"  # one item over RMB 5,000: CBEC, full rates
    GENERAL_TRADE = "general_trade"  # outside the CBEC retail channel


@dataclass(frozen=True)
class TaxInput:
    """One CBEC retail import order. Amounts in RMB, rates in percent (13 means 13%).

    ``vat_rate`` and ``consumption_rate`` left as None take the ``category``'s usual rates, or 13%
    VAT and no consumption tax; ``duty_rate`` is product-specific and has no default: without it
    the duty part of a full-rate calculation is left out (and said so).
    """

    unit_price: Amount
    quantity: Amount = 1
    freight: Amount = 0
    insurance: Amount = 0
    vat_rate: Amount | None = None
    consumption_rate: Amount | None = None
    duty_rate: Amount | None = None
    category: Category | str | None = None
    spent_this_year: Amount = 0


@dataclass(kw_only=True)
class FullRateTax:
    """Tax at the normal goods rates (no CBEC concession). ``duty`` is None when no duty rate was given."""

    duty: Decimal | None
    consumption_tax: Decimal
    vat: Decimal
    total: Decimal
    includes_duty: bool


@dataclass(kw_only=True)
class TaxResult(Explained):
    """The order's value, the limits check, the route and the tax payable."""

    goods_value: Decimal
    dutiable_value: Decimal
    quantity: int
    vat_rate: Decimal
    consumption_rate: Decimal
    duty_rate: Decimal | None
    category: Category | None
    within_transaction_limit: bool
    within_annual_limit: bool
    spent_this_year: Decimal
    annual_total_with_order: Decimal  # spent so far + this order (what the annual check compares)
    allowance_left_before: Decimal
    route: Route
    counts_toward_annual_total: bool
    comprehensive_rate: Decimal | None  # percent; only on the concessional route
    duty: Decimal | None
    consumption_tax: Decimal
    vat: Decimal
    tax_payable: Decimal
    tax_complete: bool  # False when a full-rate duty could not be computed (no duty rate)
    general_trade: FullRateTax

    def headline(self) -> list[str]:
        limit_word = {True: "within", False: "over"}
        lines = [
            f"Dutiable value: {rmb(self.dutiable_value)} ({self.quantity} x unit price, plus freight and insurance)",
            f"Per-transaction limit RMB 5,000: {limit_word[self.within_transaction_limit]}; "
            f"annual limit RMB 26,000: {limit_word[self.within_annual_limit]} "
            f"(year total with this order {rmb(self.annual_total_with_order)})",
            f"Route: {ROUTE_LABELS[self.route]}",
        ]
        if self.comprehensive_rate is not None:
            lines.append(f"Comprehensive rate: {pct(self.comprehensive_rate)}")
        lines.append(
            f"Tax payable: {rmb(self.tax_payable)}" + ("" if self.tax_complete else " (duty not included)")
        )
        gt = self.general_trade
        lines.append(
            f"At full rates (general trade): {rmb(gt.total)}" + ("" if gt.includes_duty else " (duty not included)")
        )
        return lines


ROUTE_LABELS = {
    Route.CBEC_CONCESSIONAL: "CBEC retail import within the limits (0% duty, VAT and consumption tax at 70%)",
    Route.CBEC_SINGLE_ITEM_FULL: "CBEC retail import of a single item over RMB 5,000, at full rates",
    Route.GENERAL_TRADE: "general trade (not a CBEC retail import)",
}


def _full_rate(value: Decimal, vat: Decimal, ct: Decimal, duty_rate: Decimal | None) -> FullRateTax:
    """Normal import taxes on ``value`` (rates as fractions); exact, rounded only at the end."""
    duty = value * duty_rate if duty_rate is not None else Decimal(0)
    composite = (value + duty) / (1 - ct)
    consumption_tax = composite * ct
    vat_amount = composite * vat  # (value + duty + consumption tax) x VAT rate
    return FullRateTax(
        duty=cents(duty) if duty_rate is not None else None,
        consumption_tax=cents(consumption_tax),
        vat=cents(vat_amount),
        total=cents(duty + consumption_tax + vat_amount),
        includes_duty=duty_rate is not None,
    )


def _rate(name: str, value: Amount, warnings: list[str]) -> Decimal:
    rate = to_rate(name, value)
    if 0 < rate < 1:
        warnings.append(f"{name} {rate}% is read as a percent; if you meant {rate * 100}%, pass {rate * 100}.")
    return rate


def calculate_tax(inp: TaxInput) -> TaxResult:
    """Work out the limits check, the route and the tax for one CBEC retail import order."""
    with localcontext() as ctx:
        ctx.prec = 50  # exact for every input the bounds in `base` allow
        return _calculate(inp)


def _calculate(inp: TaxInput) -> TaxResult:
    warnings: list[str] = []
    price = to_decimal("unit_price", inp.unit_price, above_minimum=True)
    quantity = to_count("quantity", inp.quantity)
    freight = to_decimal("freight", inp.freight)
    insurance = to_decimal("insurance", inp.insurance)
    spent = to_decimal("spent_this_year", inp.spent_this_year)
    category = to_enum("category", inp.category, Category) if inp.category not in (None, "") else None

    usual_vat, usual_ct = CATEGORY_RATES[category] if category else (DEFAULT_VAT, Decimal(0))
    if category:
        warnings.append(
            f"Assumed rates for category '{category}': {CATEGORY_NOTES[category]}. This is a built-in "
            "assumption, not a cited rule; pass --vat/--consumption to use the rates of your tariff line."
        )
    if inp.vat_rate is None:
        vat_pct = usual_vat
        if not category:
            warnings.append("No VAT rate given: assumed 13%, the general import VAT rate; some goods carry 9%.")
    else:
        vat_pct = _rate("vat_rate", inp.vat_rate, warnings)
    ct_pct = usual_ct if inp.consumption_rate is None else _rate("consumption_rate", inp.consumption_rate, warnings)
    duty_pct = None if inp.duty_rate is None else _rate("duty_rate", inp.duty_rate, warnings)
    vat, ct = vat_pct / HUNDRED, ct_pct / HUNDRED
    duty_fraction = None if duty_pct is None else duty_pct / HUNDRED

    goods = price * quantity
    dutiable = goods + freight + insurance
    after = spent + dutiable
    left = max(ANNUAL_LIMIT - spent, Decimal(0))
    # Boundaries: the limit "is RMB 5,000" and only an order "worth more than RMB 5,000" leaves it
    # (cbec-retail-import-tax-2018:sec-1:0, sec-5:0), so exactly 5,000 is within. The year becomes
    # general trade once the total "exceeds" RMB 26,000 (sec-6:0), so exactly 26,000 is within.
    within_tx = dutiable <= PER_TRANSACTION_LIMIT
    within_year = after <= ANNUAL_LIMIT

    steps = [
        f"Goods value = unit price x quantity = {rmb(price)} x {quantity} = {rmb(goods)}",
        f"Dutiable value = goods value + freight + insurance = {rmb(goods)} + {rmb(freight)} + {rmb(insurance)} "
        f"= {rmb(dutiable)}",
        f"Per-transaction check: {rmb(dutiable)} {'<=' if within_tx else '>'} RMB 5,000 -> "
        f"{'within' if within_tx else 'over'} the limit",
        f"Annual check: {rmb(spent)} already spent + {rmb(dutiable)} = {rmb(after)} "
        f"{'<=' if within_year else '>'} RMB 26,000 -> {'within' if within_year else 'over'} the limit "
        f"(allowance left before this order: {rmb(left)})",
    ]
    rules = [
        "CBEC retail import limits: RMB 5,000 per transaction and RMB 26,000 per person per year "
        "(Cai Guan Shui [2018] No. 49, from 1 January 2019).",
        "Dutiable value is the transaction price: retail price x quantity plus freight plus insurance "
        "(Cai Guan Shui [2016] No. 18; not cited, its passages are marked superseded).",
    ]
    result_rules_cited = [LIMITS]

    general = _full_rate(dutiable, vat, ct, duty_fraction)
    comprehensive: Decimal | None = None
    duty_amount: Decimal | None
    if within_tx and within_year:
        route = Route.CBEC_CONCESSIONAL
        comprehensive = (ct + vat) / (1 - ct) * CONCESSION * HUNDRED
        exact_ct = dutiable * ct / (1 - ct) * CONCESSION
        exact_vat = dutiable * vat / (1 - ct) * CONCESSION
        tax = cents(dutiable * comprehensive / HUNDRED)
        duty_amount = Decimal("0.00")
        ct_amount, vat_amount, complete = cents(exact_ct), cents(exact_vat), True
        steps += [
            f"Comprehensive rate = (consumption-tax rate + VAT rate) / (1 - consumption-tax rate) x 70% = "
            f"({pct(ct_pct)} + {pct(vat_pct)}) / (1 - {pct(ct_pct)}) x 70% = {pct(comprehensive)}",
            f"Tax payable = dutiable value x comprehensive rate = {rmb(dutiable)} x {pct(comprehensive)} = "
            f"{exact(dutiable * comprehensive / HUNDRED)} -> {rmb(tax)} (rounded to the fen)",
            f"Of which: duty RMB 0.00 (0%), consumption tax {rmb(ct_amount)}, VAT {rmb(vat_amount)}",
        ]
        rules += [
            "Within both limits customs duty is provisionally 0%, and import VAT and consumption tax are "
            "charged at 70% of the amount otherwise payable.",
            "Comprehensive rate = [(consumption-tax rate + VAT rate) / (1 - consumption-tax rate)] x 70%; "
            "tax payable = price x quantity x comprehensive rate.",
        ]
        result_rules_cited += [CONCESSION_RULE, FORMULA]
        if freight or insurance:
            warnings.append(
                "The corpus writes the formula on price x quantity; freight and insurance are added to the "
                "value because CBEC imports are valued at the transaction price (Cai Guan Shui [2016] No. 18, "
                "not cited: its passages are marked superseded)."
            )
    elif not within_tx and within_year and quantity == 1:
        route = Route.CBEC_SINGLE_ITEM_FULL
        duty_amount, ct_amount, vat_amount, tax = general.duty, general.consumption_tax, general.vat, general.total
        complete = general.includes_duty
        steps += _full_rate_steps(dutiable, vat_pct, ct_pct, duty_pct, general, "Full-rate tax")
        steps.append(f"The order counts toward the annual total: {rmb(spent)} -> {rmb(after)}")
        rules += [
            "A single item over RMB 5,000 may still enter as a CBEC retail import while the annual total "
            "stays within RMB 26,000, but duty, import VAT and consumption tax are charged in full at the "
            "normal goods rates, and its value counts toward the annual total.",
        ]
        result_rules_cited += [SINGLE_ITEM]
        warnings.append(
            "The single-item route assumes the order is one indivisible item; an order of several items over "
            "RMB 5,000 is not described as CBEC retail and goes through general trade."
        )
    else:
        route = Route.GENERAL_TRADE
        duty_amount, ct_amount, vat_amount, tax = general.duty, general.consumption_tax, general.vat, general.total
        complete = general.includes_duty
        if not within_year:
            steps.append(f"Over the annual limit by {rmb(after - ANNUAL_LIMIT)}: the order is general trade")
            rules.append(
                "Once a person's CBEC retail imports for the year exceed RMB 26,000, further purchases are "
                "handled as general trade."
            )
            result_rules_cited += [OVER_ANNUAL]
            if spent < ANNUAL_LIMIT:
                warnings.append(
                    "This order straddles the RMB 26,000 annual limit; how such an order is split is not "
                    "spelled out, so it is treated here as general trade as a whole. Check the buyer's remaining "
                    f"allowance ({rmb(left)}) before dispatch."
                )
        else:
            steps.append(
                f"Over RMB 5,000 with {quantity} items: the single-item route does not apply, so the order is "
                "general trade"
            )
            rules.append(
                "Only a single-item order over RMB 5,000 may use the CBEC retail channel (at full rates); the "
                "route is described only for single-item orders."
            )
            result_rules_cited += [SINGLE_ITEM]
        steps += _full_rate_steps(dutiable, vat_pct, ct_pct, duty_pct, general, "General-trade tax")
        warnings.append(
            "General-trade import also brings the ordinary import formalities (licences, registration, "
            "inspection) that CBEC retail imports are spared; this calculator only estimates the taxes."
        )

    if route is not Route.GENERAL_TRADE:
        steps.append(
            f"For comparison, at full rates (general trade): {rmb(general.total)}"
            + ("" if general.includes_duty else " (duty not included)")
        )
    if route is not Route.CBEC_CONCESSIONAL and duty_pct is None:
        warnings.append(
            "Duty not computed: the duty rate depends on the tariff line and none was given (--duty). The "
            "tax shown covers VAT and consumption tax only."
        )
    elif route is Route.CBEC_CONCESSIONAL and duty_pct is None:
        warnings.append("The general-trade comparison leaves out duty: no duty rate was given (--duty).")
    if duty_pct is not None and route is not Route.CBEC_CONCESSIONAL:
        warnings.append(
            "Full-rate duty is added to the base of consumption tax and VAT by the ordinary import formula, "
            "which the corpus does not state; with 0% duty the figures equal the corpus's formula without the 70%."
        )

    result = TaxResult(
        goods_value=cents(goods),
        dutiable_value=cents(dutiable),
        quantity=quantity,
        vat_rate=vat_pct,
        consumption_rate=ct_pct,
        duty_rate=duty_pct,
        category=category,
        within_transaction_limit=within_tx,
        within_annual_limit=within_year,
        spent_this_year=cents(spent),
        annual_total_with_order=cents(after),
        allowance_left_before=cents(left),
        route=route,
        counts_toward_annual_total=route is not Route.GENERAL_TRADE,
        comprehensive_rate=comprehensive,
        duty=duty_amount,
        consumption_tax=ct_amount,
        vat=vat_amount,
        tax_payable=tax,
        tax_complete=complete,
        general_trade=general,
        steps=steps,
        rules=rules,
        warnings=warnings,
    )
    result.cite(*result_rules_cited)
    return result


def _full_rate_steps(
    value: Decimal, vat_pct: Decimal, ct_pct: Decimal, duty_pct: Decimal | None, full: FullRateTax, label: str
) -> list[str]:
    duty_text = (
        f"duty = {rmb(value)} x {pct(duty_pct)} = {rmb(full.duty)}" if full.duty is not None and duty_pct is not None
        else "duty not computed (no duty rate given)"
    )
    base = f"({rmb(value)} + duty)" if full.includes_duty else rmb(value)
    return [
        f"{label}: {duty_text}",
        f"Consumption tax = {base} / (1 - {pct(ct_pct)}) x {pct(ct_pct)} = {rmb(full.consumption_tax)}",
        f"VAT = {base} / (1 - {pct(ct_pct)}) x {pct(vat_pct)} = {rmb(full.vat)}",
        f"{label} total = {rmb(full.total)} (rounded once, to the fen)",
    ]



@dataclass(frozen=True)
class AllowanceInput:
    """What a buyer has spent on CBEC retail imports this year (RMB): "how much more can I buy?"."""

    spent_this_year: Amount


@dataclass(kw_only=True)
class AllowanceResult(Explained):
    """What is left of the annual limit, and what one order may be."""

    spent_this_year: Decimal
    left_this_year: Decimal
    annual_limit: Decimal
    per_order_limit: Decimal

    @property
    def largest_order(self) -> Decimal:
        """The largest order within both limits (nothing once the year's limit is reached)."""
        return min(self.left_this_year, self.per_order_limit)

    def headline(self) -> list[str]:
        if self.left_this_year <= 0:
            return [f"Left this year: nothing ({rmb(self.annual_limit)} annual limit reached); "
                    "further purchases are general trade"]
        return [
            f"Left this year: {rmb(self.left_this_year)} of the {rmb(self.annual_limit)} annual limit",
            f"Largest order within both limits: {rmb(self.largest_order)}",
        ]


def calculate_allowance(inp: AllowanceInput) -> AllowanceResult:
    """The rest of a buyer's annual CBEC allowance (Cai Guan Shui [2018] No. 49)."""
    spent = to_decimal("spent_this_year", inp.spent_this_year)
    left = max(ANNUAL_LIMIT - spent, Decimal(0))
    result = AllowanceResult(spent_this_year=spent, left_this_year=left, annual_limit=ANNUAL_LIMIT,
                             per_order_limit=PER_TRANSACTION_LIMIT)
    result.steps = [f"Left this year = {rmb(ANNUAL_LIMIT)} - {rmb(spent)} already spent = {rmb(left)}"
                    + (" (the limit is reached)" if spent >= ANNUAL_LIMIT else "")]
    result.rules = [
        f"Each buyer may import up to {rmb(ANNUAL_LIMIT)} a year and {rmb(PER_TRANSACTION_LIMIT)} an order "
        "through CBEC retail imports.",
        f"A single item over {rmb(PER_TRANSACTION_LIMIT)} may still come in if the year's total stays within "
        f"{rmb(ANNUAL_LIMIT)}, at full rates.",
        "Purchases beyond the annual limit are handled as general trade.",
    ]
    if left > 0:
        result.steps.append(f"Largest order within both limits = min({rmb(left)}, {rmb(PER_TRANSACTION_LIMIT)}) "
                            f"= {rmb(result.largest_order)}")
        if left > PER_TRANSACTION_LIMIT:
            result.steps.append(f"A single indivisible item over {rmb(PER_TRANSACTION_LIMIT)} may also come in, "
                                f"at full rates, if it fits in {rmb(left)}")
    else:
        result.steps.append("Further purchases this year are general trade, not CBEC retail imports")
    result.cite(LIMITS, SINGLE_ITEM, OVER_ANNUAL)
    return result
