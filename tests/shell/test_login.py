"""Signing in and out of the web pages, and the first page after login."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import translation

from motcua.org.models import Official, Role
from tests.conftest import PASSWORD

PAGES = ["/", "/org/units/", "/org/agencies/", "/org/people/", "/org/units/427/"]


def test_the_login_page_renders_a_form_with_username_and_password(client: Client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'type="password"' in html
    assert "csrfmiddlewaretoken" in html


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_signing_in_leads_to_the_home_page_listing_the_officials_roles(client: Client, world):
    response = client.post("/login/", {"username": "dl.motcua", "password": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert client.session[SESSION_KEY] == str(world.dl_motcua.pk)
    html = response.content.decode()
    with translation.override("vi"):
        role = str(Role.ONE_STOP_OFFICER.label)
    assert role in html
    assert "Bộ phận Một cửa Đô Lương" in html
    assert "Huyện Đô Lương" in html
    assert 'href="/org/agencies/DL.MC/"' in html
    assert "Phạm Thị Hoa" in html


def test_the_home_page_lists_every_role_of_the_official(client: Client, world):
    client.force_login(world.dl_chutich)
    html = client.get("/").content.decode()
    with translation.override("vi"):
        assert str(Role.CHAIRMAN.label) in html
    assert "UBND huyện Đô Lương" in html
    # a role of another official is not listed
    assert "Bộ phận Một cửa Tân Kỳ" not in html


def test_signing_in_goes_back_to_the_page_asked_for(client: Client, world):
    response = client.post(
        "/login/?next=/org/agencies/",
        {"username": "dl.motcua", "password": PASSWORD, "next": "/org/agencies/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/org/agencies/"


def test_a_wrong_password_shows_the_form_again_and_signs_nobody_in(client: Client, world):
    response = client.post("/login/", {"username": "dl.motcua", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_inactive_official_cannot_sign_in(client: Client, world):
    Official.objects.filter(pk=world.dl_motcua.pk).update(is_active=False)
    response = client.post("/login/", {"username": "dl.motcua", "password": PASSWORD})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_signed_in_official_visiting_the_login_page_goes_home(client: Client, world):
    client.force_login(world.dl_motcua)
    response = client.get("/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logging_out_is_a_post(client: Client, world):
    client.force_login(world.dl_motcua)
    refused = client.get("/logout/")
    assert refused.status_code == 405
    assert SESSION_KEY in client.session

    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_every_page_offers_the_logout_button_as_a_form(client: Client, world):
    client.force_login(world.dl_motcua)
    html = client.get("/").content.decode()
    assert '<form action="/logout/" method="post">' in html


def test_an_official_without_a_role_is_told_so(client: Client, world):
    client.force_login(world.nobody)
    response = client.get("/")
    assert response.status_code == 200
    with translation.override("vi"):
        hint = translation.gettext("You hold no role yet. Ask an administrator to grant you one.")
    assert hint in response.content.decode()
