"""The citizens' side of dossiers: the dossier world of tests/dossiers, a citizen's browser
in English, uploads kept in a temporary media folder, and helpers to walk a dossier."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from tests.conftest import World
from tests.dossiers.world import DossierWorld, build, receive

T = TypeVar("T")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ID_NUMBER = "040123456789"
FORM = "Đơn đăng ký biến động"
CERT = "Giấy chứng nhận quyền sử dụng đất"


@pytest.fixture
def dw(world: World) -> DossierWorld:
    return build(world)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def citizen(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(content: bytes = PDF, name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def act(
    dossier: Dossier, actor: Any, action: str, at: datetime | None = None, **payload: Any
) -> Dossier:
    return services.dossier_act(dossier=dossier, actor=actor, action=action, payload=payload, at=at)


def known(value: T | None) -> T:
    """A value the test knows is set (a received dossier's due time, a paused one's pause)."""
    assert value is not None
    return value


def now() -> datetime:
    return timezone.now()


@pytest.fixture
def received(dw: DossierWorld) -> Callable[..., Dossier]:
    """``received(at=None)``: a counter dossier received ``at`` (now by default)."""

    def make(at: datetime | None = None) -> Dossier:
        return receive(dw, at or now())

    return make


def walk_to_returned(dw: DossierWorld, start: datetime) -> Dossier:
    """Received at ``start`` and handled by the three steps' officials within the hour,
    then returned at the counter."""
    w = dw.w
    d = receive(dw, start)
    d = act(d, w.dl_motcua, "complete_step", start + timedelta(minutes=10))
    d = act(d, dw.tnmt_head, "assign", start + timedelta(minutes=20), assignee="dl.tnmt.cv")
    d = act(d, w.dl_tnmt_cv, "complete_step", start + timedelta(minutes=30))
    d = act(d, w.dl_chutich, "finish", start + timedelta(minutes=40), result_note="Đã xong")
    return act(d, w.dl_motcua, "return", start + timedelta(minutes=50), method="counter")


def look_up(client: Client, code: str, id_number: str = ID_NUMBER, **extra: Any) -> Any:
    return client.post("/portal/lookup/", {"code": code, "id_number": id_number}, **extra)
