"""POST /api/v1/catalogue-decisions: a province records the decision that publishes
procedures for its units; the catalogue counts follow from it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from motcua.org.models import UnitLevel
from motcua.procedures import services
from motcua.procedures.models import CatalogueDecision, Publication
from motcua.procedures.services import VersionData


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def procedures(world: Any) -> None:
    sector = services.sector_ensure(code="ho-tich", name="Hộ tịch")
    for code, level in (("1.001193", "commune"), ("2.000528", "district")):
        services.procedure_create(
            code=code,
            name=f"Thủ tục {code}",
            sector=sector,
            level=UnitLevel.objects.get(code=level),
            version=VersionData(
                effective_from=date(2024, 1, 1),
                time_limit_value=Decimal(3),
                time_limit_unit="working_days",
            ),
        )


def decision(**changes: Any) -> dict[str, Any]:
    body = {
        "unit": "40",
        "number": "1234/QĐ-UBND",
        "title": "Công bố danh mục thủ tục hành chính",
        "signed_on": "2024-02-20",
        "effective_on": "2024-03-01",
        "publications": [
            {"procedures": ["2.000528"], "unit": "427", "agency": "DL.UBND"},
            {"procedures": ["1.001193"], "unit": "42701"},
        ],
    }
    body.update(changes)
    return body


def test_the_province_administrator_records_a_decision_and_the_counts_follow(
    api, world, procedures
):
    response = api("post", "/catalogue-decisions", user=world.tinh_admin, data=decision())
    assert response.status_code == 201, response.content
    assert response.json()["published"] == 2
    agency = Publication.objects.get(unit__code="427").agency
    assert agency is not None
    assert agency.code == "DL.UBND"
    counts = api("get", "/units/427/catalogue", data={"at": "2024-03-01"}).json()
    assert counts == {
        "unit": "427",
        "total": 2,
        "by_level": {"district": 1, "commune": 1},
        "proposals": 0,
    }
    assert api("get", "/units/427/catalogue", data={"at": "2024-02-29"}).json()["total"] == 0


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("nobody", 403), ("dl_admin", 403), ("dl_chutich", 403)]
)
def test_others_may_not_record_a_decision(api, world, procedures, who, status):
    user = getattr(world, who) if who else None
    response = api("post", "/catalogue-decisions", user=user, data=decision())
    assert response.status_code == status
    assert not CatalogueDecision.objects.exists()
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    ("publications", "field"),
    [
        ([{"procedures": ["9.999999"], "unit": "427"}], "publications.0.procedures"),
        ([{"procedures": ["1.001193"], "unit": "NOPE"}], "publications.0.unit"),
        ([{"procedures": ["1.001193"], "unit": "427", "agency": "NOPE"}], "publications.0.agency"),
    ],
)
def test_unknown_codes_refuse_the_whole_decision(api, world, procedures, publications, field):
    response = api(
        "post", "/catalogue-decisions", user=world.root, data=decision(publications=publications)
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "procedure.invalid_decision"
    assert field in response.json()["error"]["fields"]
    assert not CatalogueDecision.objects.exists()


def test_an_agency_of_another_unit_refuses_the_whole_decision(api, world, procedures):
    publications = [
        {"procedures": ["2.000528"], "unit": "427"},
        {"procedures": ["1.001193"], "unit": "42701", "agency": "TK.UBND"},
    ]
    response = api(
        "post", "/catalogue-decisions", user=world.root, data=decision(publications=publications)
    )
    assert response.status_code == 400
    assert not CatalogueDecision.objects.exists()
    assert not Publication.objects.exists()


def test_a_decision_recorded_twice_is_a_conflict(api, world, procedures):
    assert api("post", "/catalogue-decisions", user=world.root, data=decision()).status_code == 201
    again = api("post", "/catalogue-decisions", user=world.root, data=decision())
    assert again.status_code == 409
    assert Publication.objects.count() == 2


def test_a_decision_effective_before_it_is_signed_is_refused(api, world, procedures):
    response = api(
        "post", "/catalogue-decisions", user=world.root, data=decision(effective_on="2024-01-01")
    )
    assert response.status_code == 400
    assert not CatalogueDecision.objects.exists()
