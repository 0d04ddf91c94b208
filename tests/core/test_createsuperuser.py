"""A superuser made with Django's own ``createsuperuser --noinput`` administers everywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import Client

from motcua.org.models import AdministrativeUnit, Official

MANAGE = Path(settings.BASE_DIR) / "manage.py"
PASSWORD = "a-long-superuser-password"

# Runs inside the subprocess: sign in through the API and create a province.
CREATE_PROVINCE = """
import json
from django.test import Client
client = Client()
token = client.post(
    "/api/v1/auth/token",
    {"username": "quantri", "password": PASSWORD},
    content_type="application/json",
)
created = client.post(
    "/api/v1/units",
    {"code": "40", "name": "Tỉnh Nghệ An", "level": "province"},
    content_type="application/json",
    headers={"Authorization": "Bearer " + token.json()["token"]},
)
result = {"token": token.status_code, "status": created.status_code, "body": created.json()}
print(json.dumps(result))
""".replace("PASSWORD", repr(PASSWORD))


def test_createsuperuser_noinput_makes_an_administrator_of_everything(tmp_path):
    database = tmp_path / "motcua.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("SECRET_KEY", None)
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{database}",
        MOTCUA_VAR_DIR=str(tmp_path / "var"),
        ALLOWED_HOSTS="testserver",
        DJANGO_SUPERUSER_USERNAME="quantri",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        DJANGO_SUPERUSER_EMAIL="quantri@nghean.gov.vn",
    )

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, str(MANAGE), *args],
            cwd=MANAGE.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    migrated = manage("migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    created = manage("createsuperuser", "--noinput")
    assert created.returncode == 0, created.stderr
    assert "Superuser created successfully." in created.stdout
    assert database.exists()

    used = manage("shell", "--no-imports", "-c", CREATE_PROVINCE)
    assert used.returncode == 0, used.stderr
    result = json.loads(used.stdout.strip().splitlines()[-1])
    assert result["token"] == 200
    assert result["status"] == 201
    assert result["body"]["code"] == "40"
    assert result["body"]["parent"] is None


def test_a_superuser_from_the_command_creates_a_top_level_unit_here_too(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "quantri")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "quantri@nghean.gov.vn")
    call_command("createsuperuser", interactive=False, verbosity=0)
    official = Official.objects.get(username="quantri")
    assert official.is_superuser
    assert official.email == "quantri@nghean.gov.vn"

    client = Client()
    token = client.post(
        "/api/v1/auth/token",
        {"username": "quantri", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    response = client.post(
        "/api/v1/units",
        {"code": "40", "name": "Tỉnh Nghệ An", "level": "province"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201
    assert AdministrativeUnit.objects.get(code="40").parent is None
