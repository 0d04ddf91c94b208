"""Settings fail loudly: a deployment mistake stops start-up with one readable line.

Each test runs ``manage.py`` in a fresh process with a controlled environment, as a
process manager would, so the settings module is imported exactly as in production.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"
# variables the tests set themselves; anything else in the environment is left alone
CONTROLLED = {
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "ALLOWED_HOSTS",
    "MOTCUA_VAR_DIR",
    "LANGUAGE_CODE",
    "API_TOKEN_TTL_HOURS",
}


def manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in CONTROLLED}
    clean.update({"MOTCUA_VAR_DIR": str(tmp_path / "var"), "PYTHONWARNINGS": "ignore"})
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(MANAGE), *args],
        cwd=MANAGE.parent,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_line_failure(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


def test_without_debug_a_missing_secret_key_stops_start_up(tmp_path):
    result = manage("check", tmp_path=tmp_path, DEBUG="0")
    assert_one_line_failure(result, "SECRET_KEY")


def test_an_empty_secret_key_counts_as_missing(tmp_path):
    result = manage("check", tmp_path=tmp_path, DEBUG="0", SECRET_KEY="")
    assert_one_line_failure(result, "SECRET_KEY")


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_a_debug_value_that_is_not_a_boolean_stops_start_up(tmp_path, value):
    result = manage("check", tmp_path=tmp_path, DEBUG=value, SECRET_KEY="x" * 50)
    assert_one_line_failure(result, "DEBUG", value)


def test_an_unsupported_database_url_stops_start_up(tmp_path):
    result = manage("check", tmp_path=tmp_path, DEBUG="1", DATABASE_URL="mysql://x")
    assert_one_line_failure(result, "DATABASE_URL", "mysql")


def test_a_bad_integer_setting_stops_start_up(tmp_path):
    result = manage("check", tmp_path=tmp_path, DEBUG="1", API_TOKEN_TTL_HOURS="twelve")
    assert_one_line_failure(result, "API_TOKEN_TTL_HOURS")


def test_an_unknown_language_stops_start_up(tmp_path):
    result = manage("check", tmp_path=tmp_path, DEBUG="1", LANGUAGE_CODE="fr")
    assert_one_line_failure(result, "LANGUAGE_CODE")


def test_a_secret_key_file_is_read(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("k" * 50 + "\n", encoding="utf-8")
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(len(settings.SECRET_KEY), settings.DEBUG)",
        tmp_path=tmp_path,
        DEBUG="0",
        SECRET_KEY_FILE=str(secret),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "50 False"


def test_a_secret_key_file_passes_the_system_check(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("k" * 50, encoding="utf-8")
    result = manage("check", tmp_path=tmp_path, DEBUG="0", SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_secret_key_file_that_cannot_be_read_stops_start_up(tmp_path):
    missing = tmp_path / "nowhere"
    result = manage("check", tmp_path=tmp_path, DEBUG="0", SECRET_KEY_FILE=str(missing))
    assert_one_line_failure(result, "SECRET_KEY_FILE")


def test_with_debug_a_development_key_is_used(tmp_path):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(bool(s.SECRET_KEY), s.ALLOWED_HOSTS)",
        tmp_path=tmp_path,
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True ['127.0.0.1', 'localhost']"


def test_without_debug_no_host_is_allowed_until_configured(tmp_path):
    code = "from django.conf import settings; print(settings.ALLOWED_HOSTS)"
    closed = manage(
        "shell", "--no-imports", "-c", code, tmp_path=tmp_path, DEBUG="0", SECRET_KEY="k" * 50
    )
    assert closed.stdout.strip() == "[]"
    opened = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        tmp_path=tmp_path,
        DEBUG="0",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="motcua.nghean.gov.vn",
    )
    assert opened.stdout.strip() == "['motcua.nghean.gov.vn']"
