"""The hash-chained history of dossiers (SPEC §5, evidence): any edit, deletion, reordering,
back-dating or forged insertion behind the application's back names exactly that dossier."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.dossiers import ledger, services
from motcua.dossiers.models import Dossier, DossierEvent
from tests.dossiers.world import build, receive, vn


def act(dossier, actor, action, at, **payload):
    return services.dossier_act(dossier=dossier, actor=actor, action=action, payload=payload, at=at)


@pytest.fixture
def three(world):
    """Three dossiers of Đô Lương with histories of 6, 4 and 1 events."""
    dw = build(world)
    w = dw.w
    a = receive(dw, vn(2027, 3, 1, 9))
    a = act(a, w.dl_motcua, "complete_step", vn(2027, 3, 1, 10), note="Đủ hồ sơ")
    a = act(a, dw.tnmt_head, "assign", vn(2027, 3, 1, 11), assignee="dl.tnmt.cv")
    a = act(a, w.dl_tnmt_cv, "complete_step", vn(2027, 3, 2, 9))
    a = act(a, w.dl_chutich, "finish", vn(2027, 3, 2, 15), result_note="Đã ký")
    a = act(a, w.dl_motcua, "return", vn(2027, 3, 3, 9), method="counter")
    b = receive(dw, vn(2027, 3, 1, 9, 30))
    b = act(b, w.dl_motcua, "request_supplement", vn(2027, 3, 1, 10), items=["Bản vẽ"])
    b = act(b, w.dl_motcua, "supplement", vn(2027, 3, 2, 10), note="Đã nộp")
    b = act(b, w.dl_motcua, "withdraw", vn(2027, 3, 3, 10), reason="Rút")
    c = receive(dw, vn(2027, 3, 1, 10))
    assert [d.revision for d in (a, b, c)] == [6, 4, 1]
    return a, b, c


def events_of(dossier: Dossier) -> list[DossierEvent]:
    return list(dossier.events.order_by("seq"))


def broken() -> list[str]:
    result = ledger.verify()
    assert result.checked == 3
    assert result.ok is not bool(result.broken)
    return result.broken


def test_an_untouched_history_verifies(three):
    result = ledger.verify()
    assert (result.ok, result.checked, result.broken) == (True, 3, [])
    a, _b, _c = three
    chain = events_of(a)
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5, 6]
    assert chain[0].prev_hash == ledger.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(chain))
    assert Dossier.objects.get(pk=a.pk).ledger_head == chain[-1].hash


def test_small_batches_check_every_dossier(three):
    result = ledger.verify(batch=2)
    assert (result.ok, result.checked) == (True, 3)


def test_no_dossiers_verify_as_ok(db):
    result = ledger.verify()
    assert (result.ok, result.checked, result.broken) == (True, 0, [])


def test_altered_event_data_names_that_dossier(three):
    a, _b, _c = three
    event = events_of(a)[2]
    DossierEvent.objects.filter(pk=event.pk).update(data={**event.data, "to": "dl.motcua"})
    assert broken() == [a.code]


def test_altered_data_with_a_recomputed_hash_still_breaks_the_next_link(three):
    a, _b, _c = three
    event = events_of(a)[2]
    forged = {**event.data, "to": "dl.motcua"}
    digest = ledger.event_hash(
        code=a.code,
        seq=event.seq,
        at=event.at,
        actor=event.actor_name,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
        data=forged,
        prev_hash=event.prev_hash,
    )
    DossierEvent.objects.filter(pk=event.pk).update(data=forged, hash=digest)
    assert broken() == [a.code]


def test_a_changed_actor_name_or_status_names_that_dossier(three):
    _a, b, _c = three
    DossierEvent.objects.filter(dossier=b, seq=2).update(actor_name="dl.chutich")
    assert broken() == [b.code]


def test_deleting_the_last_event_names_that_dossier(three):
    _a, b, _c = three
    DossierEvent.objects.filter(dossier=b, seq=4).delete()
    assert broken() == [b.code]


def test_deleting_the_only_event_names_that_dossier(three):
    _a, _b, c = three
    DossierEvent.objects.filter(dossier=c).delete()
    assert broken() == [c.code]


def test_deleting_a_middle_event_names_that_dossier(three):
    a, _b, _c = three
    DossierEvent.objects.filter(dossier=a, seq=3).delete()
    assert broken() == [a.code]


def test_swapping_two_events_seq_names_that_dossier(three):
    a, _b, _c = three
    second, third = events_of(a)[1:3]
    DossierEvent.objects.filter(pk=second.pk).update(seq=999)
    DossierEvent.objects.filter(pk=third.pk).update(seq=2)
    DossierEvent.objects.filter(pk=second.pk).update(seq=3)
    assert broken() == [a.code]


def test_back_dating_an_event_names_that_dossier(three):
    _a, b, _c = three
    event = events_of(b)[1]
    DossierEvent.objects.filter(pk=event.pk).update(at=event.at - timedelta(days=1))
    assert broken() == [b.code]


def test_moving_an_event_by_a_microsecond_names_that_dossier(three):
    a, _b, _c = three
    event = events_of(a)[-1]
    DossierEvent.objects.filter(pk=event.pk).update(at=event.at + timedelta(microseconds=1))
    assert broken() == [a.code]


def test_a_forged_event_appended_with_a_valid_hash_names_that_dossier(three):
    _a, _b, c = three
    last = events_of(c)[-1]
    at = vn(2027, 3, 2, 9)
    data = {"result_note": "Đã ký"}
    DossierEvent.objects.create(
        dossier=c,
        seq=2,
        at=at,
        actor=None,
        actor_name="dl.chutich",
        action="finish",
        from_status=2,
        to_status=9,
        data=data,
        prev_hash=last.hash,
        hash=ledger.event_hash(
            code=c.code,
            seq=2,
            at=at,
            actor="dl.chutich",
            action="finish",
            from_status=2,
            to_status=9,
            data=data,
            prev_hash=last.hash,
        ),
    )
    assert broken() == [c.code]


def test_a_forged_event_inserted_in_the_middle_names_that_dossier(three):
    a, _b, _c = three
    chain = events_of(a)
    for event in reversed(chain[2:]):  # make room for a new third event
        DossierEvent.objects.filter(pk=event.pk).update(seq=event.seq + 1)
    at = chain[1].at + timedelta(minutes=5)
    fields: dict[str, Any] = {
        "seq": 3,
        "at": at,
        "action": "assign",
        "from_status": 4,
        "to_status": 4,
        "data": {"step": 2, "from": None, "to": "dl.motcua", "agency": "DL.TNMT"},
        "prev_hash": chain[1].hash,
    }
    DossierEvent.objects.create(
        dossier=a,
        actor_name="dl.tnmt",
        hash=ledger.event_hash(code=a.code, actor="dl.tnmt", **fields),
        **fields,
    )
    Dossier.objects.filter(pk=a.pk).update(revision=7)
    assert broken() == [a.code]


def test_a_rolled_back_head_names_that_dossier(three):
    a, _b, _c = three
    Dossier.objects.filter(pk=a.pk).update(revision=5)
    assert broken() == [a.code]


def test_two_tampered_dossiers_are_both_named_and_the_intact_one_is_not(three):
    a, b, c = three
    DossierEvent.objects.filter(dossier=a, seq=1).update(to_status=4)
    DossierEvent.objects.filter(dossier=c, seq=1).update(data={})
    assert sorted(broken()) == sorted([a.code, c.code])
    assert b.code not in ledger.verify().broken


# -- the command ------------------------------------------------------------------------------


def test_verify_ledger_reports_an_intact_history(three):
    out, err = StringIO(), StringIO()
    call_command("verify_ledger", stdout=out, stderr=err)
    assert out.getvalue() == "3 dossiers checked, all intact.\n"
    assert err.getvalue() == ""


def test_verify_ledger_fails_naming_each_broken_dossier(three):
    a, _b, c = three
    DossierEvent.objects.filter(dossier=a, seq=6).delete()
    DossierEvent.objects.filter(dossier=c, seq=1).update(actor_name="root")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("verify_ledger", stdout=out, stderr=err)
    assert caught.value.returncode == 1
    assert str(caught.value) == "2 of 3 dossiers have an altered history"
    lines = err.getvalue().splitlines()
    assert sorted(lines) == sorted([f"history altered: {a.code}", f"history altered: {c.code}"])
    assert out.getvalue() == ""
