"""Compliance cost (SPEC §4, Circular 02/2017/TT-VPCP practice), pure arithmetic.

The worked check of the SPEC: 1,024,000 VND -> 231,000 VND per dossier is a 77.44 %
saving. With an average monthly income of 5,280,000 VND a citizen's hour is worth
5,280,000 / (22 x 8) = 30,000 VND, so the inputs below are built to cost exactly that.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from motcua.procedures import costs

MONTHLY = 5_280_000

# 30 citizen hours (900,000) + fees 100,000 + other costs 24,000 = 1,024,000 once
CURRENT: dict[str, Any] = {
    "actions": [
        {"name": "Chuẩn bị hồ sơ", "hours": 8},
        {"name": "Nộp hồ sơ tại Bộ phận Một cửa", "hours": 12},
        {"name": "Nhận kết quả", "hours": 10},
    ],
    "fees": [{"name": "Lệ phí", "amount_vnd": 60_000}, {"name": "Phí", "amount_vnd": 40_000}],
    "hired_services_vnd": 0,
    "other_costs_vnd": 24_000,
    "subjects_per_year": 1_000,
    "times_per_year": 1,
}
# 6 citizen hours (180,000) + fees 50,000 + other costs 1,000 = 231,000 once
PROPOSED: dict[str, Any] = {
    "actions": [
        {"name": "Nộp hồ sơ trực tuyến", "hours": "2.5"},
        {"name": "Nhận kết quả qua bưu chính", "hours": "3.5"},
    ],
    "fees": [{"name": "Lệ phí", "amount_vnd": 50_000}],
    "hired_services_vnd": 0,
    "other_costs_vnd": 1_000,
    "subjects_per_year": 1_000,
    "times_per_year": 1,
}


def inputs(raw: dict[str, Any], **changes: Any) -> costs.CostInputs:
    return costs.parse_inputs({**raw, **changes})


def field_errors(raw: Any, prefix: str = "") -> dict[str, list[str]]:
    with pytest.raises(costs.CostInputError) as caught:
        costs.parse_inputs(raw, prefix)
    return caught.value.fields


# --- the worked numbers ------------------------------------------------------------------


def test_1024000_to_231000_vnd_per_dossier_is_a_saving_of_77_44_percent():
    assert costs.saving_rate(1_024_000, 231_000) == Decimal("77.44")


def test_hourly_income_is_the_monthly_income_over_22_days_of_8_hours():
    assert costs.hourly_income(MONTHLY) == Decimal(30_000)
    assert costs.hourly_income(Decimal(176)) == Decimal(1)
    assert costs.hourly_income(5_000_000) == Decimal(5_000_000) / Decimal(176)


def test_real_inputs_cost_1024000_before_and_231000_after_and_save_77_44_percent():
    result = costs.compare(inputs(CURRENT), inputs(PROPOSED), MONTHLY)

    assert result.hourly_income_vnd == Decimal(30_000)
    assert result.before == costs.Cost(
        hours=Decimal(30),
        time_cost_vnd=Decimal(900_000),
        cash_vnd=Decimal(124_000),
        once_vnd=Decimal(1_024_000),
        per_year_vnd=Decimal(1_024_000_000),
    )
    assert result.after == costs.Cost(
        hours=Decimal(6),
        time_cost_vnd=Decimal(180_000),
        cash_vnd=Decimal(51_000),
        once_vnd=Decimal(231_000),
        per_year_vnd=Decimal(231_000_000),
    )
    assert result.saving_once_vnd == Decimal(793_000)
    assert result.saving_per_year_vnd == Decimal(793_000_000)
    assert result.saving_rate_percent == Decimal("77.44")
    assert result.saving_rate_per_year_percent == Decimal("77.44")


def test_the_comparison_as_json_carries_whole_dong_and_rates_as_text():
    assert costs.compare(inputs(CURRENT), inputs(PROPOSED), MONTHLY).as_dict() == {
        "hourly_income_vnd": "30000.00",
        "before": {
            "hours": "30",
            "time_cost_vnd": 900_000,
            "cash_vnd": 124_000,
            "once_vnd": 1_024_000,
            "per_year_vnd": 1_024_000_000,
        },
        "after": {
            "hours": "6.0",
            "time_cost_vnd": 180_000,
            "cash_vnd": 51_000,
            "once_vnd": 231_000,
            "per_year_vnd": 231_000_000,
        },
        "saving_once_vnd": 793_000,
        "saving_per_year_vnd": 793_000_000,
        "saving_rate_percent": "77.44",
        "saving_rate_per_year_percent": "77.44",
    }


def test_hired_services_count_in_the_cost_once_like_fees():
    result = costs.cost(inputs(CURRENT, hired_services_vnd=76_000), MONTHLY)
    assert result.cash_vnd == Decimal(200_000)
    assert result.once_vnd == Decimal(1_100_000)


# --- the annual figure -------------------------------------------------------------------


def test_the_annual_cost_is_the_cost_once_times_subjects_times_times_per_year():
    result = costs.cost(inputs(CURRENT, subjects_per_year=2_500, times_per_year=3), MONTHLY)
    assert result.once_vnd == Decimal(1_024_000)
    assert result.per_year_vnd == Decimal(1_024_000 * 2_500 * 3) == Decimal(7_680_000_000)


def test_the_yearly_saving_rate_differs_from_the_per_dossier_rate_when_times_change():
    # after the change the citizen comes twice a year: 231,000 x 1,000 x 2 = 462,000,000
    result = costs.compare(inputs(CURRENT), inputs(PROPOSED, times_per_year=2), MONTHLY)
    assert result.saving_once_vnd == Decimal(793_000)
    assert result.saving_rate_percent == Decimal("77.44")
    assert result.after.per_year_vnd == Decimal(462_000_000)
    assert result.saving_per_year_vnd == Decimal(562_000_000)
    # 562 / 1024 = 54.8828125 %
    assert result.saving_rate_per_year_percent == Decimal("54.88")


def test_the_yearly_saving_rate_differs_when_the_number_of_subjects_changes():
    # fewer subjects need the procedure at all: 231,000 x 400 = 92,400,000
    result = costs.compare(inputs(CURRENT), inputs(PROPOSED, subjects_per_year=400), MONTHLY)
    assert result.after.per_year_vnd == Decimal(92_400_000)
    assert result.saving_per_year_vnd == Decimal(931_600_000)
    # 931.6 / 1024 = 90.9765625 %
    assert result.saving_rate_per_year_percent == Decimal("90.98")
    assert result.saving_rate_percent == Decimal("77.44")


def test_a_cost_that_grows_is_a_negative_saving():
    result = costs.compare(inputs(PROPOSED), inputs(CURRENT), MONTHLY)
    assert result.saving_once_vnd == Decimal(-793_000)
    # -793 / 231 = -343.2900... %
    assert result.saving_rate_percent == Decimal("-343.29")


# --- rounding ------------------------------------------------------------------------------


def test_the_time_cost_is_rounded_half_up_to_whole_dong():
    # at 176 VND a month an hour is worth exactly 1 VND: 2.5 hours cost 2.5 -> 3 (not 2)
    result = costs.cost(inputs(CURRENT, actions=[{"name": "Đi lại", "hours": "2.5"}]), 176)
    assert result.time_cost_vnd == Decimal(3)
    assert result.once_vnd == Decimal(124_003)
    result = costs.cost(inputs(CURRENT, actions=[{"name": "Đi lại", "hours": "3.5"}]), 176)
    assert result.time_cost_vnd == Decimal(4)


def test_the_time_cost_rounds_the_sum_of_hours_not_each_action():
    # 0.5 h + 0.5 h at 1 VND an hour: 1 VND, where rounding each action would give 2
    actions = [{"name": "Một", "hours": "0.5"}, {"name": "Hai", "hours": "0.5"}]
    assert costs.cost(inputs(CURRENT, actions=actions), 176).time_cost_vnd == Decimal(1)


def test_a_fractional_hourly_income_rounds_the_time_cost_to_the_nearest_dong():
    # 5,000,000 / 176 = 28,409.0909... VND an hour; 0.5 h = 14,204.545... -> 14,205
    actions = [{"name": "Nộp", "hours": "0.5"}]
    assert costs.cost(inputs(CURRENT, actions=actions), 5_000_000).time_cost_vnd == Decimal(14_205)


def test_the_saving_rate_rounds_half_up_to_two_decimals():
    # 1 / 800 = 0.125 %: half up gives 0.13 (half even would give 0.12)
    assert costs.saving_rate(800, 799) == Decimal("0.13")
    assert costs.saving_rate(3, 2) == Decimal("33.33")
    assert costs.saving_rate(3, 1) == Decimal("66.67")


def test_a_zero_cost_before_has_no_saving_rate():
    assert costs.saving_rate(0, 0) is None
    assert costs.saving_rate(0, 5_000) is None
    free = {"actions": [], "fees": [], "subjects_per_year": 0, "times_per_year": 1}
    result = costs.compare(inputs(free), inputs(free), MONTHLY)
    assert result.before.once_vnd == Decimal(0)
    assert result.saving_rate_percent is None
    assert result.saving_rate_per_year_percent is None
    assert result.as_dict()["saving_rate_percent"] is None


def test_no_subjects_a_year_makes_only_the_yearly_rate_undefined():
    result = costs.compare(
        inputs(CURRENT, subjects_per_year=0), inputs(PROPOSED, subjects_per_year=0), MONTHLY
    )
    assert result.saving_rate_percent == Decimal("77.44")
    assert result.before.per_year_vnd == Decimal(0)
    assert result.saving_rate_per_year_percent is None


# --- defaults and bad inputs ---------------------------------------------------------------


def test_hired_services_other_costs_and_times_per_year_have_defaults():
    parsed = costs.parse_inputs({"subjects_per_year": 10})
    assert parsed == costs.CostInputs(
        actions=(),
        fees_vnd=Decimal(0),
        hired_services_vnd=Decimal(0),
        other_costs_vnd=Decimal(0),
        subjects_per_year=10,
        times_per_year=1,
    )


def test_negative_hours_are_refused_naming_the_action():
    raw = {**CURRENT, "actions": [{"name": "Nộp", "hours": 1}, {"name": "Chờ", "hours": -2}]}
    assert field_errors(raw) == {"actions.1.hours": ["Must be a number of at least 0."]}


def test_text_where_a_number_belongs_is_refused_naming_the_field():
    raw = {**CURRENT, "actions": [{"name": "Nộp", "hours": "hai giờ"}], "other_costs_vnd": "x"}
    assert field_errors(raw) == {
        "actions.0.hours": ["Not a number."],
        "other_costs_vnd": ["Not a number."],
    }


def test_a_missing_subjects_per_year_is_refused():
    raw = {k: v for k, v in CURRENT.items() if k != "subjects_per_year"}
    assert field_errors(raw) == {"subjects_per_year": ["A number is required."]}


def test_fractional_fees_and_counts_are_refused():
    raw = {
        **CURRENT,
        "fees": [{"name": "Lệ phí", "amount_vnd": 1000}, {"name": "Phí", "amount_vnd": "1000.5"}],
        "hired_services_vnd": 0.5,
        "subjects_per_year": 12.5,
        "times_per_year": "1.5",
    }
    assert field_errors(raw) == {
        "fees.1.amount_vnd": ["Must be a whole number."],
        "hired_services_vnd": ["Must be a whole number."],
        "subjects_per_year": ["Must be a whole number."],
        "times_per_year": ["Must be a whole number."],
    }


def test_every_bad_field_is_named_with_the_side_of_the_proposal_as_prefix():
    raw = {
        "actions": [{"name": "", "hours": True}, "đi lại"],
        "fees": {"name": "Lệ phí"},
        "other_costs_vnd": -1,
        "subjects_per_year": None,
        "times_per_year": "NaN",
    }
    assert field_errors(raw, "proposed") == {
        "proposed.actions.0.name": ["A name is required."],
        "proposed.actions.0.hours": ["A number is required."],
        "proposed.actions.1": ["An object is required."],
        "proposed.fees": ["A list is required."],
        "proposed.other_costs_vnd": ["Must be a number of at least 0."],
        "proposed.subjects_per_year": ["A number is required."],
        "proposed.times_per_year": ["Must be a number of at least 0."],
    }


@pytest.mark.parametrize("raw", [None, [], "1024000", 5])
def test_a_side_that_is_not_an_object_is_refused(raw):
    assert field_errors(raw, "current") == {"current": ["An object is required."]}
    assert field_errors(raw) == {"__all__": ["An object is required."]}


def test_the_error_message_lists_every_field():
    with pytest.raises(costs.CostInputError) as caught:
        costs.parse_inputs({"actions": [{"name": "Nộp", "hours": -1}]}, "current")
    assert str(caught.value) == (
        "current.actions.0.hours: Must be a number of at least 0.; "
        "current.subjects_per_year: A number is required."
    )
