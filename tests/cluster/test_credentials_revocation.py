"""A new password cuts the API tokens and calendar links made with the old one."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from cluster.credentials import ical_token
from cluster.models import CalendarLink
from cluster.services import api_token_create

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-nouveau-secret-2026"  # noqa: S105


@pytest.fixture
def credentials(member_a, cluster):
    """The person's API token secret and calendar feed address, both working."""
    _, secret = api_token_create(user=member_a, lifetime_days=365)
    feed = f"{reverse('milestones_ical', args=[cluster.pk])}?jeton={ical_token(member_a, cluster)}"
    assert api_status(secret) == 200
    assert Client().get(feed).status_code == 200
    return secret, feed


def api_status(secret):
    return Client().get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {secret}").status_code


def assert_revoked(credentials):
    secret, feed = credentials
    assert api_status(secret) == 401
    assert Client().get(feed).status_code == 404


def test_changing_the_password_on_its_page_revokes_tokens_and_links(client, member_a, password,
                                                                    credentials, cluster):
    client.force_login(member_a)
    response = client.post(reverse("password_change"), {
        "old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert_revoked(credentials)
    # The person stays signed in and makes new ones.
    created = client.post(reverse("api_token_create"), {
        "label": "Agenda", "read_only": "write", "limit": "", "lifetime_days": "30"})
    assert api_status(created.context["new_secret"]) == 200
    feed = f"{reverse('milestones_ical', args=[cluster.pk])}?jeton={ical_token(member_a, cluster)}"
    assert Client().get(feed).status_code == 200


def test_a_refused_password_change_revokes_nothing(client, member_a, credentials):
    client.force_login(member_a)
    response = client.post(reverse("password_change"), {
        "old_password": "pas-le-bon", "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    secret, feed = credentials
    assert api_status(secret) == 200
    assert Client().get(feed).status_code == 200


def test_resetting_the_password_revokes_tokens_and_links(client, member_a, credentials,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": member_a.email})
    link = re.search(re.escape(settings.SITE_URL) + r"(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(form_page.redirect_chain[-1][0],
                           {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert_revoked(credentials)


def test_a_staff_member_setting_the_password_in_the_admin_revokes_them(client, staff, member_a,
                                                                       credentials):
    client.force_login(staff)
    response = client.post(reverse("admin:auth_user_password_change", args=[member_a.pk]),
                           {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.check_password(NEW_PASSWORD)
    assert_revoked(credentials)


def test_editing_the_person_otherwise_revokes_nothing(client, member_a, credentials):
    client.force_login(member_a)
    client.post(reverse("profile"), {"first_name": "Ana", "last_name": "Lopez"})
    member_a.refresh_from_db()
    assert member_a.first_name == "Ana"
    secret, feed = credentials
    assert api_status(secret) == 200
    assert Client().get(feed).status_code == 200


def test_a_hash_upgraded_at_sign_in_revokes_nothing(settings, client, member_a, password,
                                                    credentials):
    """Django re-hashes a password with a newer hasher at sign-in: the password is the same."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    type(member_a).objects.filter(pk=member_a.pk).update(
        password=make_password(password, hasher="md5"))
    response = client.post(reverse("login"), {"username": member_a.email, "password": password})
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.password.startswith("pbkdf2_sha256$")
    secret, feed = credentials
    assert api_status(secret) == 200
    assert Client().get(feed).status_code == 200


def test_only_the_person_whose_password_changed_loses_them(member_a, facilitator, cluster,
                                                          credentials):
    _, other_secret = api_token_create(user=facilitator, lifetime_days=30)
    ical_token(facilitator, cluster)
    member_a.set_password(NEW_PASSWORD)
    member_a.save()
    assert_revoked(credentials)
    assert api_status(other_secret) == 200
    assert list(AuthToken.objects.values_list("user", flat=True)) == [facilitator.pk]
    assert list(CalendarLink.objects.values_list("user", flat=True)) == [facilitator.pk]
