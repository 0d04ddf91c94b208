"""Dossiers of March 2025 driven through the real services at fixed times, for the report
tests. The expected overruns are worked out by hand with the national calendar's office
hours, 07:00-11:30 and 13:30-17:00 (8 h a day; no public holiday in March 2025)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.org.models import Role, UnitLevel
from motcua.procedures import services as catalogue
from motcua.procedures.models import Procedure
from motcua.procedures.services import DocumentData, StepData, VersionData
from tests.dossiers.world import DossierWorld, receive, vn


def act(dossier: Dossier, actor: Any, action: str, at: datetime, **payload: Any) -> Dossier:
    return services.dossier_act(dossier=dossier, actor=actor, action=action, payload=payload, at=at)


def late_fixed_case(dw: DossierWorld) -> Dossier:
    """Received Mon 03-03 07:00, due Mon 03-10 17:00 (5 working days).

    - step 1 (DL.MC, 4 h) due Mon 11:00, done Mon 17:00: 0.5 + 3.5 = 4 h over;
    - step 2 (DL.TNMT, 16 h) starts Tue 07:00 (17:00 is closing time), due Wed 03-05
      17:00, done Thu 03-06 10:30: 07:00-10:30 = 3.5 h over;
    - step 3 (DL.UBND, 4 h) starts Thu 10:30, due Thu 16:30, done Tue 03-11 09:00:
      0.5 (Thu) + 8 (Fri) + 8 (Mon) + 2 (Tue) = 18.5 h over;
    - the dossier: finished Tue 03-11 09:00, after its due time: late by 2 h.
    """
    w = dw.w
    d = receive(dw, vn(2025, 3, 3, 7))
    d = act(d, w.dl_motcua, "complete_step", vn(2025, 3, 3, 17))
    d = act(d, w.dl_tnmt_cv, "complete_step", vn(2025, 3, 6, 10, 30))
    return act(d, w.dl_chutich, "finish", vn(2025, 3, 11, 9), result_note="Kết quả")


def overdue_unassigned(dw: DossierWorld) -> Dossier:
    """Received Tue 03-04 07:00, due Tue 03-11 17:00; step 1 done on time at 10:00; step 2
    opens 10:00, due Thu 03-06 10:00, and nobody ever takes it. At the end of March it is
    open: Thu 10:00-17:00 = 5 h, then 17 working days (Mar 7, 10-14, 17-21, 24-28, 31) =
    136 h: 141 h over, held by nobody. The dossier: 14 working days (Mar 12-31) = 112 h."""
    d = receive(dw, vn(2025, 3, 4, 7))
    return act(d, dw.w.dl_motcua, "complete_step", vn(2025, 3, 4, 10))


def sent_back_twice_late(dw: DossierWorld) -> Dossier:
    """Received Wed 03-05 07:00, due Wed 03-12 17:00. Step 2's first run (from 08:00, due
    Fri 03-07 08:00) is sent back Mon 03-10 08:00: 7 + 1 = 8 h over; step 1 runs again on
    time; step 2's second run (from Mon 10:00, due Wed 03-12 10:00) is done Thu 03-13
    10:00: 5 + 3 = 8 h over; step 3 on time; finished Thu 15:00: late by 6 h."""
    w = dw.w
    d = receive(dw, vn(2025, 3, 5, 7))
    d = act(d, w.dl_motcua, "complete_step", vn(2025, 3, 5, 8))
    d = act(d, w.dl_tnmt_cv, "send_back", vn(2025, 3, 10, 8), note="Thiếu bản đồ")
    d = act(d, w.dl_motcua, "complete_step", vn(2025, 3, 10, 10))
    d = act(d, w.dl_tnmt_cv, "complete_step", vn(2025, 3, 13, 10))
    return act(d, w.dl_chutich, "finish", vn(2025, 3, 13, 15), result_note="Kết quả")


def early(dw: DossierWorld) -> Dossier:
    w = dw.w
    d = receive(dw, vn(2025, 3, 17, 7))
    d = act(d, w.dl_motcua, "complete_step", vn(2025, 3, 17, 9))
    d = act(d, w.dl_tnmt_cv, "complete_step", vn(2025, 3, 18, 9))
    return act(d, w.dl_chutich, "finish", vn(2025, 3, 18, 15), result_note="Kết quả")


def build_march(dw: DossierWorld) -> dict[str, Dossier]:
    return {
        "fixed": late_fixed_case(dw),
        "overdue": overdue_unassigned(dw),
        "sent_back": sent_back_twice_late(dw),
        "early": early(dw),
    }


def civil_status_procedure(dw: DossierWorld) -> Procedure:
    """A second sector and level: a commune-level civil-status procedure (1 working day,
    one step at the one-stop department), published for Đô Lương."""
    procedure = catalogue.procedure_create(
        code="MAU.HT.01",
        name="Cấp bản sao trích lục hộ tịch (mẫu)",
        sector=catalogue.sector_ensure(code="ho-tich", name="Hộ tịch"),
        level=UnitLevel.objects.get(code="commune"),
        version=VersionData(
            effective_from=date(2020, 1, 1),
            time_limit_value=Decimal(1),
            time_limit_unit="working_days",
            documents=[DocumentData("Tờ khai")],
            steps=[StepData("Tiếp nhận và trả kết quả", Decimal(8), None, Role.ONE_STOP_OFFICER)],
        ),
    )
    decision = catalogue.decision_create(
        unit=dw.w.province,
        number="2/QĐ-UBND",
        title="Công bố hộ tịch",
        signed_on=date(2019, 12, 1),
        effective_on=date(2019, 12, 1),
    )
    catalogue.procedures_publish(decision=decision, procedures=[procedure], unit=dw.w.dl)
    return procedure


def receive_civil(
    dw: DossierWorld, procedure: Procedure, at: datetime, channel: str, name: str
) -> Dossier:
    return services.dossier_receive(
        actor=dw.w.dl_motcua,
        procedure=procedure,
        agency=dw.w.dl_one_stop,
        channel=channel,
        applicant=services.ApplicantData(
            full_name=name,
            id_number="040987654321",
            phone="0987654321",
            address="Xóm 3, xã Đông Sơn",
        ),
        documents=[services.DocumentIn("Tờ khai")],
        at=at,
    )


def build_mixed(dw: DossierWorld) -> dict[str, Dossier]:
    """March 2025 (``build_march``) plus civil-status dossiers: one online resolved early,
    one by post withdrawn, one carried over from February and overdue."""
    procedure = civil_status_procedure(dw)
    w = dw.w
    found = build_march(dw)
    online = receive_civil(dw, procedure, vn(2025, 3, 12, 8), "online", "Lê Văn Bình")
    found["online_early"] = act(
        online, w.dl_motcua, "finish", vn(2025, 3, 12, 15), result_note="Bản sao"
    )
    post = receive_civil(dw, procedure, vn(2025, 3, 20, 9), "post", "Hồ Thị Cúc")
    found["post_withdrawn"] = act(
        post, w.dl_motcua, "withdraw", vn(2025, 3, 20, 10), reason="Người nộp rút"
    )
    found["carried_overdue"] = receive_civil(
        dw, procedure, vn(2025, 2, 27, 9), "counter", "Đặng Văn Dũng"
    )
    return found
