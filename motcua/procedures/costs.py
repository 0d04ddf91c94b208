"""Compliance cost (chi phí tuân thủ) of a procedure, Circular 02/2017/TT-VPCP practice.

    hourly income   = average monthly income / (22 working days x 8 hours)
    cost once       = sum of citizen actions (hours x hourly income)
                      + fees and charges + hired services + other costs
    cost per year   = cost once x subjects per year x times per subject per year
    saving          = before - after;  saving rate = saving / before x 100 %

Framework-free: inputs are plain JSON (as stored on a proposal), outputs are Decimals
rounded to whole đồng (half up) and rates to two decimals. Worked check of SPEC §4:
1,024,000 -> 231,000 VND is a saving of 77.44 %.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

WORKING_DAYS_PER_MONTH = 22
HOURS_PER_DAY = 8
_VND = Decimal(1)
_RATE = Decimal("0.01")


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the translation catalogue (``makemessages`` extracts it) while
    this module stays framework-free; the messages of a CostInputError are translated
    where they become a ValidationFailed."""
    return message


class CostInputError(ValueError):
    """Bad cost inputs; ``fields`` maps a dotted path to its messages."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class CitizenAction:
    name: str
    hours: Decimal


@dataclass(frozen=True)
class CostInputs:
    actions: tuple[CitizenAction, ...]
    fees_vnd: Decimal
    hired_services_vnd: Decimal
    other_costs_vnd: Decimal
    subjects_per_year: int
    times_per_year: int


@dataclass(frozen=True)
class Cost:
    hours: Decimal  # citizen hours per dossier
    time_cost_vnd: Decimal  # those hours at the hourly income
    cash_vnd: Decimal  # fees + hired services + other costs
    once_vnd: Decimal  # cost of doing the procedure once
    per_year_vnd: Decimal  # once x subjects x times


@dataclass(frozen=True)
class Comparison:
    hourly_income_vnd: Decimal
    before: Cost
    after: Cost
    saving_once_vnd: Decimal
    saving_per_year_vnd: Decimal
    saving_rate_percent: Decimal | None  # per dossier; None when the cost before is zero
    saving_rate_per_year_percent: Decimal | None  # differs when subjects or times change

    def as_dict(self) -> dict[str, Any]:
        def cost(c: Cost) -> dict[str, Any]:
            return {
                "hours": str(c.hours),
                "time_cost_vnd": int(c.time_cost_vnd),
                "cash_vnd": int(c.cash_vnd),
                "once_vnd": int(c.once_vnd),
                "per_year_vnd": int(c.per_year_vnd),
            }

        return {
            "hourly_income_vnd": str(self.hourly_income_vnd.quantize(_RATE)),
            "before": cost(self.before),
            "after": cost(self.after),
            "saving_once_vnd": int(self.saving_once_vnd),
            "saving_per_year_vnd": int(self.saving_per_year_vnd),
            "saving_rate_percent": _text(self.saving_rate_percent),
            "saving_rate_per_year_percent": _text(self.saving_rate_per_year_percent),
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# no hour count, fee or income of a procedure comes near this (a thousand billion đồng)
MAX_NUMBER = Decimal(10**12)


def _number(raw: Any, path: str, errors: dict[str, list[str]], *, integer: bool = False) -> Decimal:
    if isinstance(raw, bool) or raw is None or raw == "":
        errors.setdefault(path, []).append(gettext_noop("A number is required."))
        return Decimal(0)
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        errors.setdefault(path, []).append(gettext_noop("Not a number."))
        return Decimal(0)
    if not value.is_finite() or value < 0:
        errors.setdefault(path, []).append(gettext_noop("Must be a number of at least 0."))
        return Decimal(0)
    if value > MAX_NUMBER:
        errors.setdefault(path, []).append(gettext_noop("The number is too large."))
        return Decimal(0)
    if integer and value != value.to_integral_value():
        errors.setdefault(path, []).append(gettext_noop("Must be a whole number."))
    return value


def parse_inputs(raw: Any, prefix: str = "") -> CostInputs:
    """Validate the stored JSON of one side of a proposal. Raises CostInputError."""
    errors: dict[str, list[str]] = {}
    at = f"{prefix}." if prefix else ""
    if not isinstance(raw, Mapping):
        raise CostInputError({prefix or "__all__": [gettext_noop("An object is required.")]})
    actions: list[CitizenAction] = []
    raw_actions = raw.get("actions", [])
    if not isinstance(raw_actions, list):
        errors[f"{at}actions"] = [gettext_noop("A list is required.")]
        raw_actions = []
    for i, item in enumerate(raw_actions):
        if not isinstance(item, Mapping):
            errors[f"{at}actions.{i}"] = [gettext_noop("An object is required.")]
            continue
        name = str(item.get("name", "")).strip()
        if not name:
            errors.setdefault(f"{at}actions.{i}.name", []).append(
                gettext_noop("A name is required.")
            )
        actions.append(
            CitizenAction(name, _number(item.get("hours"), f"{at}actions.{i}.hours", errors))
        )
    fees = Decimal(0)
    raw_fees = raw.get("fees", [])
    if not isinstance(raw_fees, list):
        errors[f"{at}fees"] = [gettext_noop("A list is required.")]
        raw_fees = []
    for i, item in enumerate(raw_fees):
        if not isinstance(item, Mapping):
            errors[f"{at}fees.{i}"] = [gettext_noop("An object is required.")]
            continue
        fees += _number(item.get("amount_vnd"), f"{at}fees.{i}.amount_vnd", errors, integer=True)
    inputs = CostInputs(
        actions=tuple(actions),
        fees_vnd=fees,
        hired_services_vnd=_number(
            raw.get("hired_services_vnd", 0), f"{at}hired_services_vnd", errors, integer=True
        ),
        other_costs_vnd=_number(
            raw.get("other_costs_vnd", 0), f"{at}other_costs_vnd", errors, integer=True
        ),
        subjects_per_year=int(
            _number(raw.get("subjects_per_year"), f"{at}subjects_per_year", errors, integer=True)
        ),
        times_per_year=int(
            _number(raw.get("times_per_year", 1), f"{at}times_per_year", errors, integer=True)
        ),
    )
    if errors:
        raise CostInputError(errors)
    return inputs


def hourly_income(monthly_income_vnd: Decimal | int) -> Decimal:
    return Decimal(monthly_income_vnd) / (WORKING_DAYS_PER_MONTH * HOURS_PER_DAY)


def cost(inputs: CostInputs, monthly_income_vnd: Decimal | int) -> Cost:
    hours = sum((a.hours for a in inputs.actions), Decimal(0))
    time_cost = (hours * hourly_income(monthly_income_vnd)).quantize(_VND, ROUND_HALF_UP)
    cash = inputs.fees_vnd + inputs.hired_services_vnd + inputs.other_costs_vnd
    once = time_cost + cash
    return Cost(
        hours=hours,
        time_cost_vnd=time_cost,
        cash_vnd=cash,
        once_vnd=once,
        per_year_vnd=once * inputs.subjects_per_year * inputs.times_per_year,
    )


def saving_rate(before_vnd: Decimal | int, after_vnd: Decimal | int) -> Decimal | None:
    """(before - after) / before x 100, two decimals; None if before is zero."""
    before = Decimal(before_vnd)
    if before == 0:
        return None
    return ((before - Decimal(after_vnd)) / before * 100).quantize(_RATE, ROUND_HALF_UP)


def compare(before: CostInputs, after: CostInputs, monthly_income_vnd: Decimal | int) -> Comparison:
    cost_before = cost(before, monthly_income_vnd)
    cost_after = cost(after, monthly_income_vnd)
    return Comparison(
        hourly_income_vnd=hourly_income(monthly_income_vnd),
        before=cost_before,
        after=cost_after,
        saving_once_vnd=cost_before.once_vnd - cost_after.once_vnd,
        saving_per_year_vnd=cost_before.per_year_vnd - cost_after.per_year_vnd,
        saving_rate_percent=saving_rate(cost_before.once_vnd, cost_after.once_vnd),
        saving_rate_per_year_percent=saving_rate(cost_before.per_year_vnd, cost_after.per_year_vnd),
    )
