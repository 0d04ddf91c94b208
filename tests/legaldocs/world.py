"""A legal-documents world on top of ``tests.conftest.world``: each district has a justice
division (Phòng Tư pháp) with a legal officer who keeps its register (``dl.phaply``,
``tk.phaply``); Tân Kỳ gets its chairman (``tk.chutich``) beside Đô Lương's
(``dl.chutich``). Documents, reviews and outcomes are made through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from motcua.legaldocs import services
from motcua.legaldocs.models import LegalDocument, LegalReview, ReviewOutcome
from motcua.org import services as org_services
from motcua.org.models import Agency, AgencyKind, Official, Role
from tests.conftest import World
from tests.dossiers.world import vn
from tests.tasks.world import official

AT = vn(2027, 3, 1, 9)


@dataclass
class LegalWorld:
    w: World
    dl_tp: Agency
    tk_tp: Agency
    dl_phaply: Official
    tk_phaply: Official
    tk_chutich: Official


def build(world: World) -> LegalWorld:
    dl_tp = org_services.agency_create(
        code="DL.TP", name="Phòng Tư pháp Đô Lương", unit=world.dl, kind=AgencyKind.DIVISION
    )
    tk_tp = org_services.agency_create(
        code="TK.TP", name="Phòng Tư pháp Tân Kỳ", unit=world.tk, kind=AgencyKind.DIVISION
    )
    return LegalWorld(
        w=world,
        dl_tp=dl_tp,
        tk_tp=tk_tp,
        dl_phaply=official("dl.phaply", [(dl_tp, Role.LEGAL_OFFICER)]),
        tk_phaply=official("tk.phaply", [(tk_tp, Role.LEGAL_OFFICER)]),
        tk_chutich=official("tk.chutich", [(world.tk_ubnd, Role.CHAIRMAN)]),
    )


def document_data(lw: LegalWorld, **changes: Any) -> services.DocumentData:
    """A complete decision of Đô Lương, with ``changes``."""
    fields: dict[str, Any] = {
        "unit": lw.w.dl,
        "number": "12/2020/QĐ-UBND",
        "kind": "decision",
        "title": "Quy định quản lý đất đai trên địa bàn huyện",
        "issuing_body": "UBND huyện Đô Lương",
        "signer": "Trần Đình Long",
        "issued_on": date(2020, 5, 4),
        "effective_on": date(2020, 5, 15),
        "expires_on": None,
        "subject": "Đất đai",
    }
    fields.update(changes)
    return services.DocumentData(**fields)


def register(lw: LegalWorld, *, actor: Official | None = None, **changes: Any) -> LegalDocument:
    unit = changes.get("unit", lw.w.dl)
    keeper = lw.dl_phaply if unit == lw.w.dl else lw.tk_phaply
    return services.legal_document_create(actor=actor or keeper, data=document_data(lw, **changes))


def documents(lw: LegalWorld, n: int, *, unit: Any = None, prefix: str = "QĐ") -> list[Any]:
    """``n`` decisions numbered 1/2020/<prefix> ... of the unit (Đô Lương by default)."""
    return [
        register(
            lw,
            unit=unit or lw.w.dl,
            number=f"{i}/2020/{prefix}",
            title=f"Quyết định số {i} về thủ tục hành chính",
        )
        for i in range(1, n + 1)
    ]


def review(
    lw: LegalWorld,
    *,
    actor: Official | None = None,
    unit: Any = None,
    at: datetime = AT,
    **changes: Any,
) -> LegalReview:
    args: dict[str, Any] = {"title": "Rà soát định kỳ năm 2027", "kind": "periodic"}
    args.update(changes)
    return services.legal_review_create(
        actor=actor or lw.dl_phaply, unit=unit or lw.w.dl, at=at, **args
    )


def record(
    lw: LegalWorld,
    rv: LegalReview,
    document: LegalDocument,
    outcome: str,
    *,
    actor: Official | None = None,
    at: datetime = AT,
    **changes: Any,
) -> ReviewOutcome:
    args: dict[str, Any] = {
        "reason": "Căn cứ pháp lý đã thay đổi.",
        "base_document": "Luật Đất đai 2024",
    }
    args.update(changes)
    return services.review_outcome_record(
        actor=actor or lw.dl_phaply, review=rv, document=document, outcome=outcome, at=at, **args
    )
