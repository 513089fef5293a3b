import pytest
from django.urls import reverse
from knox.models import AuthToken

from cluster.services import MAX_ACTIVE_API_TOKENS, api_token_create
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def test_create_a_token_shown_once_and_usable_on_the_api(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("api_token_create"), {"lifetime_days": "30"})
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("clir_")
    assert "il ne sera plus jamais affiché" in response.text
    assert secret not in client.get(reverse("profile")).text

    client.logout()
    api = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.status_code == 200
    assert api.json()["email"] == reviewer.email


@pytest.mark.parametrize("lifetime", ["7", "", "illimité"])
def test_bad_lifetime_is_refused_and_creates_nothing(client, reviewer, lifetime):
    client.force_login(reviewer)
    response = client.post(reverse("api_token_create"), {"lifetime_days": lifetime})
    assert response.status_code == 400
    assert "durée" in response.text
    assert not AuthToken.objects.exists()


def test_token_count_is_capped(client, reviewer):
    for _ in range(MAX_ACTIVE_API_TOKENS):
        api_token_create(user=reviewer, lifetime_days=30)
    client.force_login(reviewer)
    response = client.post(reverse("api_token_create"), {"lifetime_days": "30"}, follow=True)
    assert "révoquez-en un avant d'en créer un autre" in page_text(response)
    assert AuthToken.objects.count() == MAX_ACTIVE_API_TOKENS


def test_revoking_asks_for_confirmation_then_refuses_the_token(client, reviewer):
    token, secret = api_token_create(user=reviewer, lifetime_days=90)
    client.force_login(reviewer)
    url = reverse("api_token_revoke", args=[token.digest])

    confirm = client.get(url)
    assert "Révoquer ce jeton ?" in confirm.text
    assert AuthToken.objects.filter(pk=token.pk).exists()

    response = client.post(url, follow=True)
    assert f"Le jeton {token.token_key}… est révoqué." in response.text
    assert not AuthToken.objects.filter(pk=token.pk).exists()
    client.logout()
    refused = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {secret}")
    assert refused.status_code == 401


@pytest.mark.parametrize("role", ["facilitator", "member_a", "member_b", "staff"])
def test_nobody_reaches_another_persons_token(client, cast, role):
    token, _ = api_token_create(user=cast["reviewer"], lifetime_days=30)
    client.force_login(cast[role])
    url = reverse("api_token_revoke", args=[token.digest])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert AuthToken.objects.filter(pk=token.pk).exists()


def test_anonymous_cannot_create_or_revoke(client, reviewer):
    token, _ = api_token_create(user=reviewer, lifetime_days=30)
    assert client.post(reverse("api_token_create"), {"lifetime_days": "30"}).status_code == 302
    assert client.post(reverse("api_token_revoke", args=[token.digest])).status_code == 302
    assert AuthToken.objects.count() == 1
