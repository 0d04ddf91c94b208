"""The demo catalogue: Đô Lương's 347 procedures (237 district, 110 commune) and 12
proposals, computed from records; real procedures marked apart from sample ones; every
version in force with documents and a process that fits its limit; idempotent.

The demo is seeded once for the module inside a transaction that is rolled back at the
end; each test runs in a savepoint of it (the ``db`` fixture)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Model, Prefetch
from django.test import Client
from django.utils import timezone

from motcua.org.models import AdministrativeUnit, Agency
from motcua.procedures import selectors
from motcua.procedures.demo import DECISION, PROPOSALS, catalogue
from motcua.procedures.models import (
    CatalogueDecision,
    Fee,
    IncomeParameter,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    ProposalEvent,
    ProposalStatus,
    Publication,
    RequiredDocument,
    Sector,
    SimplificationProposal,
)

NATIONAL_CODE = re.compile(r"^[1-3]\.\d{6}$")


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--quiet-logins", "--no-dossiers", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def dl(demo: str, db: Any) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code="427")


def test_do_luong_has_347_procedures_237_district_110_commune_and_12_proposals(dl):
    counts = selectors.catalogue_counts(unit=dl)
    assert counts.total == 347
    assert counts.by_level == {"district": 237, "commune": 110}
    assert counts.proposals == 12


def test_the_api_answers_the_same_counts(dl, client: Client):
    response = client.get("/api/v1/units/427/catalogue")
    assert response.status_code == 200
    assert response.json() == {
        "unit": "427",
        "total": 347,
        "by_level": {"district": 237, "commune": 110},
        "proposals": 12,
    }


def test_the_seed_command_prints_the_computed_counts(demo, db):
    assert "Catalogue of unit 427: 347 procedures (237 district, 110 commune)" in demo
    assert "12 proposed for simplification" in demo


def test_the_counts_hold_before_the_2025_reform_too(dl):
    counts = selectors.catalogue_counts(unit=dl, at=date(2024, 6, 1))
    assert (counts.total, counts.by_level) == (347, {"district": 237, "commune": 110})
    # before the decision took effect nothing was published
    assert selectors.catalogue_counts(unit=dl, at=date(2024, 2, 1)).total == 0


MODELS: list[type[Model]] = [
    Sector,
    Procedure,
    ProcedureVersion,
    Fee,
    RequiredDocument,
    ProcessStep,
    CatalogueDecision,
    Publication,
    IncomeParameter,
    SimplificationProposal,
    ProposalEvent,
    Agency,
]


def test_seeding_again_changes_nothing(dl):
    before = {m.__name__: m._default_manager.count() for m in MODELS}
    seed()
    assert {m.__name__: m._default_manager.count() for m in MODELS} == before
    assert selectors.catalogue_counts(unit=dl).total == 347


def test_every_demo_procedure_has_a_version_in_force_with_documents_and_fitting_steps(dl):
    today = timezone.localdate()
    codes = [item.code for item in catalogue()]
    in_force = ProcedureVersion.objects.filter(
        procedure__code__in=codes, effective_from__lte=today
    ).exclude(effective_to__lt=today)
    versions = {
        v.procedure.code: v
        for v in in_force.select_related("procedure").prefetch_related(
            "documents", Prefetch("steps", queryset=ProcessStep.objects.order_by("position"))
        )
    }
    assert sorted(versions) == sorted(codes)
    for code, version in versions.items():
        steps = list(version.steps.all())
        assert steps, code
        assert list(version.documents.all()), code
        allowed = selectors.limit_hours(
            value=version.time_limit_value, unit=version.time_limit_unit
        )
        assert sum((s.hours for s in steps), Decimal(0)) <= allowed, code
        assert all(s.hours > 0 for s in steps), code
        assert steps[0].role == "one_stop_officer", code
        assert steps[-1].role == "one_stop_officer", code


def test_real_procedures_have_national_codes_and_sample_ones_say_so(dl):
    real = dict(Procedure.objects.filter(sample=False).values_list("code", "name"))
    assert real["1.001193"] == "Đăng ký khai sinh"
    assert {"1.000894", "1.000656", "2.000815", "2.000884", "1.001612"} <= set(real)
    assert all(NATIONAL_CODE.match(code) for code in real), real
    sample = Procedure.objects.filter(sample=True)
    assert sample.exists()
    assert all(code.startswith("DL-MAU-") for code in sample.values_list("code", flat=True))
    filler = sample.filter(name__startswith="Thủ tục mẫu số")
    assert all("dữ liệu mẫu" in name for name in filler.values_list("name", flat=True))


def test_the_decision_of_nghe_an_is_marked_as_sample_data(dl):
    decision = CatalogueDecision.objects.get(number=DECISION["number"])
    assert decision.unit.code == "40"
    assert "dữ liệu mẫu" in decision.title


def test_district_procedures_are_published_for_the_district_with_their_division(dl):
    district = Publication.objects.filter(unit=dl).select_related("agency", "procedure__level")
    assert district.count() == 237
    assert {p.procedure.level.code for p in district} == {"district"}
    assert all(p.agency is not None and p.agency.unit_id == dl.pk for p in district)
    birth_abroad = district.get(procedure__code="2.000528")
    assert birth_abroad.agency is not None
    assert birth_abroad.agency.name == "Phòng Tư pháp huyện Đô Lương"


def test_commune_procedures_are_published_for_every_commune_valid_today(dl):
    today = timezone.localdate()
    communes = AdministrativeUnit.objects.filter(parent=dl, level__code="commune")
    for commune in communes:
        published = Publication.objects.filter(unit=commune).count()
        valid = commune.valid_to is None or commune.valid_to >= today
        assert published == (110 if valid else 0), commune.code
    # the commune formed by the 2025 reform has them from the day it was formed
    reformed = Publication.objects.filter(unit__code="42799")
    assert reformed.count() == 110
    assert {p.valid_from for p in reformed} == {date(2025, 7, 1)}


def test_interconnected_procedures_have_steps_at_the_provinces_departments(dl):
    province_steps = ProcessStep.objects.filter(agency__unit__code="40")
    names = set(province_steps.values_list("agency__name", flat=True))
    assert "Văn phòng Đăng ký đất đai tỉnh Nghệ An" in names
    assert "Sở Tài nguyên và Môi trường tỉnh Nghệ An" in names
    assert "Sở Lao động - Thương binh và Xã hội tỉnh Nghệ An" in names


def test_a_law_change_made_a_second_version_of_land_mediation(dl):
    procedure = Procedure.objects.get(name="Hòa giải tranh chấp đất đai")
    before = selectors.version_in_force(procedure=procedure, at=date(2024, 7, 31))
    after = selectors.version_in_force(procedure=procedure, at=date(2024, 8, 1))
    assert (before.number, before.time_limit_value) == (1, 45)
    assert (after.number, after.time_limit_value) == (2, 30)


def test_every_proposal_computes_its_costs(dl):
    proposals = list(selectors.proposals_in(unit=dl))
    assert len(proposals) == len(PROPOSALS) == 12
    for proposal in proposals:
        costs = selectors.proposal_costs(proposal=proposal)
        assert costs.before.once_vnd > 0, proposal.title
        assert costs.before.per_year_vnd > 0, proposal.title
        assert costs.saving_once_vnd > 0, proposal.title
        assert costs.saving_rate_percent is not None
        assert 0 < costs.saving_rate_percent < 100


def test_the_proposals_are_in_every_state(dl):
    statuses = [p.status for p in SimplificationProposal.objects.filter(unit=dl)]
    assert set(statuses) == set(ProposalStatus.values)


def test_an_implemented_proposal_made_the_version_in_force_since(dl):
    implemented = SimplificationProposal.objects.filter(unit=dl, status="implemented")
    assert implemented.count() == 2
    for proposal in implemented:
        version = proposal.implemented_version
        assert version is not None
        assert version.number == 2
        in_force = selectors.version_in_force(
            procedure=proposal.procedure, at=version.effective_from
        )
        assert in_force.pk == version.pk
        assert version.time_limit_value == Decimal(str(proposal.proposed["time_limit"]["value"]))


def test_income_parameters_cover_2023_to_2026_with_a_source(dl):
    params = dict(IncomeParameter.objects.values_list("year", "source"))
    assert {2023, 2024, 2025, 2026} <= set(params)
    assert all("ước tính cho bản demo" in params[y].lower() for y in (2023, 2024, 2025, 2026))


def test_the_demo_catalogue_is_searchable_without_diacritics(dl):
    found = selectors.procedures_search(q="dang ky khai sinh", unit=dl)
    assert "1.001193" in set(found.values_list("code", flat=True))
    assert not selectors.procedures_search(q="khai sinh", unit=dl, level="province").exists()
