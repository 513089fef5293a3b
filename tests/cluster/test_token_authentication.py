"""The API's token header: `Token` or `Bearer`, a 401 that names it, the last use recorded,
read-only tokens refused any write, and tokens limited to one collective."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from cluster.models import ApiTokenScope, Challenge, Membership, Objective
from cluster.services import api_token_create
from tests.cluster.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EXPECTED_HEADER = "Authorization: Token <jeton> (ou Bearer <jeton>)"


@pytest.fixture
def objective(cluster):
    challenge = Challenge.objects.create(cluster=cluster, title="Cultiver Marseille",
                                         kind="environnemental")
    return Objective.objects.create(challenge=challenge, title="Surfaces cultivées",
                                    unit="hectares", baseline=12, target=40,
                                    target_date=date(2029, 6, 1))


def auth(secret, keyword="Token"):
    return {"HTTP_AUTHORIZATION": f"{keyword} {secret}"}


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "bearer", "TOKEN"])
def test_both_keywords_are_accepted(client, reviewer, keyword):
    _token, secret = api_token_create(user=reviewer, lifetime_days=30)
    response = client.get(reverse("api:me"), **auth(secret, keyword))
    assert response.status_code == 200
    assert response.json()["email"] == reviewer.email


def refused_headers(secret):
    return {
        "absent": None,
        "wrong keyword": f"Basic {secret}",
        "keyword alone": "Bearer",
        "spaces in the token": f"Token {secret} {secret}",
        "unknown token": "Bearer clir_nimportequoi",
        "not UTF-8": b"Token clir_\xe9\xe9".decode("latin-1"),
    }


@pytest.mark.parametrize("case", ["absent", "wrong keyword", "keyword alone",
                                  "spaces in the token", "unknown token", "not UTF-8"])
def test_a_401_names_the_header_the_api_expects(client, reviewer, case):
    _token, secret = api_token_create(user=reviewer, lifetime_days=30)
    header = refused_headers(secret)[case]
    response = client.get(reverse("api:me"),
                          **({"HTTP_AUTHORIZATION": header} if header else {}))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Token realm="api"'
    assert EXPECTED_HEADER in response.json()["detail"]
    assert response.json()["code"] in {"not_authenticated", "invalid_header", "invalid_token"}


@pytest.mark.parametrize("case", ["expired", "revoked", "inactive"])
def test_an_expired_revoked_or_inactive_token_gets_the_same_401(client, member_a, case):
    token, secret = api_token_create(user=member_a, lifetime_days=30)
    if case == "expired":
        AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(1))
    elif case == "revoked":
        token.delete()
    else:
        member_a.is_active = False
        member_a.save()
    for keyword in ("Token", "Bearer"):
        response = client.get(reverse("api:cluster-list"), **auth(secret, keyword))
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Token realm="api"'
        assert response.json() == {
            "detail": "Jeton invalide, expiré ou révoqué : envoyez l'en-tête Authorization: "
                      "Token <jeton> (ou Bearer <jeton>) avec un jeton valide, créé depuis "
                      "votre page Profil.",
            "code": "invalid_token"}
    # An expired token is dropped on its first use.
    assert AuthToken.objects.filter(pk=token.pk).exists() == (case == "inactive")


def updates_of_last_use(queries):
    return [query["sql"] for query in queries
            if query["sql"].startswith("UPDATE") and "last_used_at" in query["sql"]]


def test_the_last_use_is_written_at_most_once_a_minute(client, member_a):
    token, secret = api_token_create(user=member_a, lifetime_days=30)
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False), CaptureQueriesContext(connection) as first:
        assert client.get(reverse("api:me"), **auth(secret)).status_code == 200
    assert len(updates_of_last_use(first)) == 1
    assert ApiTokenScope.objects.get(pk=token.pk).last_used_at == start

    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        with CaptureQueriesContext(connection) as within_the_minute:
            assert client.get(reverse("api:me"), **auth(secret, "Bearer")).status_code == 200
    assert updates_of_last_use(within_the_minute) == []
    # Authenticating costs one query then: the token, its person and its scope together.
    assert len(within_the_minute) == len(first) - 1
    assert ApiTokenScope.objects.get(pk=token.pk).last_used_at == start

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        with CaptureQueriesContext(connection) as a_minute_later:
            assert client.get(reverse("api:me"), **auth(secret)).status_code == 200
    assert len(updates_of_last_use(a_minute_later)) == 1
    assert ApiTokenScope.objects.get(pk=token.pk).last_used_at == start + timedelta(
        seconds=61)


def test_a_token_made_before_scopes_reads_and_writes_everything(client, facilitator, cluster):
    _token, secret = AuthToken.objects.create(user=facilitator)  # no scope row
    response = client.post(reverse("api:challenge-list"),
                           {"cluster": cluster.pk, "kind": "social", "title": "Se loger"},
                           content_type="application/json", **auth(secret))
    assert response.status_code == 201
    scope = ApiTokenScope.objects.get(token__user=facilitator)
    assert (scope.read_only, scope.limit) == (False, "none")
    assert scope.last_used_at is not None


# Read-only tokens ------------------------------------------------------------------------

READ_ONLY_REFUSAL = {
    "detail": "Ce jeton est en lecture seule : il ne modifie rien. Créez un jeton en lecture "
              "et écriture depuis votre page Profil.",
    "code": "read_only_token",
}


@pytest.mark.parametrize("role", ["facilitator", "member_a", "staff"])
def test_a_read_only_token_reads_but_never_writes(client, cast, cluster, objective, role):
    _token, secret = api_token_create(user=cast[role], lifetime_days=30, read_only=True)
    headers = auth(secret, "Bearer")
    for url in (reverse("api:cluster-detail", args=[cluster.pk]),
                reverse("api:objective-detail", args=[objective.pk]),
                reverse("api:challenge-list"), reverse("api:me")):
        assert client.get(url, **headers).status_code == 200, url
    challenges = Challenge.objects.count()
    writes = [
        ("post", reverse("api:challenge-list"),
         {"cluster": cluster.pk, "kind": "social", "title": "Se loger"}),
        ("patch", reverse("api:objective-detail", args=[objective.pk]),
         {"target": "50", "version": objective.version}),
        ("put", reverse("api:objective-detail", args=[objective.pk]), {}),
        ("delete", reverse("api:challenge-detail", args=[objective.challenge.pk]), None),
        ("post", reverse("api:me"), {}),  # even where the endpoint would say 405
    ]
    for method, url, body in writes:
        response = getattr(client, method)(url, body, content_type="application/json",
                                           **headers)
        assert response.status_code == 403, (method, url)
        assert response.json() == READ_ONLY_REFUSAL
    assert Challenge.objects.count() == challenges
    objective.refresh_from_db()
    assert objective.target == 40


# Tokens limited to one collective ----------------------------------------------------------

@pytest.fixture
def facilitator_of_both(facilitator, collective_b):
    MembershipFactory(user=facilitator, collective=collective_b,
                      role=Membership.Role.FACILITATOR)
    return facilitator


@pytest.mark.parametrize("role", ["facilitator_of_both", "staff"])
def test_a_token_limited_to_a_collective_sees_nothing_of_the_others(
        client, request, cluster, territory_b, collective_a, collective_b, role):
    person = request.getfixturevalue(role)
    if role == "staff":
        MembershipFactory(user=person, collective=collective_a)
    other = territory_b.clusters.get()
    _token, limited = api_token_create(user=person, lifetime_days=30,
                                       collective=collective_a)
    _token, unlimited = api_token_create(user=person, lifetime_days=30)
    for url in (reverse("api:cluster-detail", args=[other.pk]),
                reverse("api:collective-detail", args=[collective_b.pk])):
        assert client.get(url, **auth(unlimited)).status_code == 200
        assert client.get(url, **auth(limited)).status_code == 404
    assert client.get(reverse("api:cluster-detail", args=[cluster.pk]),
                      **auth(limited)).status_code == 200
    listed = client.get(reverse("api:cluster-list"), **auth(limited)).json()["results"]
    assert [item["id"] for item in listed] == [cluster.pk]
    collectives = client.get(reverse("api:collective-list"), **auth(limited)).json()
    assert [item["id"] for item in collectives["results"]] == [collective_a.pk]

    # Nor does it change them: the other cluster is unknown, as to a stranger.
    response = client.post(reverse("api:challenge-list"),
                           {"cluster": other.pk, "kind": "social", "title": "Se loger"},
                           content_type="application/json", **auth(limited))
    assert response.status_code == 400
    assert not other.challenges.exists()
    assert client.post(reverse("api:challenge-list"),
                       {"cluster": cluster.pk, "kind": "social", "title": "Se loger"},
                       content_type="application/json", **auth(limited)).status_code == 201


def test_a_token_limited_to_a_collective_starts_no_cluster_for_another(
        client, facilitator_of_both, collective_a, collective_b):
    from tests.territories.factories import TerritoryFactory

    territory = TerritoryFactory(name="Grenoble", slug="grenoble")
    _token, limited = api_token_create(user=facilitator_of_both, lifetime_days=30,
                                       collective=collective_a)
    response = client.post(reverse("api:cluster-list"), {
        "collective": collective_b.slug, "territory": territory.slug,
        "start_date": "2026-09-01", "duration_months": 12}, content_type="application/json",
        **auth(limited))
    assert response.status_code == 403
    assert not territory.clusters.exists()


def test_a_token_limited_to_a_deleted_collective_opens_nothing(client, facilitator, cluster,
                                                               collective_a):
    token, limited = api_token_create(user=facilitator, lifetime_days=30,
                                      collective=collective_a)
    ApiTokenScope.objects.filter(pk=token.pk).update(collective=None)
    assert client.get(reverse("api:cluster-list"), **auth(limited)).json()["results"] == []
    assert client.get(reverse("api:cluster-detail", args=[cluster.pk]),
                      **auth(limited)).status_code == 404


@pytest.mark.parametrize("role", ["staff", "facilitator_of_both"])
def test_a_limited_token_reads_only_the_public_side_of_other_collectives(
        client, request, cluster, territory_a, territory_b, collective_a, role):
    """Territories and projects: what is published stays readable, drafts of the other
    collective (or, for staff, of anyone) do not."""
    from tests.projects.factories import ProjectFactory

    person = request.getfixturevalue(role)
    if role == "staff":
        MembershipFactory(user=person, collective=collective_a)
    draft_project = ProjectFactory(cluster=territory_b.clusters.get(), is_published=False,
                                   title="Brouillon lyonnais", slug="brouillon-lyonnais")
    own_draft = ProjectFactory(cluster=cluster, is_published=False, title="Brouillon",
                               slug="brouillon-marseillais")
    _token, limited = api_token_create(user=person, lifetime_days=30,
                                       collective=collective_a)
    _token, unlimited = api_token_create(user=person, lifetime_days=30)
    hidden = (reverse("api:territory-detail", args=[territory_b.slug]),
              reverse("api:project-detail", args=[draft_project.slug]))
    for url in hidden:
        assert client.get(url, **auth(unlimited)).status_code == 200, url
        assert client.get(url, **auth(limited)).status_code == 404, url
    for url in (reverse("api:territory-detail", args=[territory_a.slug]),
                reverse("api:project-detail", args=[own_draft.slug])):
        assert client.get(url, **auth(limited)).status_code == 200, url
