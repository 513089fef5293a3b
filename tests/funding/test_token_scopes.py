"""Scoped API tokens on the dossiers: read-only tokens never write, a token limited to a
funder reaches only the dossiers of that funder's calls, one limited to a collective only
that collective's."""

import pytest
from django.urls import reverse

from cluster.services import api_token_create
from funding.models import ConflictDeclaration, Dossier, Review
from funding.services import conflict_declare, dossier_start_review
from tests.cluster.factories import MembershipFactory
from tests.funding.factories import FunderFactory, FunderMemberFactory, make_complete
from tests.funding.reviewing import call_with_grid, full_scores, new_cluster, submitted_dossier

pytestmark = pytest.mark.django_db

READ_ONLY = "read_only_token"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def call(funder):
    return call_with_grid(funder, title="Fonds pour l'innovation sociale")


def token(user, **scope):
    _row, secret = api_token_create(user=user, lifetime_days=30, **scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["results"])


def test_a_read_only_token_cannot_submit_a_dossier(client, facilitator, cluster, call):
    make_complete(cluster)
    dossier = submitted_dossier(call, cluster, status=Dossier.Status.DRAFT)
    headers = token(facilitator, read_only=True)
    assert client.get(reverse("api:dossier-detail", args=[dossier.pk]),
                      **headers).status_code == 200
    assert ids(client.get(reverse("api:dossier-list"), **headers)) == [dossier.pk]
    response = client.post(reverse("api:dossier-deposer", args=[dossier.pk]), {},
                           content_type="application/json", **headers)
    assert response.status_code == 403 and response.json()["code"] == READ_ONLY
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.DRAFT


@pytest.mark.parametrize("role", ["reviewer", "staff"])
def test_a_read_only_token_cannot_review_declare_or_decide(client, cast, cluster, call, role):
    dossier = submitted_dossier(call, cluster)
    person = cast[role]
    if role == "reviewer":
        conflict_declare(dossier=dossier, reviewer=person, has_conflict=False)
    dossier_start_review(dossier=dossier, by=person)
    headers = token(person, read_only=True)
    detail = reverse("api:instruction-dossier-detail", args=[dossier.pk])
    assert client.get(reverse("api:instruction-dossier-list"), **headers).status_code == 200
    assert client.get(detail, **headers).status_code == 200
    writes = {
        "avis/": {"scores": {str(pk): score for pk, score in full_scores(call).items()},
                  "comment": "Solide.", "recommendation": "accepter"},
        "declaration/": {"has_conflict": False},
        "decision/": {"outcome": "accepte", "comment": "Bienvenue."},
    }
    declarations = ConflictDeclaration.objects.count()
    for action, body in writes.items():
        response = client.post(detail + action, body, content_type="application/json",
                               **headers)
        assert response.status_code == 403, action
        assert response.json()["code"] == READ_ONLY
    assert not Review.objects.exists()
    assert ConflictDeclaration.objects.count() == declarations
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.UNDER_REVIEW


@pytest.fixture
def two_funders_scene(reviewer, funder, call, cluster, collective_b, territory_b):
    """The reviewer reviews for two funders and belongs to collective B, which has a
    draft dossier of its own."""
    other_funder = FunderFactory(name="Région Sud")
    FunderMemberFactory(user=reviewer, funder=other_funder)
    MembershipFactory(user=reviewer, collective=collective_b)
    other_call = call_with_grid(other_funder, title="Appel régional")
    return {
        "other_funder": other_funder,
        "mine": submitted_dossier(call, cluster, title="Au French Impact"),
        "others": submitted_dossier(other_call, new_cluster(cluster.collective, "Ailleurs"),
                                    title="À la Région"),
        "own": submitted_dossier(other_call, territory_b.clusters.get(),
                                 status=Dossier.Status.DRAFT, title="Le nôtre"),
    }


def test_a_token_limited_to_a_funder_reaches_only_that_funders_dossiers(
        client, reviewer, funder, territory_b, two_funders_scene):
    scene = two_funders_scene
    unlimited, limited = token(reviewer), token(reviewer, funder=funder)
    everything = sorted(scene[key].pk for key in ("mine", "others", "own"))
    assert ids(client.get(reverse("api:dossier-list"), **unlimited)) == everything
    assert ids(client.get(reverse("api:dossier-list"), **limited)) == [scene["mine"].pk]
    assert ids(client.get(reverse("api:instruction-dossier-list"), **limited)) == [
        scene["mine"].pk]
    for name in ("dossier-detail", "instruction-dossier-detail"):
        assert client.get(reverse(f"api:{name}", args=[scene["others"].pk]),
                          **limited).status_code == 404
    assert client.get(reverse("api:dossier-detail", args=[scene["own"].pk]),
                      **limited).status_code == 404
    # Nothing of the collective the person belongs to.
    assert ids(client.get(reverse("api:cluster-list"), **unlimited)) == [
        territory_b.clusters.get().pk]
    assert ids(client.get(reverse("api:cluster-list"), **limited)) == []
    assert ids(client.get(reverse("api:collective-list"), **limited)) == []
    # It reviews within its funder's calls as an unlimited token would.
    declared = client.post(reverse("api:instruction-dossier-detail", args=[scene["mine"].pk])
                           + "declaration/", {"has_conflict": False},
                           content_type="application/json", **limited)
    assert declared.status_code == 201


def test_a_token_limited_to_a_collective_reaches_none_of_the_reviewed_dossiers(
        client, reviewer, collective_b, two_funders_scene):
    limited = token(reviewer, collective=collective_b)
    assert ids(client.get(reverse("api:dossier-list"), **limited)) == [
        two_funders_scene["own"].pk]
    assert ids(client.get(reverse("api:instruction-dossier-list"), **limited)) == []


@pytest.mark.parametrize("scoped", [False, True])
def test_the_dossier_lists_keep_their_query_count_under_a_scoped_token(
        client, reviewer, funder, two_funders_scene, scoped, django_assert_max_num_queries):
    headers = token(reviewer, funder=funder) if scoped else token(reviewer)
    for name in ("api:dossier-list", "api:instruction-dossier-list"):
        client.get(reverse(name), **headers)  # the first use writes its date
        # The token, its person and its scope in one query; the count; the page.
        with django_assert_max_num_queries(3):
            assert client.get(reverse(name), **headers).status_code == 200


def test_a_limited_token_manages_only_the_webhooks_of_its_funder(
        client, reviewer, funder, collective_b, two_funders_scene):
    from funding.webhook_models import WebhookEndpoint
    from funding.webhook_services import webhook_endpoint_create

    other = two_funders_scene["other_funder"]
    events = [WebhookEndpoint.Event.DOSSIER_SUBMITTED]
    mine = webhook_endpoint_create(funder=funder, url="https://a.example/h", events=events,
                                   by=reviewer)
    theirs = webhook_endpoint_create(funder=other, url="https://b.example/h", events=events,
                                     by=reviewer)
    url = reverse("api:webhook-list")
    assert ids(client.get(url, **token(reviewer))) == sorted([mine.pk, theirs.pk])
    assert ids(client.get(url, **token(reviewer, funder=funder))) == [mine.pk]
    assert ids(client.get(url, **token(reviewer, collective=collective_b))) == []
    body = {"funder": other.slug, "url": "https://c.example/h", "events": ["dossier.submitted"]}
    refused = client.post(url, body, content_type="application/json",
                          **token(reviewer, funder=funder))
    assert refused.status_code == 403
    assert WebhookEndpoint.objects.count() == 2
