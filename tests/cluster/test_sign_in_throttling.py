"""Guessing passwords: sign-in and password reset are limited per account and per address."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from cluster.client_ip import client_ip
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

LIMIT = 5


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXY_COUNT = 0


def sign_in(client, email, password, url="login", **headers):
    return client.post(reverse(url), {"username": email, "password": password}, **headers)


def signed_in(client):
    return "_auth_user_id" in client.session


def test_after_too_many_wrong_passwords_the_right_one_is_refused(client, facilitator, password):
    for _ in range(LIMIT - 1):
        assert sign_in(client, facilitator.email, "pas-le-bon").status_code == 200
    locked = sign_in(client, facilitator.email, "pas-le-bon")
    assert locked.status_code == 429
    response = sign_in(client, facilitator.email, password)
    assert response.status_code == 429
    assert not signed_in(client)
    text = page_text(response)
    assert "Trop de tentatives de connexion" in text
    assert "Réessayez dans 15 minutes" in text
    assert reverse("password_reset") in text


def test_a_few_mistakes_then_the_right_password_signs_in(client, facilitator, password):
    for _ in range(LIMIT - 1):
        sign_in(client, facilitator.email, "pas-le-bon")
    assert sign_in(client, facilitator.email, password).status_code == 302
    assert signed_in(client)


def test_an_address_trying_many_accounts_is_stopped(client, facilitator, member_a, member_b,
                                                    password):
    """Credential stuffing: one address, a different account at each try."""
    for n in range(LIMIT):
        sign_in(client, f"personne{n}@exemple.fr", "devine")
    response = sign_in(client, member_a.email, password)
    assert response.status_code == 429
    assert not signed_in(client)


def test_an_account_tried_from_many_addresses_is_stopped(facilitator, password):
    """Distributed guessing: one account, a new address at each try."""
    for n in range(LIMIT):
        sign_in(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), facilitator.email, "devine")
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert sign_in(client, facilitator.email.upper(), password).status_code == 429
    assert not signed_in(client)


def test_other_accounts_from_other_addresses_are_not_affected(facilitator, member_a, password):
    for _ in range(LIMIT):
        sign_in(Client(REMOTE_ADDR="198.51.100.1"), facilitator.email, "devine")
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert sign_in(client, member_a.email, password).status_code == 302


def test_the_admin_sign_in_is_limited_too(client, staff, password):
    for _ in range(LIMIT):
        sign_in(client, staff.email, "devine", url="admin:login")
    response = sign_in(client, staff.email, password, url="admin:login")
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in page_text(response)
    assert not signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, time_machine, facilitator, password):
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    for _ in range(LIMIT):
        sign_in(client, facilitator.email, "devine")
    time_machine.move_to(datetime(2026, 3, 2, 9, 14, tzinfo=UTC))
    assert sign_in(client, facilitator.email, password).status_code == 429
    # Trying during the lockout restarts it: 15 minutes after the last try.
    time_machine.move_to(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    assert sign_in(client, facilitator.email, password).status_code == 302


def test_a_made_up_forwarded_for_does_not_escape_the_limit(client, facilitator, password):
    for n in range(LIMIT):
        sign_in(client, f"personne{n}@exemple.fr", "devine",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    response = sign_in(client, facilitator.email, password, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_counts_apart(settings, facilitator, member_a,
                                                       password):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for n in range(LIMIT):
        sign_in(proxy, f"personne{n}@exemple.fr", "devine",
                HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sign_in(Client(REMOTE_ADDR="10.0.0.2"), member_a.email, password,
                   HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # Another client behind the same proxy; what a client writes on the left is ignored.
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert sign_in(other, member_a.email, password,
                   HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.20").status_code == 302


def test_a_new_password_lifts_the_lockout_of_the_account(client, member_a):
    for _ in range(LIMIT):
        sign_in(Client(REMOTE_ADDR="198.51.100.1"), member_a.email, "devine")
    member_a.set_password("un-nouveau-secret-2026")
    member_a.save()
    assert sign_in(client, member_a.email, "un-nouveau-secret-2026").status_code == 302


@pytest.mark.parametrize(("meta", "proxies", "expected"), [
    ({"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}, 0, "203.0.113.5"),
    ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.5"}, 1,
     "203.0.113.5"),
    ({"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.5, 10.0.0.2"}, 2,
     "203.0.113.5"),
    # Fewer addresses than proxies: the request did not come through them.
    ({"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}, 2, "203.0.113.5"),
    ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "pas-une-adresse"}, 1, "10.0.0.2"),
    ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": " 2001:db8::1 "}, 1, "2001:db8::1"),
])
def test_the_client_address(settings, meta, proxies, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(RequestFactory().get("/", **meta)) == expected


# Password reset ---------------------------------------------------------------------------

def ask_reset(client, email, **headers):
    return client.post(reverse("password_reset"), {"email": email}, **headers)


def test_reset_requests_are_limited_per_email_address(settings, member_a,
                                                      django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_RATE = "3/hour"
    for n in range(3):
        # The e-mail leaves once the request's work is committed (territories.outbox).
        with django_capture_on_commit_callbacks(execute=True):
            assert ask_reset(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), member_a.email) \
                .status_code == 302
    response = ask_reset(Client(REMOTE_ADDR="203.0.113.9"), member_a.email.upper())
    assert response.status_code == 429
    assert "Trop de demandes de nouveau mot de passe : réessayez dans" in page_text(response)
    assert len(mail.outbox) == 3


def test_reset_requests_are_limited_per_client_address(settings, client, member_a):
    settings.PASSWORD_RESET_IP_RATE = "4/hour"
    for n in range(4):
        assert ask_reset(client, f"personne{n}@exemple.fr").status_code == 302
    assert ask_reset(client, member_a.email).status_code == 429
    assert mail.outbox == []
    # A made-up X-Forwarded-For changes nothing.
    assert ask_reset(client, member_a.email, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert ask_reset(Client(REMOTE_ADDR="203.0.113.9"), member_a.email).status_code == 302


def test_the_reset_limit_says_the_same_for_unknown_addresses(settings, client):
    settings.PASSWORD_RESET_RATE = "1/hour"
    assert ask_reset(client, "inconnu@exemple.fr").status_code == 302
    assert ask_reset(client, "inconnu@exemple.fr").status_code == 429


def test_the_reset_limit_wears_off(settings, client, time_machine, member_a):
    settings.PASSWORD_RESET_RATE = "1/hour"
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert ask_reset(client, member_a.email).status_code == 302
    assert ask_reset(client, member_a.email).status_code == 429
    time_machine.move_to(datetime(2026, 3, 2, 10, 1, tzinfo=UTC))
    assert ask_reset(client, member_a.email).status_code == 302
