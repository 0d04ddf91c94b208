"""Typed readers of the environment: they parse what is right and refuse what is not."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.core.env import (
    DatabaseConfig,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    parse_database_url,
)

# --- DATABASE_URL -------------------------------------------------------------------------


def test_a_relative_sqlite_url_names_a_relative_file():
    assert parse_database_url("sqlite:///var/motcua.sqlite3") == DatabaseConfig(
        engine="django.db.backends.sqlite3", name="var/motcua.sqlite3"
    )


def test_an_absolute_sqlite_url_names_an_absolute_file():
    assert parse_database_url("sqlite:////srv/motcua/db.sqlite3") == DatabaseConfig(
        engine="django.db.backends.sqlite3", name="/srv/motcua/db.sqlite3"
    )


def test_a_sqlite_path_may_be_percent_encoded():
    assert parse_database_url("sqlite:////srv/m%C3%B4t%20c%E1%BB%ADa.db").name == "/srv/môt cửa.db"


def test_a_postgres_url_gives_every_part():
    config = parse_database_url(
        "postgres://motcua:p%40ss%3Aword@db.nghean.gov.vn:6543/motcua"
        "?sslmode=require&application_name=motcua"
    )
    assert config == DatabaseConfig(
        engine="django.db.backends.postgresql",
        name="motcua",
        user="motcua",
        password="p@ss:word",
        host="db.nghean.gov.vn",
        port="6543",
        options={"sslmode": "require", "application_name": "motcua"},
    )


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql", "POSTGRES"])
def test_every_postgres_spelling_is_accepted(scheme):
    config = parse_database_url(f"{scheme}://u@localhost/motcua")
    assert config.engine == "django.db.backends.postgresql"
    assert (config.user, config.password, config.host, config.port) == ("u", "", "localhost", "")
    assert config.options == {}


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://u:p@h/db", ["mysql"]),
        ("oracle://x", ["oracle"]),
        ("motcua.sqlite3", ["sqlite:///", "postgres://"]),
        ("", ["sqlite:///"]),
        ("sqlite://relative.db", ["sqlite:///"]),
        ("sqlite:///", ["no SQLite file"]),
        ("postgres://u:p@localhost:5432/", ["no database"]),
        ("postgres://u:p@localhost:5432", ["no database"]),
        ("postgres://u:p@localhost:port/motcua", ["bad port"]),
        ("postgres://u:p@localhost:99999/motcua", ["bad port"]),
    ],
)
def test_a_database_url_that_cannot_work_stops_start_up_naming_the_problem(url, words):
    with pytest.raises(ImproperlyConfigured) as caught:
        parse_database_url(url)
    message = str(caught.value)
    assert "DATABASE_URL" in message
    for word in words:
        assert word in message


# --- env_bool, env_int, env_list, env_str, env_secret --------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        (" on ", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("MOTCUA_FLAG", raw)
    assert env_bool("MOTCUA_FLAG", default=not value) is value


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_falls_back_to_its_default_when_unset(monkeypatch, default):
    monkeypatch.delenv("MOTCUA_FLAG", raising=False)
    assert env_bool("MOTCUA_FLAG", default=default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "y es", "nope"])
def test_env_bool_refuses_anything_else_loudly(monkeypatch, raw):
    monkeypatch.setenv("MOTCUA_FLAG", raw)
    with pytest.raises(ImproperlyConfigured) as caught:
        env_bool("MOTCUA_FLAG", default=False)
    assert "MOTCUA_FLAG" in str(caught.value)
    assert repr(raw) in str(caught.value)


def test_env_int_reads_an_integer(monkeypatch):
    monkeypatch.setenv("MOTCUA_N", " 42 ")
    assert env_int("MOTCUA_N", default=1) == 42


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_env_int_falls_back_to_its_default_when_unset_or_empty(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("MOTCUA_N", raising=False)
    else:
        monkeypatch.setenv("MOTCUA_N", raw)
    assert env_int("MOTCUA_N", default=7) == 7


@pytest.mark.parametrize("raw", ["ten", "1.5", "12h", "0x10"])
def test_env_int_refuses_a_non_integer_loudly(monkeypatch, raw):
    monkeypatch.setenv("MOTCUA_N", raw)
    with pytest.raises(ImproperlyConfigured) as caught:
        env_int("MOTCUA_N", default=1)
    assert "MOTCUA_N" in str(caught.value)


def test_env_int_refuses_a_value_below_its_minimum(monkeypatch):
    monkeypatch.setenv("MOTCUA_N", "0")
    with pytest.raises(ImproperlyConfigured) as caught:
        env_int("MOTCUA_N", default=1, minimum=1)
    assert "at least 1" in str(caught.value)
    monkeypatch.setenv("MOTCUA_N", "1")
    assert env_int("MOTCUA_N", default=5, minimum=1) == 1


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("MOTCUA_HOSTS", " a.vn, ,b.vn ,")
    assert env_list("MOTCUA_HOSTS") == ["a.vn", "b.vn"]
    monkeypatch.delenv("MOTCUA_HOSTS")
    assert env_list("MOTCUA_HOSTS", ["x"]) == ["x"]


def test_env_str_returns_the_value_or_the_default(monkeypatch):
    monkeypatch.delenv("MOTCUA_S", raising=False)
    assert env_str("MOTCUA_S", "d") == "d"
    monkeypatch.setenv("MOTCUA_S", "v")
    assert env_str("MOTCUA_S", "d") == "v"


def test_env_secret_reads_the_variable(monkeypatch):
    monkeypatch.delenv("MOTCUA_SECRET_FILE", raising=False)
    monkeypatch.setenv("MOTCUA_SECRET", "s3cret")
    assert env_secret("MOTCUA_SECRET") == "s3cret"


def test_env_secret_prefers_the_file_and_strips_its_newline(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-the-file\n", encoding="utf-8")
    monkeypatch.setenv("MOTCUA_SECRET", "from-the-variable")
    monkeypatch.setenv("MOTCUA_SECRET_FILE", str(secret))
    assert env_secret("MOTCUA_SECRET") == "from-the-file"


def test_env_secret_refuses_a_file_it_cannot_read(monkeypatch, tmp_path):
    monkeypatch.setenv("MOTCUA_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured) as caught:
        env_secret("MOTCUA_SECRET")
    assert "MOTCUA_SECRET_FILE" in str(caught.value)


def test_env_secret_is_empty_when_neither_is_set(monkeypatch):
    monkeypatch.delenv("MOTCUA_SECRET", raising=False)
    monkeypatch.delenv("MOTCUA_SECRET_FILE", raising=False)
    assert env_secret("MOTCUA_SECRET") == ""
