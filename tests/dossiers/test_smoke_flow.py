from __future__ import annotations

from datetime import timedelta

import pytest

from motcua.dossiers import ledger, services
from motcua.dossiers.models import DossierStatus
from tests.dossiers.world import build, receive, vn


@pytest.fixture
def dw(world):
    return build(world)


def act(dossier, actor, action, at, **payload):
    return services.dossier_act(dossier=dossier, actor=actor, action=action, payload=payload, at=at)


def test_a_dossier_walks_from_reception_to_return(dw):
    w = dw.w
    d = receive(dw, vn(2027, 2, 3, 10))
    assert d.code == "DL.MC-270203-0001"
    assert d.status == DossierStatus.RECEIVED
    assert d.due_at == vn(2027, 2, 17, 17)
    d = act(d, w.dl_motcua, "complete_step", vn(2027, 2, 3, 11))
    d = act(d, dw.tnmt_head, "assign", vn(2027, 2, 11, 8), assignee="dl.tnmt.cv")
    d = act(d, w.dl_tnmt_cv, "complete_step", vn(2027, 2, 12, 9))
    step = d.steps.get(finished_at__isnull=True)
    assert step.agency == w.dl_ubnd
    d = act(d, w.dl_chutich, "finish", vn(2027, 2, 12, 15), result_note="Đã cập nhật biến động")
    d = act(d, w.dl_motcua, "return", vn(2027, 2, 15, 9), method="counter")
    assert d.status == DossierStatus.RETURNED
    assert list(d.events.values_list("action", flat=True)) == [
        "receive",
        "complete_step",
        "assign",
        "complete_step",
        "finish",
        "return",
    ]
    assert ledger.verify().ok


def test_a_supplement_moves_the_due_time_by_the_paused_office_time(dw):
    w = dw.w
    d = receive(dw, vn(2027, 3, 1, 9))
    due = d.due_at
    assert due is not None
    d = act(d, w.dl_motcua, "request_supplement", vn(2027, 3, 1, 10), items=["Bản sao sổ hộ khẩu"])
    d = act(d, w.dl_motcua, "supplement", vn(2027, 3, 2, 10))
    assert d.due_at == due + timedelta(days=1)
    assert d.status == DossierStatus.HANDLING
