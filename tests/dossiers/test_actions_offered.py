"""The dossier page offers exactly the actions the services accept.

``pages.allowed_actions`` decides which forms a page shows; ``services.dossier_act``
decides what happens. This test keeps the two from drifting apart: for dossiers in every
state and officials of every kind, each action (with a valid payload) is tried against
the service inside a rolled-back transaction, and the set the service accepts must equal
the set the page offers.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.dossiers import pages, services
from motcua.dossiers.models import Dossier
from tests.dossiers.world import DossierWorld, build, receive, vn

RECEIVED = vn(2027, 3, 1, 9)
NOW = vn(2027, 3, 2, 9)  # before the legal due time (Mon 8 March 17:00): apologies allowed


class Rollback(Exception):
    pass


@pytest.fixture
def dw(world) -> DossierWorld:
    return build(world)


def act(d: Dossier, who: Any, action: str, at: datetime, **payload: Any) -> Dossier:
    return services.dossier_act(dossier=d, actor=who, action=action, payload=payload, at=at)


def states(dw: DossierWorld) -> dict[str, Dossier]:
    w = dw.w
    t = RECEIVED
    out: dict[str, Dossier] = {}
    out["online"] = services.dossier_submit_online(
        procedure=dw.procedure,
        agency=w.dl_one_stop,
        applicant=services.ApplicantData(full_name="Lê Văn Bình", id_number="040111222333"),
        documents=[
            services.DocumentIn("Đơn đăng ký biến động"),
            services.DocumentIn("Giấy chứng nhận quyền sử dụng đất"),
        ],
        at=t,
    )
    out["received"] = receive(dw, t)
    d = act(receive(dw, t), w.dl_motcua, "complete_step", t + timedelta(hours=1))
    out["step_two_free"] = d
    d = act(receive(dw, t), w.dl_motcua, "complete_step", t + timedelta(hours=1))
    out["step_two_held"] = act(
        d, dw.tnmt_head, "assign", t + timedelta(hours=2), assignee=w.dl_tnmt_cv.username
    )
    d = act(receive(dw, t), w.dl_motcua, "complete_step", t + timedelta(hours=1))
    out["step_three"] = act(d, dw.tnmt_head, "complete_step", t + timedelta(hours=2))
    out["supplement"] = act(
        receive(dw, t), w.dl_motcua, "request_supplement", t + timedelta(hours=1), items=["A"]
    )
    out["payment"] = act(
        receive(dw, t), w.dl_motcua, "request_payment", t + timedelta(hours=1), amount_vnd=50_000
    )
    d = act(out["step_three"], w.dl_chutich, "complete_step", t + timedelta(hours=3))
    out["all_steps_done"] = d
    d = act(receive(dw, t), w.dl_motcua, "complete_step", t + timedelta(hours=1))
    d = act(d, dw.tnmt_head, "complete_step", t + timedelta(hours=2))
    out["finished"] = act(d, w.dl_chutich, "finish", t + timedelta(hours=3), result_note="Xong")
    d = act(receive(dw, t), w.dl_motcua, "complete_step", t + timedelta(hours=1))
    d = act(d, dw.tnmt_head, "complete_step", t + timedelta(hours=2))
    d = act(d, w.dl_chutich, "finish", t + timedelta(hours=3), result_note="Xong")
    out["returned"] = act(d, w.dl_motcua, "return", t + timedelta(hours=4), method="counter")
    out["withdrawn"] = act(receive(dw, t), w.dl_motcua, "withdraw", t, reason="Rút")
    return out


def payload(action: str, d: Dossier, actor: Any, dw: DossierWorld) -> dict[str, Any]:
    payloads: dict[str, dict[str, Any]] = {
        "receive": {},
        "refuse": {"reasons": ["Ngoài thẩm quyền"]},
        "assign": {"assignee": _other_member(d, actor, dw)},
        "take": {"assignee": actor.username},
        "complete_step": {"note": ""},
        "send_back": {"note": "Thiếu"},
        "forward": {"agency": "TK.UBND", "note": "Liên thông"},
        "request_supplement": {"items": ["Bản vẽ"]},
        "supplement": {},
        "request_payment": {"amount_vnd": 10_000},
        "pay": {},
        "apologize": {
            "reason": "Chờ xác minh",
            "new_due_at": (d.due_at or NOW) + timedelta(days=3),
        },
        "finish": {"result_note": "Xong"},
        "return": {"method": "counter"},
        "withdraw": {"reason": "Rút"},
        "stop": {"reason": "Dừng"},
    }
    return payloads[action]


def _other_member(d: Dossier, actor: Any, dw: DossierWorld) -> str:
    """An official of the open step's agency other than the actor (for a head assigning)."""
    step = d.steps.filter(finished_at=None).first()
    members = {
        "DL.MC": dw.w.dl_motcua.username,
        "DL.TNMT": dw.w.dl_tnmt_cv.username,
        "DL.UBND": dw.w.dl_chutich.username,
    }
    return members.get(step.agency.code, actor.username) if step else actor.username


def accepted(d: Dossier, actor: Any, action: str, dw: DossierWorld) -> bool:
    service_action = "assign" if action == "take" else action
    try:
        with transaction.atomic():
            act(d, actor, service_action, NOW, **payload(action, d, actor, dw))
            raise Rollback
    except Rollback:
        return True
    except (PermissionDenied, Conflict):
        return False
    except ValidationFailed:
        if action == "take":
            return False  # the actor is not an official of the step's agency
        raise


ALL = [*services.ACTIONS, "take"]


def test_the_page_offers_exactly_what_the_service_accepts(dw):
    w = dw.w
    officials = [w.dl_motcua, w.dl_tnmt_cv, dw.tnmt_head, w.dl_chutich, w.dl_admin, w.tk_motcua]
    mismatches = []
    for name, d in states(dw).items():
        for official in officials:
            loaded = (
                Dossier.objects.select_related("agency__unit", "version", "procedure")
                .prefetch_related("steps__agency", "steps__assignee", "version__steps")
                .get(pk=d.pk)
            )
            offered = pages.allowed_actions(
                official=official, dossier=loaded, grants=pages.grants_of(official), now=NOW
            )
            took = {a for a in ALL if accepted(loaded, official, a, dw)}
            if "assign" in offered:
                took.discard("take")  # a head assigns (themselves too) through "assign"
            elif "take" in offered or "assign" not in took:
                took.discard("assign")  # without "assign" offered, taking is the way
            if offered != took:
                mismatches.append((name, official.username, sorted(offered), sorted(took)))
    assert mismatches == []


def test_an_official_without_the_step_s_role_cannot_take_it(dw):
    """A legal officer of the land division is an official of the step's agency, but not a
    handling official: taking the free appraisal step is refused (the page offers nothing)."""
    from motcua.org import services as org_services
    from motcua.org.models import Role
    from tests.conftest import PASSWORD

    legal = org_services.official_create(
        username="dl.tnmt.phapche",
        full_name="Đặng Văn Luật",
        password=PASSWORD,
        roles=[org_services.RoleSpec(agency=dw.w.dl_tnmt, role=Role.LEGAL_OFFICER)],
    )
    d = act(receive(dw, RECEIVED), dw.w.dl_motcua, "complete_step", RECEIVED + timedelta(hours=1))
    with pytest.raises(PermissionDenied):
        act(d, legal, "assign", NOW, assignee=legal.username)
    assert d.steps.get(finished_at=None).assignee is None
    loaded = Dossier.objects.prefetch_related("steps__agency", "version__steps").get(pk=d.pk)
    assert "take" not in pages.allowed_actions(
        official=legal, dossier=loaded, grants=pages.grants_of(legal), now=NOW
    )
