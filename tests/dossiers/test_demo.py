"""The demo dossiers of 2024, on a small configuration: driven through the real services,
so the ledger verifies and every statistic is computed; late ones with apology letters,
supplemented, withdrawn, stopped, forwarded and rated ones are all there; idempotent.

The demo is seeded once for the module inside a transaction that is rolled back at the
end; each test runs in a savepoint of it (the ``db`` fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from motcua.dossiers import ledger
from motcua.dossiers.demo import SHOPS, DossierDemoResult, seed_dossiers
from motcua.dossiers.models import Dossier, DossierEvent, DossierStatus, Rating
from motcua.org.demo import load_demo_organisation
from motcua.org.models import Agency
from motcua.procedures.demo import load_demo_catalogue
from motcua.reports.selectors import dossier_statistics

QUARTERS = [
    (date(2024, 1, 1), date(2024, 3, 31)),
    (date(2024, 4, 1), date(2024, 6, 30)),
    (date(2024, 7, 1), date(2024, 9, 30)),
    (date(2024, 10, 1), date(2024, 12, 31)),
]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DossierDemoResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_organisation()
        load_demo_catalogue()
        yield seed_dossiers(scale=0.03)
        transaction.set_rollback(True)


@pytest.fixture
def result(demo: DossierDemoResult, db: Any) -> DossierDemoResult:
    return demo


def shops() -> list[Agency]:
    return list(Agency.objects.filter(code__in=[s.agency for s in SHOPS]))


def test_every_demo_dossier_has_an_intact_hash_chained_history(result):
    assert result.created == Dossier.objects.count()
    assert result.created >= 30
    check = ledger.verify()
    assert check.ok
    assert check.checked == result.created
    for dossier in Dossier.objects.all():
        actions = list(dossier.events.order_by("seq").values_list("action", flat=True))
        assert actions[0] in {"receive", "submit"}, dossier.code
        assert len(actions) == dossier.revision


def test_the_statistics_identity_holds_for_every_shop_and_quarter(result):
    for agency in shops():
        for first, last in QUARTERS:
            stats = dossier_statistics(agencies=[agency], first=first, last=last)
            assert stats.carried_over + stats.new == (
                stats.resolved + stats.withdrawn + stats.stopped + stats.pending
            ), (agency.code, first)
        year = dossier_statistics(
            agencies=[agency], first=date(2024, 1, 1), last=date(2024, 12, 31)
        )
        assert year.new > 0, agency.code
        # the whole year's work was resolved by now, except what was still open at its end
        assert year.carried_over == 0


def test_the_late_rate_of_2024_is_believable_and_computed(result):
    stats = dossier_statistics(agencies=shops(), first=date(2024, 1, 1), last=date(2025, 6, 30))
    assert stats.resolved > 0
    late_rate = stats.late / stats.resolved
    assert 0.03 <= late_rate <= 0.30, (stats.late, stats.resolved)
    # late is derived from the times: each late one finished after its legal due time
    late = [
        d
        for d in Dossier.objects.filter(status__in=[9, 10])
        if d.finished_at is not None and d.due_at is not None and d.finished_at > d.due_at
    ]
    assert len(late) == stats.late


def test_most_late_dossiers_have_an_apology_letter_issued_before_the_due_time(result):
    apologies = DossierEvent.objects.filter(action="apologize").select_related("dossier")
    assert apologies.exists()
    for event in apologies:
        dossier = event.dossier
        assert dossier.appointment_at is not None
        assert dossier.due_at is not None
        assert event.at < dossier.due_at
        assert dossier.appointment_at > dossier.due_at
        if dossier.finished_at is not None:
            assert dossier.finished_at > dossier.due_at  # the apology does not excuse it
    assert result.apologies == apologies.count()


def test_supplements_paused_the_clock_and_moved_the_due_time(result):
    supplements = DossierEvent.objects.filter(action="supplement")
    assert supplements.exists()
    for event in supplements:
        asked = DossierEvent.objects.get(dossier=event.dossier, seq=event.seq - 1)
        assert asked.action == "request_supplement"
        assert event.data["paused_office_seconds"] > 0
        assert event.data["due_at_after"] > asked.data["due_at_before"]
    waiting = Dossier.objects.filter(status=DossierStatus.SUPPLEMENT_REQUESTED)
    assert 1 <= waiting.count() <= 2
    assert all(d.paused_at is not None for d in waiting)


def test_withdrawn_stopped_and_refused_dossiers_end_with_a_reason(result):
    for status in (DossierStatus.WITHDRAWN, DossierStatus.STOPPED):
        ended = Dossier.objects.filter(status=status)
        assert ended.exists(), status
        assert all(d.end_reason and d.ended_at for d in ended)


def test_interconnected_dossiers_went_to_a_district_division_and_back(result):
    forwards = DossierEvent.objects.filter(action="forward").select_related("dossier__agency")
    assert forwards.count() >= 2
    out = [e for e in forwards if e.data["to_agency"].startswith("000.")]
    assert out
    for event in out:
        district = Agency.objects.get(code=event.data["to_agency"])
        commune = event.dossier.agency.unit
        assert district.unit_id == commune.parent_id  # commune to its district
        back = forwards.get(dossier=event.dossier, seq__gt=event.seq)
        assert back.data["from_agency"] == district.code
        assert back.data["to_agency"] == event.data["from_agency"]


def test_returned_dossiers_are_rated_mostly_satisfied(result):
    ratings = Rating.objects.all()
    assert ratings.count() == result.rated > 0
    assert all(r.dossier.status == DossierStatus.RETURNED for r in ratings)
    satisfied = ratings.filter(level__in=[1, 2]).count()
    assert satisfied / ratings.count() >= 0.5
    assert all(r.agencies.exists() for r in ratings)


def test_open_work_waits_on_the_pages_now(result):
    now = timezone.now()
    recent = Dossier.objects.filter(received_at__gte=now - timedelta(days=21))
    assert {d.status for d in recent} >= {DossierStatus.RECEIVED, DossierStatus.HANDLING}
    assert all(d.received_at is not None and d.received_at < now for d in recent)
    online = Dossier.objects.filter(status=DossierStatus.SUBMITTED_ONLINE)
    assert online.count() == 2
    assert all(d.submitted_at is not None and d.submitted_at < now for d in online)
    assert result.open == recent.count() + online.count()


def test_seeding_again_changes_nothing(result):
    before = (Dossier.objects.count(), DossierEvent.objects.count())
    again = seed_dossiers(scale=0.03)
    assert again.skipped
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == before
