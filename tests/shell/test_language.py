"""Vietnamese by default; English when chosen with the language switch."""

from __future__ import annotations

from django.test import Client


def html_lang(client: Client, path: str) -> str:
    html = client.get(path).content.decode()
    start = html.index("<html lang=") + len('<html lang="')
    return html[start : html.index('"', start)]


def test_pages_are_in_vietnamese_by_default(client: Client, world):
    assert html_lang(client, "/login/") == "vi"
    client.force_login(world.dl_motcua)
    assert html_lang(client, "/") == "vi"


def test_the_language_switch_makes_the_next_page_english(client: Client, world):
    client.force_login(world.dl_motcua)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/org/agencies/"})
    assert response.status_code == 302
    assert response["Location"] == "/org/agencies/"
    assert html_lang(client, "/org/agencies/") == "en"
    assert html_lang(client, "/") == "en"


def test_the_language_switch_works_before_signing_in(client: Client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert html_lang(client, "/login/") == "en"
    client.post("/i18n/setlang/", {"language": "vi", "next": "/login/"})
    assert html_lang(client, "/login/") == "vi"


def test_an_unsupported_language_is_ignored(client: Client, db):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/login/"})
    assert html_lang(client, "/login/") == "vi"


def test_every_page_offers_the_other_language(client: Client, db):
    html = client.get("/login/").content.decode()
    assert 'action="/i18n/setlang/" method="post"' in html
    assert 'name="language" value="en"' in html
    assert 'name="language" value="vi"' not in html
