"""The conflict-of-interest gate: the pages hold it as the API does, through one helper.

A reviewer of the call's funder who has not declared yet is sent to the declaration
by every page of the dossier, and reads nothing of it (not even the collective's
name); the API answers 403. A member of the collective who also reviews for the
funder never judges their own dossier.
"""

import pytest
from django.urls import reverse

from cluster.services import api_token_create
from funding.models import ConflictDeclaration, Decision, Dossier, DossierEvent, Review
from funding.permissions import DossierAccess
from funding.services import conflict_declare, dossier_start_review
from tests.funding.factories import FunderMemberFactory
from tests.funding.reviewing import call_with_grid, full_scores, submitted_dossier
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

COLLECTIVE = "Collectif porteur Aix-Marseille-Provence"


@pytest.fixture
def call(funder):
    return call_with_grid(funder)


@pytest.fixture
def dossier(call, territory_a):
    return submitted_dossier(call, territory_a.clusters.get(), title="Dossier de Marseille")


@pytest.fixture
def under_review(dossier, staff):
    dossier_start_review(dossier=dossier, by=staff)
    dossier.refresh_from_db()
    return dossier


def nothing_happened(dossier, status):
    dossier.refresh_from_db()
    assert dossier.status == status
    assert not Review.objects.exists() and not Decision.objects.exists()


# (url_name, method, data, the dossier's status for the test)
PAGES = [
    ("dossier_start_review", "post", {}, Dossier.Status.SUBMITTED),
    ("dossier_request_more_info", "get", None, Dossier.Status.UNDER_REVIEW),
    ("dossier_request_more_info", "post", {"comment": "Précisez."},
     Dossier.Status.UNDER_REVIEW),
    ("dossier_review", "get", None, Dossier.Status.UNDER_REVIEW),
    ("dossier_review", "post", {"comment": "Bien.", "recommendation": "accepter"},
     Dossier.Status.UNDER_REVIEW),
    ("dossier_decide", "get", None, Dossier.Status.UNDER_REVIEW),
    ("dossier_decide", "post", {"outcome": "accepte", "comment": "Oui."},
     Dossier.Status.UNDER_REVIEW),
    ("dossier_pdf", "get", None, Dossier.Status.SUBMITTED),
    ("dossier_pdf_status", "get", None, Dossier.Status.SUBMITTED),
    ("dossier_attestation", "get", None, Dossier.Status.SUBMITTED),
]


@pytest.mark.parametrize(("url_name", "method", "data", "status"), PAGES)
def test_every_page_sends_an_undeclared_reviewer_to_the_declaration(
        client, reviewer, staff, dossier, url_name, method, data, status):
    if status == Dossier.Status.UNDER_REVIEW:
        dossier_start_review(dossier=dossier, by=staff)
    events = DossierEvent.objects.count()
    client.force_login(reviewer)
    url = reverse(f"funding:{url_name}", args=[dossier.pk])
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:dossier_declare", args=[dossier.pk])
    nothing_happened(dossier, status)
    assert DossierEvent.objects.count() == events
    landing = client.get(response["Location"])
    text = page_text(landing)
    assert "Déclarez d'abord si vous avez un conflit d'intérêts" in text
    assert COLLECTIVE not in text and "Aix-Marseille-Provence" not in text


def test_once_declared_the_reviewer_takes_the_dossier_into_review(client, reviewer, dossier):
    client.force_login(reviewer)
    url = reverse("funding:dossier_start_review", args=[dossier.pk])
    client.post(url)
    nothing_happened(dossier, Dossier.Status.SUBMITTED)
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False)
    assert client.post(url).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.UNDER_REVIEW
    more = client.get(reverse("funding:dossier_request_more_info", args=[dossier.pk]))
    assert more.status_code == 200 and COLLECTIVE in page_text(more)


def test_the_review_list_hides_the_collective_until_the_declaration(client, reviewer, dossier):
    client.force_login(reviewer)
    text = page_text(client.get(reverse("funding:review_list")))
    assert "Dossier de Marseille" in text and COLLECTIVE not in text


# A member of the collective who also reviews for the funder ----------------------------------

@pytest.fixture
def member_reviewer(member_a, funder):
    FunderMemberFactory(funder=funder, user=member_a)
    return member_a


@pytest.mark.parametrize(("url_name", "method", "data", "status"), [
    case for case in PAGES if case[0] in ("dossier_start_review", "dossier_request_more_info",
                                          "dossier_review", "dossier_decide")])
def test_a_member_never_reviews_their_own_dossier_on_the_pages(
        client, member_reviewer, staff, dossier, url_name, method, data, status):
    if status == Dossier.Status.UNDER_REVIEW:
        dossier_start_review(dossier=dossier, by=staff)
    client.force_login(member_reviewer)
    response = getattr(client, method)(reverse(f"funding:{url_name}", args=[dossier.pk]),
                                       data or {})
    assert response.status_code == 403
    nothing_happened(dossier, status)


def test_a_member_reads_their_dossier_without_the_funders_reviews(
        client, member_reviewer, reviewer, call, under_review):
    conflict_declare(dossier=under_review, reviewer=reviewer, has_conflict=False)
    from funding.services import review_submit

    review_submit(dossier=under_review, reviewer=reviewer, scores=full_scores(call),
                  comment="Avis confidentiel du financeur.", recommendation="accepter")
    client.force_login(member_reviewer)
    page = client.get(under_review.get_absolute_url())
    assert page.status_code == 200
    text = page_text(page)
    assert "Avis confidentiel du financeur." not in text
    assert reverse("funding:dossier_request_more_info", args=[under_review.pk]) not in text


@pytest.mark.parametrize(("action", "body"), [
    ("instruire", {}),
    ("avis", {"comment": "Bien.", "recommendation": "accepter"}),
    ("decision", {"outcome": "accepte", "comment": "Oui."}),
])
def test_the_api_refuses_the_same_people(client, member_reviewer, reviewer, staff, dossier,
                                         call, action, body):
    if action != "instruire":
        dossier_start_review(dossier=dossier, by=staff)
        status = Dossier.Status.UNDER_REVIEW
    else:
        status = Dossier.Status.SUBMITTED
    if action == "avis":
        body = {**body, "scores": {str(pk): value for pk, value in full_scores(call).items()}}
    url = reverse(f"api:instruction-dossier-{action}", args=[dossier.pk])
    for person, code in ((reviewer, "declaration_required"),
                         (member_reviewer, "conflict_of_interest")):
        _row, token = api_token_create(user=person, lifetime_days=30)
        response = client.post(url, body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {token}")
        assert (response.status_code, response.json()["code"]) == (403, code)
    # Declaring "no conflict" does not make a member a judge of their own dossier.
    conflict_declare(dossier=dossier, reviewer=member_reviewer, has_conflict=False)
    response = client.post(url, body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token}")
    assert (response.status_code, response.json()["code"]) == (403, "conflict_of_interest")
    nothing_happened(dossier, status)


def standing(user, dossier):
    access = DossierAccess.of(user, dossier)
    return access.reviews, access.declared, access.conflict


def test_the_standing_of_each_role(cast, dossier, member_reviewer, reviewer):
    assert standing(cast["staff"], dossier) == (True, True, False)
    assert standing(cast["member_b"], dossier) == (False, False, False)
    assert standing(cast["facilitator"], dossier) == (False, False, False)
    assert standing(member_reviewer, dossier) == (True, False, True)
    undeclared = DossierAccess.of(reviewer, dossier)
    assert (undeclared.must_declare, undeclared.may_act) == (True, False)
    ConflictDeclaration.objects.create(dossier=dossier, reviewer=reviewer, has_conflict=False)
    declared = DossierAccess.of(reviewer, dossier)
    assert (declared.must_declare, declared.may_act) == (False, True)
    other = FunderMemberFactory().user
    assert standing(other, dossier) == (False, False, False)
