"""API tokens on the profile page: created with a name, rights and a limit, listed, revoked."""

import pytest
from django.urls import reverse
from knox.models import AuthToken

from cluster.errors import DomainError
from cluster.models import ApiTokenScope
from cluster.services import MAX_ACTIVE_API_TOKENS, api_token_create
from tests.cluster.factories import CollectiveFactory
from tests.funding.factories import FunderFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def new_token(**fields):
    return {"label": "Outil d'instruction", "read_only": "read", "limit": "",
            "lifetime_days": "30", **fields}


def test_create_a_token_shown_once_and_usable_on_the_api(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("api_token_create"), new_token(read_only="write"))
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("clir_")
    assert "Votre nouveau jeton « Outil d'instruction » :" in page_text(response)
    assert "il ne sera plus jamais affiché" in response.text
    assert secret not in client.get(reverse("profile")).text

    client.logout()
    api = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.status_code == 200
    assert api.json()["email"] == reviewer.email


@pytest.mark.parametrize(("role", "limit", "shown"), [
    ("facilitator", "collective", "Collectif : Collectif porteur Aix-Marseille-Provence"),
    ("member_b", "collective", "Collectif : Collectif porteur Lyon-Métropole"),
    ("reviewer", "funder", "Financeur : Le French Impact"),
    ("staff", "", "Tout ce à quoi j'ai accès"),
])
def test_each_role_limits_a_token_to_its_own_collective_or_funder(client, cast, role, limit,
                                                                  shown):
    person = cast[role]
    target = {"collective": lambda: person.memberships.get().collective,
              "funder": lambda: person.funder_memberships.get().funder}.get(limit)
    value = f"{limit}:{target().pk}" if target else ""
    client.force_login(person)
    response = client.post(reverse("api_token_create"), new_token(limit=value))
    assert response.status_code == 200
    scope = ApiTokenScope.objects.get(token__user=person)
    assert (scope.label, scope.read_only, scope.limit) == ("Outil d'instruction", True,
                                                           limit or "none")
    assert scope.last_used_at is None
    listed = page_text(client.get(reverse("profile")))
    for text in ("Outil d'instruction", "Lecture seule", shown, "jamais",
                 scope.token.token_key):
        assert text in listed


def test_the_limits_offered_are_the_persons_own(client, facilitator, collective_b, funder):
    client.force_login(facilitator)
    choices = dict(client.get(reverse("profile")).context["token_form"].fields["limit"].choices)
    assert choices["Un de mes collectifs"] == [
        (f"collective:{facilitator.memberships.get().collective.pk}",
         "Collectif porteur Aix-Marseille-Provence")]
    assert "Les dossiers d'un de mes financeurs" not in choices


@pytest.mark.parametrize(("role", "fields", "error"), [
    ("member_a", {"label": ""}, "Donnez un nom au jeton pour le reconnaître."),
    ("reviewer", {"label": "   "}, "Donnez un nom au jeton pour le reconnaître."),
    ("facilitator", {"label": "Outil\x00"}, "caractère nul"),
    ("staff", {"label": "x" * 81}, "80 caractères"),
    ("member_a", {"read_only": "admin"}, "Choisissez « Lecture seule » ou « Lecture et "
                                         "écriture »."),
    ("member_a", {"limit": "funder:{funder}"}, "Un jeton ne se limite qu'à un collectif dont "
                                               "vous êtes membre ou à un financeur pour "
                                               "lequel vous instruisez"),
    ("staff", {"limit": "funder:{funder}"}, "pour lequel vous instruisez"),
    ("reviewer", {"limit": "collective:{collective_b}"}, "dont vous êtes membre"),
    ("facilitator", {"limit": "collective:{collective_b}"}, "dont vous êtes membre"),
    ("reviewer", {"limit": "funder:{other_funder}"}, "pour lequel vous instruisez"),
    ("reviewer", {"limit": "funder:nimportequoi"}, "choisissez dans la liste"),
    ("reviewer", {"lifetime_days": "7"}, "30, 90 ou 365 jours"),
    ("reviewer", {"lifetime_days": ""}, "Choisissez une durée de validité."),
    ("reviewer", {"lifetime_days": "illimité"}, "30, 90 ou 365 jours"),
])
def test_bad_inputs_are_refused_in_french_and_create_nothing(client, cast, funder,
                                                             collective_b, role, fields,
                                                             error):
    ids = {"funder": funder.pk, "collective_b": collective_b.pk,
           "other_funder": FunderFactory(name="Région Sud").pk}
    data = new_token(**{key: value.format(**ids) for key, value in fields.items()})
    client.force_login(cast[role])
    response = client.post(reverse("api_token_create"), data)
    assert response.status_code == 400
    assert error in page_text(response)
    assert not AuthToken.objects.exists()
    assert not ApiTokenScope.objects.exists()


def test_the_service_refuses_a_limit_the_person_does_not_hold(reviewer, member_a,
                                                              collective_a, funder):
    for person, limit in ((member_a, {"funder": funder}),
                          (reviewer, {"collective": collective_a}),
                          (member_a, {"collective": CollectiveFactory()}),
                          (reviewer, {"funder": funder, "collective": collective_a})):
        with pytest.raises(DomainError) as refused:
            api_token_create(user=person, lifetime_days=30, label="Outil", **limit)
        assert refused.value.code == "invalid_scope"
    assert not AuthToken.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.post(reverse("api_token_create"), new_token())
    assert response.status_code == 302
    assert not AuthToken.objects.exists()


def test_token_count_is_capped_expired_ones_aside(client, reviewer):
    expired, _secret = api_token_create(user=reviewer, lifetime_days=30)
    AuthToken.objects.filter(pk=expired.pk).update(expiry=expired.created)
    for _ in range(MAX_ACTIVE_API_TOKENS - 1):
        api_token_create(user=reviewer, lifetime_days=30)
    client.force_login(reviewer)
    # The expired one does not count: it is dropped and the tenth is made.
    assert client.post(reverse("api_token_create"), new_token()).status_code == 200
    assert not AuthToken.objects.filter(pk=expired.pk).exists()
    response = client.post(reverse("api_token_create"), new_token(), follow=True)
    assert "révoquez-en un avant d'en créer un autre" in page_text(response)
    assert AuthToken.objects.count() == MAX_ACTIVE_API_TOKENS


def test_the_profile_lists_tokens_in_constant_queries(client, reviewer, funder,
                                                      django_assert_max_num_queries):
    client.force_login(reviewer)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("profile"))
    for n in range(6):
        api_token_create(user=reviewer, lifetime_days=30, label=f"Outil {n}", funder=funder)
    AuthToken.objects.create(user=reviewer)  # made by knox alone: no scope row
    with django_assert_max_num_queries(len(one)):
        response = client.get(reverse("profile"))
    assert page_text(response).count("Financeur : Le French Impact") == 6


def test_revoking_asks_for_confirmation_then_refuses_the_token(client, reviewer):
    token, secret = api_token_create(user=reviewer, lifetime_days=90, label="Tableur")
    client.force_login(reviewer)
    url = reverse("api_token_revoke", args=[token.digest])

    confirm = client.get(url)
    assert "Révoquer ce jeton ?" in confirm.text
    assert "Le jeton « Tableur »" in page_text(confirm)
    assert AuthToken.objects.filter(pk=token.pk).exists()

    response = client.post(url, follow=True)
    assert f"Le jeton {token.token_key}… est révoqué." in response.text
    assert not AuthToken.objects.filter(pk=token.pk).exists()
    assert not ApiTokenScope.objects.exists()
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
    assert client.post(reverse("api_token_create"), new_token()).status_code == 302
    assert client.post(reverse("api_token_revoke", args=[token.digest])).status_code == 302
    assert AuthToken.objects.count() == 1
