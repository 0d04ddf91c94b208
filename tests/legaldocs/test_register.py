"""The register's services: a document is registered with every problem named at once,
only by a legal officer of its unit, once per number; relations between documents; the
document's file; search that folds Vietnamese diacritics and case."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.legaldocs import selectors, services
from motcua.legaldocs.models import DocumentRelation, DocumentStatus, LegalDocument
from tests.legaldocs.world import LegalWorld, build, document_data, register

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def lw(world: Any) -> LegalWorld:
    return build(world)


def test_a_legal_officer_registers_a_document_of_the_unit_exactly(lw: LegalWorld) -> None:
    d = register(lw, number=" 12/2020/QĐ-UBND ", expires_on=date(2030, 12, 31))
    d.refresh_from_db()
    assert (
        d.unit_id,
        d.number,
        d.kind,
        d.title,
        d.issuing_body,
        d.signer,
        d.issued_on,
        d.effective_on,
        d.expires_on,
        d.subject,
        d.status,
        d.status_since,
        d.file_id,
    ) == (
        lw.w.dl.pk,
        "12/2020/QĐ-UBND",
        "decision",
        "Quy định quản lý đất đai trên địa bàn huyện",
        "UBND huyện Đô Lương",
        "Trần Đình Long",
        date(2020, 5, 4),
        date(2020, 5, 15),
        date(2030, 12, 31),
        "Đất đai",
        DocumentStatus.IN_FORCE,
        None,
        None,
    )
    assert d.search_key == "12/2020/qd-ubnd quy dinh quan ly dat dai tren dia ban huyen"


def test_every_problem_of_a_document_is_named_at_once_and_nothing_is_written(
    lw: LegalWorld,
) -> None:
    data = services.DocumentData(
        unit=lw.w.dl,
        number="",
        kind="law",
        title="x" * 501,
        issuing_body="y" * 201,
        signer="z" * 201,
        issued_on=date(1900, 1, 1),
        effective_on=None,
        expires_on=date(2300, 1, 1),
        subject="s" * 201,
    )
    with pytest.raises(ValidationFailed) as caught:
        services.legal_document_create(actor=lw.dl_phaply, data=data)
    assert caught.value.code == "legal.invalid"
    assert caught.value.fields == {
        "number": ["Required."],
        "title": ["At most 500 characters."],
        "issuing_body": ["At most 200 characters."],
        "signer": ["At most 200 characters."],
        "subject": ["At most 200 characters."],
        "issued_on": ["A date from 1945 to 2199."],
        "effective_on": ["Required."],
        "expires_on": ["A date from 1945 to 2199."],
        "kind": ["resolution, decision, directive, other"],
    }
    assert LegalDocument.objects.count() == 0


def test_the_order_of_the_dates_is_checked(lw: LegalWorld) -> None:
    data = document_data(
        lw,
        issued_on=date(2020, 5, 4),
        effective_on=date(2020, 5, 3),
        expires_on=date(2020, 5, 3),
    )
    with pytest.raises(ValidationFailed) as caught:
        services.legal_document_create(actor=lw.dl_phaply, data=data)
    assert caught.value.fields == {
        "effective_on": ["A document takes effect on or after the day it is signed."],
        "expires_on": ["A document expires after it takes effect."],
    }
    assert LegalDocument.objects.count() == 0


def test_a_document_without_a_unit_is_refused_naming_the_unit(lw: LegalWorld) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.legal_document_create(actor=lw.dl_phaply, data=document_data(lw, unit=None))
    assert caught.value.fields == {"unit": ["Choose the unit."]}


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("dl_phaply", True),
        ("root", True),
        ("tk_phaply", False),  # a legal officer of another unit
        ("dl_chutich", False),  # the chairman approves reviews; he does not keep the register
        ("dl_motcua", False),
        ("dl_admin", False),
        ("nobody", False),
    ],
)
def test_only_a_legal_officer_of_the_unit_registers_its_documents(
    lw: LegalWorld, who: str, allowed: bool
) -> None:
    actor = getattr(lw, who, None) or getattr(lw.w, who)
    if allowed:
        assert services.legal_document_create(actor=actor, data=document_data(lw)).pk
        assert LegalDocument.objects.count() == 1
        return
    with pytest.raises(PermissionDenied) as caught:
        services.legal_document_create(actor=actor, data=document_data(lw))
    assert caught.value.code == "legal.forbidden"
    assert LegalDocument.objects.count() == 0


def test_the_permission_is_checked_before_the_data(lw: LegalWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.legal_document_create(
            actor=lw.tk_phaply, data=document_data(lw, number="", title="")
        )


def test_a_number_is_registered_once_in_a_unit_409(lw: LegalWorld) -> None:
    first = register(lw)
    with pytest.raises(Conflict) as caught:
        register(lw, title="Một văn bản khác")
    assert caught.value.code == "legal.duplicate"
    assert list(LegalDocument.objects.values_list("pk", "title")) == [(first.pk, first.title)]
    # the same number in another unit's register is another document
    other = register(lw, unit=lw.w.tk)
    assert other.unit_id == lw.w.tk.pk
    assert LegalDocument.objects.count() == 2


def test_relations_are_recorded_once_and_never_to_the_document_itself(lw: LegalWorld) -> None:
    old = register(lw, number="1/2015/QĐ-UBND", title="Quy định cũ")
    new = register(lw, number="2/2024/QĐ-UBND", title="Quy định mới")
    relation = services.legal_relation_add(
        actor=lw.dl_phaply, source=new, kind="replaces", target=old
    )
    assert (relation.source_id, relation.kind, relation.target_id) == (new.pk, "replaces", old.pk)
    with pytest.raises(Conflict) as caught:
        services.legal_relation_add(actor=lw.dl_phaply, source=new, kind="replaces", target=old)
    assert caught.value.code == "legal.duplicate_relation"
    with pytest.raises(ValidationFailed) as invalid:
        services.legal_relation_add(actor=lw.dl_phaply, source=new, kind="cites", target=new)
    assert invalid.value.fields == {
        "kind": ["amends, replaces, repeals, based_on"],
        "target": ["A document does not relate to itself."],
    }
    with pytest.raises(PermissionDenied):
        services.legal_relation_add(actor=lw.tk_phaply, source=new, kind="amends", target=old)
    assert list(DocumentRelation.objects.values_list("source", "kind", "target")) == [
        (new.pk, "replaces", old.pk)
    ]


def test_the_file_is_attached_by_its_legal_officer_only(
    lw: LegalWorld, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    d = register(lw)
    with pytest.raises(PermissionDenied):
        services.legal_document_attach(
            actor=lw.w.dl_chutich, document=d, data=SimpleUploadedFile("a.pdf", PDF), name="a.pdf"
        )
    assert LegalDocument.objects.get(pk=d.pk).file_id is None
    with pytest.raises(ValidationFailed) as caught:
        services.legal_document_attach(
            actor=lw.dl_phaply, document=d, data=SimpleUploadedFile("a.exe", b"MZ\x90"), name="a"
        )
    assert caught.value.code == "file.type"
    services.legal_document_attach(
        actor=lw.dl_phaply, document=d, data=SimpleUploadedFile("qd.pdf", PDF), name="qd.pdf"
    )
    stored = LegalDocument.objects.select_related("file").get(pk=d.pk).file
    assert stored is not None
    assert (stored.original_name, stored.size, stored.content_type) == (
        "qd.pdf",
        len(PDF),
        "application/pdf",
    )


def test_search_folds_diacritics_and_case_and_needs_every_word(lw: LegalWorld) -> None:
    land = register(lw, number="5/2021/QĐ-UBND", title="Quy định đất đai")
    register(lw, number="6/2021/QĐ-UBND", title="Quy định phí vệ sinh")
    register(lw, number="7/2021/NQ-HĐND", kind="resolution", title="Nghị quyết về đất ở")
    found = selectors.documents_search(official=lw.dl_phaply, q="quy dinh dat dai")
    assert list(found) == [land]
    assert list(selectors.documents_search(official=lw.dl_phaply, q="QUY ĐỊNH ĐẤT ĐAI")) == [land]
    numbers = {d.number for d in selectors.documents_search(official=lw.dl_phaply, q="nq-hdnd")}
    assert numbers == {"7/2021/NQ-HĐND"}
    by_kind = selectors.documents_search(official=lw.dl_phaply, kind="resolution")
    assert [d.number for d in by_kind] == ["7/2021/NQ-HĐND"]
    assert not selectors.documents_search(official=lw.dl_phaply, q="dat dai ve sinh").exists()


def test_an_official_sees_the_registers_of_the_units_their_roles_reach(lw: LegalWorld) -> None:
    dl = register(lw)
    tk = register(lw, unit=lw.w.tk)
    commune = services.legal_document_create(
        actor=lw.w.root, data=document_data(lw, unit=lw.w.dl_commune, number="1/2022/QĐ-UBND")
    )

    def seen(who: Any) -> set[int]:
        return set(selectors.documents_visible(official=who).values_list("pk", flat=True))

    assert seen(lw.dl_phaply) == {dl.pk}
    assert seen(lw.tk_phaply) == {tk.pk}
    assert seen(lw.w.dl_motcua) == {dl.pk}
    assert seen(lw.w.dl_chutich) == {dl.pk, commune.pk}  # the district and its communes
    assert seen(lw.w.nobody) == set()
    assert seen(lw.w.root) == {dl.pk, tk.pk, commune.pk}
