"""Publication of the catalogue per unit: a province's decision names the procedures each of
its units (and agencies) resolves; a unit's catalogue and its counts come from those records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from motcua.core.errors import Conflict, ValidationFailed
from motcua.org.models import UnitLevel
from motcua.procedures import selectors, services
from motcua.procedures.models import CatalogueDecision, Procedure, Publication

SIGNED = date(2025, 2, 20)
EFFECTIVE = date(2025, 3, 1)
TODAY = date(2025, 9, 1)
COSTS: dict[str, Any] = {
    "actions": [{"name": "Nộp hồ sơ", "hours": 4}],
    "fees": [],
    "subjects_per_year": 100,
}


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def procedure(code: str, level: str) -> Procedure:
    return services.procedure_create(
        code=code,
        name=f"Thủ tục {code}",
        sector=services.sector_ensure(code="khac", name="Khác"),
        level=UnitLevel.objects.get(code=level),
        version=services.VersionData(
            effective_from=date(2025, 1, 1),
            time_limit_value=Decimal(3),
            time_limit_unit="working_days",
        ),
    )


def decision(unit: Any, number: str = "512/QĐ-UBND", effective_on: date = EFFECTIVE) -> Any:
    return services.decision_create(
        unit=unit,
        number=number,
        title="Công bố danh mục thủ tục hành chính",
        signed_on=SIGNED,
        effective_on=effective_on,
    )


def rows() -> list[tuple[str, str, str | None, date]]:
    return sorted(
        Publication.objects.values_list(
            "procedure__code", "unit__code", "agency__code", "valid_from"
        )
    )


@pytest.fixture
def catalogue(world: Any) -> dict[str, Procedure]:
    return {
        code: procedure(code, level)
        for code, level in [
            ("H.1", "district"),
            ("H.2", "district"),
            ("H.3", "district"),
            ("X.1", "commune"),
            ("X.2", "commune"),
            ("T.1", "province"),
        ]
    }


# --- decisions ----------------------------------------------------------------------------------


def test_a_decision_is_recorded_with_its_unit_number_and_dates(world):
    recorded = decision(world.province)
    assert CatalogueDecision.objects.get() == recorded
    assert (recorded.unit, recorded.number, recorded.signed_on, recorded.effective_on) == (
        world.province,
        "512/QĐ-UBND",
        SIGNED,
        EFFECTIVE,
    )


def test_a_decision_cannot_take_effect_before_it_is_signed(world):
    with pytest.raises(ValidationFailed) as caught:
        decision(world.province, effective_on=date(2025, 2, 19))
    assert caught.value.code == "procedure.invalid_decision"
    assert caught.value.fields == {"effective_on": ["Before the signing date."]}
    assert CatalogueDecision.objects.count() == 0


@pytest.mark.parametrize(("number", "title"), [("  ", "Công bố"), ("1/QĐ", "")])
def test_a_decision_needs_a_number_and_a_title(world, number, title):
    with pytest.raises(ValidationFailed) as caught:
        services.decision_create(
            unit=world.province, number=number, title=title, signed_on=SIGNED, effective_on=SIGNED
        )
    assert caught.value.code == "procedure.invalid_decision"
    assert CatalogueDecision.objects.count() == 0


def test_the_same_decision_is_not_recorded_twice(world):
    first = decision(world.province)
    with pytest.raises(Conflict) as caught:
        decision(world.province, effective_on=date(2025, 4, 1))
    assert caught.value.code == "procedure.duplicate_decision"
    assert list(CatalogueDecision.objects.all()) == [first]
    assert first.effective_on == EFFECTIVE
    # another unit may use the same number for its own decision
    decision(world.dl)
    assert CatalogueDecision.objects.count() == 2


# --- publishing ---------------------------------------------------------------------------------


def test_a_province_publishes_procedures_for_itself_its_districts_and_their_communes(
    world, catalogue
):
    province_decision = decision(world.province)
    assert (
        services.procedures_publish(
            decision=province_decision,
            procedures=[catalogue["T.1"]],
            unit=world.province,
            agency=world.ubnd_tinh,
        )
        == 1
    )
    assert (
        services.procedures_publish(
            decision=province_decision,
            procedures=[catalogue["H.1"], catalogue["H.2"]],
            unit=world.dl,
            agency=world.dl_tnmt,
        )
        == 2
    )
    assert (
        services.procedures_publish(
            decision=province_decision, procedures=[catalogue["X.1"]], unit=world.dl_commune
        )
        == 1
    )
    assert rows() == [
        ("H.1", "427", "DL.TNMT", EFFECTIVE),
        ("H.2", "427", "DL.TNMT", EFFECTIVE),
        ("T.1", "40", "T.UBND", EFFECTIVE),
        ("X.1", "42701", None, EFFECTIVE),
    ]
    assert set(Publication.objects.values_list("decision", flat=True)) == {province_decision.pk}


def test_a_district_decision_may_publish_for_its_own_communes(world, catalogue):
    district_decision = decision(world.dl, number="77/QĐ-UBND")
    assert (
        services.procedures_publish(
            decision=district_decision,
            procedures=[catalogue["X.1"], catalogue["X.2"]],
            unit=world.dl_commune,
            agency=world.dl_commune_ubnd,
        )
        == 2
    )
    assert rows() == [
        ("X.1", "42701", "DL.DS.UBND", EFFECTIVE),
        ("X.2", "42701", "DL.DS.UBND", EFFECTIVE),
    ]


def test_a_procedure_already_published_in_the_unit_is_skipped(world, catalogue):
    first = decision(world.province)
    services.procedures_publish(decision=first, procedures=[catalogue["H.1"]], unit=world.dl)
    second = decision(world.province, number="600/QĐ-UBND", effective_on=date(2025, 6, 1))
    added = services.procedures_publish(
        decision=second, procedures=[catalogue["H.1"], catalogue["H.2"]], unit=world.dl
    )
    assert added == 1
    assert rows() == [("H.1", "427", None, EFFECTIVE), ("H.2", "427", None, date(2025, 6, 1))]


def test_a_decision_publishes_nothing_outside_its_own_unit(world, catalogue):
    district_decision = decision(world.dl, number="77/QĐ-UBND")
    for unit in [world.tk, world.tk_commune, world.province]:
        with pytest.raises(ValidationFailed) as caught:
            services.procedures_publish(
                decision=district_decision, procedures=[catalogue["H.1"]], unit=unit
            )
        assert caught.value.code == "procedure.outside_decision"
    assert rows() == []


def test_an_agency_of_another_unit_cannot_resolve_the_units_procedures(world, catalogue):
    province_decision = decision(world.province)
    for unit, agency in [
        (world.dl, world.tk_one_stop),
        (world.dl, world.dl_commune_ubnd),  # a commune's agency is not the district's
        (world.dl_commune, world.dl_tnmt),
        (world.province, world.dl_ubnd),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            services.procedures_publish(
                decision=province_decision,
                procedures=[catalogue["H.1"]],
                unit=unit,
                agency=agency,
            )
        assert caught.value.code == "procedure.bad_agency"
    assert rows() == []


# --- the catalogue of a unit and its counts ----------------------------------------------------


@pytest.fixture
def published(world: Any, catalogue: dict[str, Procedure]) -> dict[str, Procedure]:
    """Đô Lương resolves H.1, H.2 and its commune X.1, X.2; Tân Kỳ resolves H.3 and its
    commune X.1; the province resolves T.1."""
    d = decision(world.province)
    services.procedures_publish(
        decision=d, procedures=[catalogue["H.1"], catalogue["H.2"]], unit=world.dl
    )
    services.procedures_publish(
        decision=d, procedures=[catalogue["X.1"], catalogue["X.2"]], unit=world.dl_commune
    )
    services.procedures_publish(decision=d, procedures=[catalogue["H.3"]], unit=world.tk)
    services.procedures_publish(decision=d, procedures=[catalogue["X.1"]], unit=world.tk_commune)
    services.procedures_publish(decision=d, procedures=[catalogue["T.1"]], unit=world.province)
    services.income_parameter_set(year=2025, monthly_income_vnd=5_280_000, source="GSO 2024")
    return catalogue


def propose(world: Any, procedure: Procedure, unit: Any, title: str = "Đơn giản hóa") -> Any:
    return services.proposal_create(
        actor=world.dl_chutich,
        procedure=procedure,
        unit=unit,
        title=title,
        year=2025,
        current=COSTS,
        proposed=COSTS,
    )


def test_a_district_counts_its_procedures_and_its_communes_by_level(world, published):
    counts = selectors.catalogue_counts(unit=world.dl, at=TODAY)
    assert counts == selectors.CatalogueCounts(
        total=4, by_level={"district": 2, "commune": 2}, proposals=0
    )
    assert list(counts.by_level) == ["district", "commune"]  # by rank of the level


def test_a_procedure_resolved_by_several_units_counts_once(world, published):
    assert selectors.catalogue_counts(unit=world.tk, at=TODAY) == selectors.CatalogueCounts(
        total=2, by_level={"district": 1, "commune": 1}, proposals=0
    )
    # X.1 is resolved in both districts' communes: the province counts it once
    assert selectors.catalogue_counts(unit=world.province, at=TODAY) == selectors.CatalogueCounts(
        total=6, by_level={"province": 1, "district": 3, "commune": 2}, proposals=0
    )


def test_a_commune_counts_only_its_own_procedures(world, published):
    assert selectors.catalogue_counts(unit=world.dl_commune, at=TODAY) == selectors.CatalogueCounts(
        total=2, by_level={"commune": 2}, proposals=0
    )


def test_nothing_is_counted_before_the_decision_takes_effect(world, published):
    assert selectors.catalogue_counts(
        unit=world.dl, at=date(2025, 2, 28)
    ) == selectors.CatalogueCounts(total=0, by_level={}, proposals=0)


def test_proposals_count_the_procedures_proposed_in_the_unit_and_its_communes(world, published):
    propose(world, published["H.1"], world.dl)
    propose(world, published["H.1"], world.dl, title="Phương án thứ hai")  # same procedure
    propose(world, published["X.1"], world.dl_commune)
    propose(world, published["H.3"], world.tk)
    assert selectors.catalogue_counts(unit=world.dl, at=TODAY).proposals == 2
    assert selectors.catalogue_counts(unit=world.dl_commune, at=TODAY).proposals == 1
    assert selectors.catalogue_counts(unit=world.tk, at=TODAY).proposals == 1
    assert selectors.catalogue_counts(unit=world.province, at=TODAY).proposals == 3


def test_counting_a_catalogue_costs_two_queries(world, published, django_assert_num_queries):
    with django_assert_num_queries(2):
        selectors.catalogue_counts(unit=world.dl, at=TODAY)
