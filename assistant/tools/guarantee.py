"""Customs IPR guarantees: how much a right holder (or, for patents, the consignee) must post.

Four kinds, each from its own rule:

- ``ex_officio``: customs found the goods and the right holder asks it to detain them; three tiers
  by the goods' value (Implementing Measures Art. 23).
- ``on_application``: the right holder asked for detention itself; the guarantee may not exceed the
  goods' value, and customs sets it (Regulations Art. 14).
- ``general``: one yearly guarantee for a holder of recorded trademarks covering all its ex officio
  requests; the previous year's costs, but never less than RMB 200,000 (Implementing Measures Art. 24).
- ``patent_counter``: the consignee or consignor of goods suspected of infringing a patent obtains
  release by posting a counter-guarantee equal to the goods' value (Regulations Art. 19, 24(3)).

The goods' value is their transaction price, or customs' estimate when that cannot be established
(Implementing Measures Art. 39).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from assistant.tools.base import Amount, Explained, ToolInputError, cents, rmb, to_decimal, to_enum

TIER_LOW = Decimal(20_000)  # under it: the value; from it: 50% but at least this much
TIER_HIGH = Decimal(200_000)  # up to it: 50%; over it: the fixed amount below
HIGH_TIER_AMOUNT = Decimal(100_000)
HALF = Decimal("0.5")
GENERAL_MINIMUM = Decimal(200_000)

# Legal basis (chunk ids of the indexed corpus).
EX_OFFICIO_TIERS = "customs-ipr-implementing-measures:art-23:0"
GENERAL_GUARANTEE = "customs-ipr-implementing-measures:art-24:0"
FORM = "customs-ipr-implementing-measures:art-38:0"  # cash deposit or bank / non-bank guarantee letter
VALUATION = "customs-ipr-implementing-measures:art-39:0"  # transaction price, else customs' estimate
EX_OFFICIO_DETENTION = "customs-ipr-regulations:art-16:0"  # no timely request and guarantee: no detention
APPLICATION_CEILING = "customs-ipr-regulations:art-14:0"
APPLICATION_PRACTICE = (
    "customs-ipr-implementing-measures:guarantee-when-detention-is-requested-on-application-art-num:0"
)
PATENT_COUNTER = "customs-ipr-regulations:art-19:0"
RELEASE_GROUNDS = "customs-ipr-regulations:art-24:0"  # (3): release on the patent counter-guarantee
LEGAL_BASIS = (
    EX_OFFICIO_TIERS, GENERAL_GUARANTEE, FORM, VALUATION, EX_OFFICIO_DETENTION,
    APPLICATION_CEILING, APPLICATION_PRACTICE, PATENT_COUNTER, RELEASE_GROUNDS,
)


class GuaranteeMode(StrEnum):
    """Which guarantee is being sized."""

    ON_APPLICATION = "on_application"
    EX_OFFICIO = "ex_officio"
    GENERAL = "general"
    PATENT_COUNTER = "patent_counter"


class Tier(StrEnum):
    """Which rule fixed the amount."""

    EX_OFFICIO_UNDER_20K = "ex_officio_under_20000"  # value under RMB 20,000: the value
    EX_OFFICIO_20K_TO_200K = "ex_officio_20000_to_200000"  # 50% of value, at least RMB 20,000
    EX_OFFICIO_OVER_200K = "ex_officio_over_200000"  # RMB 100,000
    APPLICATION_CEILING = "on_application_up_to_value"  # at most the value, set by customs
    GENERAL_MINIMUM = "general_minimum_200000"  # costs under RMB 200,000 or none: RMB 200,000
    GENERAL_PREVIOUS_COSTS = "general_previous_year_costs"  # the previous year's costs
    PATENT_COUNTER_VALUE = "patent_counter_equal_to_value"


@dataclass(frozen=True)
class GuaranteeInput:
    """``goods_value`` (RMB) is required except for a general guarantee, which uses
    ``previous_year_costs`` (the holder's storage, custody and disposal costs last year) when known."""

    mode: GuaranteeMode | str
    goods_value: Amount | None = None
    previous_year_costs: Amount | None = None


@dataclass(kw_only=True)
class GuaranteeResult(Explained):
    """The guarantee amount and the tier that fixed it. ``is_ceiling``: customs may ask for less."""

    mode: GuaranteeMode
    goods_value: Decimal | None
    amount: Decimal
    tier: Tier
    is_ceiling: bool
    who_posts: str

    def headline(self) -> list[str]:
        value = f" on goods worth {rmb(self.goods_value)}" if self.goods_value is not None else ""
        kind = "At most" if self.is_ceiling else "Amount"
        return [
            f"{MODE_LABELS[self.mode]}{value}",
            f"{kind}: {rmb(self.amount)} ({TIER_LABELS[self.tier]})",
            f"Posted by: {self.who_posts}",
        ]


# How each tier reads to a person (the enum values are for programs).
TIER_LABELS = {
    Tier.EX_OFFICIO_UNDER_20K: "goods under RMB 20,000: the goods' value",
    Tier.EX_OFFICIO_20K_TO_200K: "goods from RMB 20,000 to RMB 200,000: 50% of the value, at least RMB 20,000",
    Tier.EX_OFFICIO_OVER_200K: "goods over RMB 200,000: RMB 100,000",
    Tier.APPLICATION_CEILING: "on application: not more than the goods' value",
    Tier.GENERAL_MINIMUM: "general guarantee: RMB 200,000 when last year's costs were lower or unknown",
    Tier.GENERAL_PREVIOUS_COSTS: "general guarantee: last year's costs",
    Tier.PATENT_COUNTER_VALUE: "patent counter-guarantee: equal to the goods' value",
}

MODE_LABELS = {
    GuaranteeMode.ON_APPLICATION: "Guarantee for detention on the right holder's application",
    GuaranteeMode.EX_OFFICIO: "Guarantee for an ex officio detention",
    GuaranteeMode.GENERAL: "General (yearly) guarantee for recorded trademarks",
    GuaranteeMode.PATENT_COUNTER: "Counter-guarantee to release goods suspected of infringing a patent",
}


def _ex_officio(value: Decimal) -> tuple[Decimal, Tier, str]:
    # Boundaries as customs-ipr-implementing-measures:art-23:0 words them: "less than RMB 20,000"
    # -> the value; "RMB 20,000 to RMB 200,000" -> 50%, not less than RMB 20,000; "more than
    # RMB 200,000" -> RMB 100,000. So exactly 20,000 and exactly 200,000 both fall in the middle
    # tier (20,000 -> max(10,000, 20,000) = 20,000; 200,000 -> 100,000). The tiers meet without a
    # jump, so either reading of a boundary gives the same amount; the tier label follows the text.
    if value < TIER_LOW:
        return value, Tier.EX_OFFICIO_UNDER_20K, f"{rmb(value)} is under RMB 20,000 -> guarantee = the value"
    if value <= TIER_HIGH:
        half = value * HALF
        amount = max(half, TIER_LOW)
        floor = " (below the RMB 20,000 floor, so RMB 20,000)" if half < TIER_LOW else ""
        return amount, Tier.EX_OFFICIO_20K_TO_200K, (
            f"{rmb(value)} is from RMB 20,000 to RMB 200,000 -> 50% x {rmb(value)} = {rmb(half)}{floor}"
        )
    return HIGH_TIER_AMOUNT, Tier.EX_OFFICIO_OVER_200K, f"{rmb(value)} is more than RMB 200,000 -> RMB 100,000"


def calculate_guarantee(inp: GuaranteeInput) -> GuaranteeResult:
    """Size the guarantee for ``inp.mode``, with the tier that applied and its legal basis."""
    mode = to_enum("mode", inp.mode, GuaranteeMode)
    value = None
    if inp.goods_value is not None:
        value = to_decimal("goods_value", inp.goods_value, above_minimum=True)
    elif mode is not GuaranteeMode.GENERAL:
        raise ToolInputError("goods_value", f"is required for a {mode.value} guarantee")

    warnings: list[str] = []
    steps: list[str] = []
    cited: list[str] = []
    if value is not None:
        steps.append(f"Goods value: {rmb(value)} (transaction price, or customs' estimate)")

    if mode is GuaranteeMode.EX_OFFICIO:
        assert value is not None
        amount, tier, step = _ex_officio(value)
        steps.append(step)
        rules = [
            "Ex officio detention guarantee by the goods' value: under RMB 20,000 -> the value; RMB 20,000 "
            "to RMB 200,000 -> 50% of the value, but not less than RMB 20,000; more than RMB 200,000 -> "
            "RMB 100,000.",
            "Customs detains goods found ex officio only if the right holder applies and posts the guarantee "
            "in time (3 working days from service of customs' notice).",
        ]
        cited += [EX_OFFICIO_TIERS, EX_OFFICIO_DETENTION]
        who, ceiling = "the right holder", False
        warnings.append(
            "A holder of recorded trademarks with an approved general guarantee posts no per-shipment "
            "guarantee while it runs."
        )
    elif mode is GuaranteeMode.ON_APPLICATION:
        assert value is not None
        amount, tier = value, Tier.APPLICATION_CEILING
        steps.append(f"Guarantee may not exceed the goods' value -> at most {rmb(value)}")
        rules = [
            "A right holder applying for detention gives a guarantee that does not exceed the goods' value; "
            "customs sets the amount (reportedly equal to the value in practice).",
            "The ex officio tiers do not apply to detention on application.",
        ]
        cited += [APPLICATION_CEILING, APPLICATION_PRACTICE]
        who, ceiling = "the right holder", True
        warnings.append(
            "This is a ceiling: customs sets the actual amount; plan for the full value, which is reportedly "
            "what is asked in practice."
        )
    elif mode is GuaranteeMode.PATENT_COUNTER:
        assert value is not None
        amount, tier = value, Tier.PATENT_COUNTER_VALUE
        steps.append(f"Counter-guarantee = the goods' value = {rmb(value)}")
        rules = [
            "The consignee or consignor of goods suspected of infringing a patent may obtain their release by "
            "posting a counter-guarantee equal to the goods' value; it is returned if the right holder does "
            "not sue within a reasonable time.",
            "Customs releases detained goods once that counter-guarantee is posted (release ground 3).",
        ]
        cited += [PATENT_COUNTER, RELEASE_GROUNDS]
        who, ceiling = "the consignee or consignor", False
        warnings.append("The counter-guarantee is available only for suspected patent infringement.")
    else:
        costs = None
        if inp.previous_year_costs is not None:
            costs = to_decimal("previous_year_costs", inp.previous_year_costs)
        if costs is None:
            amount, tier = GENERAL_MINIMUM, Tier.GENERAL_MINIMUM
            steps.append("No previous-year costs given -> RMB 200,000 (the amount when costs are lower or nil)")
            warnings.append(
                "Previous-year costs not given: assumed no detention requests last year, or costs under "
                "RMB 200,000. Pass them (previous_year_costs, --previous-costs) if they were higher."
            )
        elif costs < GENERAL_MINIMUM:
            amount, tier = GENERAL_MINIMUM, Tier.GENERAL_MINIMUM
            steps.append(f"Previous-year costs {rmb(costs)} are below RMB 200,000 -> RMB 200,000")
        else:
            amount, tier = costs, Tier.GENERAL_PREVIOUS_COSTS
            steps.append(f"Previous-year costs {rmb(costs)} are not below RMB 200,000 -> {rmb(costs)}")
        rules = [
            "A holder of recorded trademarks may, with GACC's approval, give one general guarantee covering all "
            "its ex officio detention requests from approval to 31 December of that year.",
            "Its amount is the holder's storage, custody and disposal costs of the previous year; if those are "
            "below RMB 200,000, or it made no requests last year, it is RMB 200,000.",
        ]
        cited += [GENERAL_GUARANTEE]
        who, ceiling = "the right holder (recorded trademarks only)", False
        if value is not None:
            warnings.append("The goods' value does not affect a general guarantee; it was not used.")

    if mode is not GuaranteeMode.GENERAL and inp.previous_year_costs is not None:
        warnings.append("previous_year_costs only sizes a general guarantee; it was not used.")
    rules.append("A guarantee is a cash deposit or a letter of guarantee from a bank or non-bank financial institution.")
    cited.append(FORM)
    if value is not None and mode is not GuaranteeMode.GENERAL:
        rules.append("Goods are valued at their transaction price; where it cannot be established, customs estimates it.")
        cited.append(VALUATION)

    result = GuaranteeResult(
        mode=mode,
        goods_value=cents(value) if value is not None else None,
        amount=cents(amount),
        tier=tier,
        is_ceiling=ceiling,
        who_posts=who,
        steps=steps,
        rules=rules,
        warnings=warnings,
    )
    result.cite(*cited)
    return result
