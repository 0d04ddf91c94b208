"""The Vietnamese catalogue is complete, its compiled form is current, and pages and API
messages follow the chosen language."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from motcua.procedures import services
from tests.conftest import PASSWORD

LOCALE = Path(settings.BASE_DIR) / "locale"
VI_PO = LOCALE / "vi" / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    """One message: ``fields`` maps msgid, msgid_plural, msgstr or msgstr[n] to its text."""

    fields: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def msgid_plural(self) -> str | None:
        return self.fields.get("msgid_plural")

    @property
    def msgstrs(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def parse_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete ``#~`` entries are skipped); the header is
    the entry with an empty msgid."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, keyword = Entry(), ""
        for raw in block.splitlines():
            line = raw.strip()
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(","))
            elif line.startswith('"'):
                entry.fields[keyword] += _unquote(line)
            elif line and not line.startswith("#"):
                keyword, rest = line.split(" ", 1)
                entry.fields[keyword] = _unquote(rest)
        if "msgid" in entry.fields:
            entries.append(entry)
    return entries


def test_vietnamese_catalogue_is_complete() -> None:
    entries = parse_po(VI_PO)
    header = next(e for e in entries if e.msgid == "")
    assert "fuzzy" not in header.flags
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstrs["msgstr"]
    messages = [e for e in entries if e.msgid != ""]
    assert len(messages) > 100  # the parser did read the catalogue
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in messages if not all(s.strip() for s in e.msgstrs.values())]
    assert fuzzy == [], f"fuzzy entries in {VI_PO}"
    assert untranslated == [], f"untranslated entries in {VI_PO}"
    plural = [e for e in messages if e.msgid_plural is not None]
    assert plural
    assert all(set(e.msgstrs) == {"msgstr[0]"} for e in plural)


def test_vietnamese_keeps_the_placeholders() -> None:
    placeholder = re.compile(r"%\(\w+\)[sdr]")
    for e in parse_po(VI_PO):
        if e.msgid:
            wanted = sorted(set(placeholder.findall(e.msgid + (e.msgid_plural or ""))))
            for text in e.msgstrs.values():
                assert sorted(set(placeholder.findall(text))) == wanted, e.msgid


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compiled_catalogue_is_up_to_date(language: str, tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed")
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run manage.py compilemessages"
    fresh = tmp_path / "django.mo"
    # the same invocation as Django's compilemessages
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(po)], check=True)  # noqa: S603
    if fresh.read_bytes() == mo.read_bytes():
        return
    # another msgfmt version may lay the file out differently: then the messages must agree
    with fresh.open("rb") as a, mo.open("rb") as b:
        expected: dict[Any, str] = vars(gettext.GNUTranslations(a))["_catalog"]
        found: dict[Any, str] = vars(gettext.GNUTranslations(b))["_catalog"]
    stale = sorted(str(k) for k in expected.keys() ^ found.keys()) + sorted(
        str(k) for k in expected.keys() & found.keys() if expected[k] != found[k]
    )
    assert stale == [], f"{mo} is stale: run manage.py compilemessages"


def _home(client: Client, language: str | None) -> str:
    if language is not None:
        response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
        assert response.status_code == 302
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_home_page_in_vietnamese_by_default(client: Client, world: Any) -> None:
    client.force_login(world.dl_admin)
    page = _home(client, None)
    assert '<html lang="vi">' in page
    assert "Đăng xuất" in page
    assert "Log out" not in page


@pytest.mark.django_db
def test_home_page_switches_language(client: Client, world: Any) -> None:
    client.force_login(world.dl_admin)
    page = _home(client, "en")
    assert '<html lang="en">' in page
    assert "Log out" in page
    assert "Đăng xuất" not in page
    page = _home(client, "vi")
    assert "Đăng xuất" in page
    assert "Log out" not in page


@pytest.mark.django_db
def test_calendar_names_months_and_weekdays_in_vietnamese(client: Client, world: Any) -> None:
    client.force_login(world.dl_admin)
    page = client.get("/calendar/2027/").content.decode()
    assert "Tháng 1" in page
    assert "Tháng 12" in page
    for day in ("T2", "T3", "T4", "T5", "T6", "T7", "CN"):
        assert f">{day}</th>" in page
    assert "January" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("vi", "Cần xác thực: hãy gửi kèm mã truy cập (bearer token) hợp lệ."),
        ("en", "Authentication is required: send a valid bearer token."),
    ],
)
def test_api_messages_follow_accept_language(client: Client, language: str, message: str) -> None:
    response = client.get("/api/v1/units", headers={"accept-language": language})
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "auth.required", "message": message}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "required", "whole"),
    [
        (
            "vi",
            "Số liệu tính chi phí tuân thủ không hợp lệ.",
            "Phải nhập một số.",
            "Phải là số nguyên.",
        ),
        ("en", "The cost inputs are invalid.", "A number is required.", "Must be a whole number."),
    ],
)
def test_compliance_cost_messages_follow_accept_language(
    client: Client, world: Any, language: str, title: str, required: str, whole: str
) -> None:
    """The messages of the framework-free cost module are translated where they become a
    ValidationFailed, in the language of the request."""
    services.income_parameter_set(year=2025, monthly_income_vnd=5_280_000, source="GSO 2024")
    token = client.post(
        "/api/v1/auth/token",
        {"username": world.dl_admin.username, "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    side = {"actions": [{"name": "Nộp hồ sơ", "hours": 2}], "subjects_per_year": 100}
    response = client.post(
        "/api/v1/compliance-cost",
        {
            "year": 2025,
            "current": {**side, "subjects_per_year": None},
            "proposed": {**side, "fees": [{"name": "Lệ phí", "amount_vnd": "1.5"}]},
        },
        content_type="application/json",
        headers={"authorization": f"Bearer {token}", "accept-language": language},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == title
    assert error["fields"] == {
        "current.subjects_per_year": [required],
        "proposed.fees.0.amount_vnd": [whole],
    }


@pytest.mark.django_db
def test_catalogue_pages_in_vietnamese_by_default(client: Client, world: Any) -> None:
    client.force_login(world.dl_admin)
    page = client.get("/catalogue/").content.decode()
    assert "Danh mục thủ tục hành chính" in page
    assert "Procedure catalogue" not in page
    page = client.get("/catalogue/proposals/").content.decode()
    assert "Phương án đơn giản hóa" in page
    assert "Simplification proposals" not in page
    page = Client().get("/portal/").content.decode()
    assert "Tra cứu thủ tục hành chính" in page
    assert "Find an administrative procedure" not in page
