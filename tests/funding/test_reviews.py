"""Reviews and conflicts of interest: the funder's reviewers score the grid, once each."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cluster.errors import DomainError
from funding.models import ConflictDeclaration, Dossier, Review, Score
from funding.permissions import dossiers_for_reviewer
from funding.services import conflict_declare, dossier_start_review, review_submit
from tests.funding.factories import FunderMemberFactory
from tests.funding.reviewing import call_with_grid, full_scores, new_cluster, submitted_dossier
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "member_a", "member_b", "reviewer", "staff", "anonymous"]


@pytest.fixture
def call(funder):
    return call_with_grid(funder)


@pytest.fixture
def dossier(call, cluster):
    return submitted_dossier(call, cluster, title="Dossier de Marseille")


@pytest.fixture
def under_review(dossier, staff):
    dossier_start_review(dossier=dossier, by=staff)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def declared(under_review, reviewer):
    conflict_declare(dossier=under_review, reviewer=reviewer, has_conflict=False)
    return under_review


# Conflicts of interest ---------------------------------------------------------------------

def test_a_reviewer_declares_once(dossier, reviewer):
    declaration = conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False,
                                   explanation="  ")
    assert (declaration.has_conflict, declaration.explanation) == (False, "")
    with pytest.raises(DomainError) as error:
        conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=True,
                         explanation="Je siège au collectif.")
    assert (error.value.code, error.value.status) == ("already_declared", 409)
    assert ConflictDeclaration.objects.count() == 1


def test_a_conflict_needs_an_explanation(dossier, reviewer):
    with pytest.raises(DomainError) as error:
        conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=True, explanation="")
    assert error.value.code == "explanation_required"
    assert not ConflictDeclaration.objects.exists()


def test_only_the_call_funders_reviewers_declare(dossier, member_b, staff):
    other = FunderMemberFactory().user
    for person in (other, member_b, staff):
        with pytest.raises(DomainError) as error:
            conflict_declare(dossier=dossier, reviewer=person, has_conflict=False)
        assert error.value.status == 403
    assert not ConflictDeclaration.objects.exists()


def test_a_declared_conflict_hides_the_dossier(client, dossier, reviewer):
    assert list(dossiers_for_reviewer(reviewer)) == [dossier]
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=True,
                     explanation="Mon association est membre du collectif.")
    assert not dossiers_for_reviewer(reviewer).exists()
    client.force_login(reviewer)
    assert client.get(dossier.get_absolute_url()).status_code == 404
    page = client.get(reverse("funding:review_list"))
    assert "Dossier de Marseille" not in page_text(page)


def test_the_page_asks_to_declare_before_showing_the_dossier(client, dossier, reviewer):
    client.force_login(reviewer)
    page = client.get(dossier.get_absolute_url())
    assert page.status_code == 403
    text = page_text(page)
    assert "conflit d'intérêts" in text and "Défis" not in text
    url = reverse("funding:dossier_declare", args=[dossier.pk])
    bad = client.post(url, {"has_conflict": "oui", "explanation": ""})
    assert bad.status_code == 400 and not ConflictDeclaration.objects.exists()
    response = client.post(url, {"has_conflict": "non", "explanation": ""})
    assert response.status_code == 302
    assert client.get(dossier.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("data", [{}, {"explanation": "Aucun lien."}, {"has_conflict": ""},
                                  {"has_conflict": "peut-être"}])
def test_the_declaration_page_needs_an_explicit_choice(client, dossier, reviewer, data):
    client.force_login(reviewer)
    response = client.post(reverse("funding:dossier_declare", args=[dossier.pk]), data)
    assert response.status_code == 400
    assert not ConflictDeclaration.objects.exists()
    if "has_conflict" not in data or not data["has_conflict"]:
        assert "Dites si vous avez un conflit d'intérêts avec ce dossier : oui ou non." \
            in page_text(response)
    assert client.get(dossier.get_absolute_url()).status_code == 403


@pytest.mark.parametrize("has_conflict", [None, "", "non", 0])
def test_the_service_records_only_a_said_yes_or_no(dossier, reviewer, has_conflict):
    with pytest.raises(DomainError) as error:
        conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=has_conflict)
    assert (error.value.code, error.value.status) == ("choice_required", 400)
    assert not ConflictDeclaration.objects.exists()


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 200), ("member_b", 404), ("reviewer", 403),
    ("staff", 200), ("anonymous", 302)])
def test_who_opens_a_submitted_dossier(client, cast, dossier, role, expected):
    as_role(client, cast, role)
    assert client.get(dossier.get_absolute_url()).status_code == expected


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 403), ("member_a", 403), ("member_b", 404), ("reviewer", 302),
    ("staff", 403), ("anonymous", 302)])
def test_who_declares_on_the_page(client, cast, dossier, role, expected):
    as_role(client, cast, role)
    response = client.post(reverse("funding:dossier_declare", args=[dossier.pk]),
                           {"has_conflict": "non"})
    assert response.status_code == expected
    assert ConflictDeclaration.objects.count() == (1 if role == "reviewer" else 0)


# Reviews -------------------------------------------------------------------------------------

def test_a_review_scores_the_grid_with_weights(declared, reviewer, call):
    review = review_submit(dossier=declared, reviewer=reviewer, scores=full_scores(call),
                           comment="Un collectif solide.", recommendation="accepter")
    # 100 × (2 × 4/5 + 1 × 3/5 + 1 × 7/10) / 4 = 72.50
    assert review.weighted_score == Decimal("72.50")
    assert sorted(review.scores.values_list("value", flat=True)) == [3, 4, 7]


@pytest.mark.parametrize("scores", [
    "missing", "unknown", "too_high", "negative", "decimal", "word", "boolean", "not_a_dict"])
def test_scores_outside_the_grid_are_refused(declared, reviewer, call, scores):
    grid = full_scores(call)
    first = next(iter(grid))
    bad = {
        "missing": {key: value for key, value in grid.items() if key != first},
        "unknown": {**grid, 999999: 1},
        "too_high": {**grid, first: 6},
        "negative": {**grid, first: -1},
        "decimal": {**grid, first: 2.5},
        "word": {**grid, first: "quatre"},
        "boolean": {**grid, first: True},
        "not_a_dict": [1, 2, 3],
    }[scores]
    with pytest.raises(DomainError) as error:
        review_submit(dossier=declared, reviewer=reviewer, scores=bad, comment="Avis.",
                      recommendation="accepter")
    assert error.value.code == "invalid_scores" and error.value.status == 400
    assert not Review.objects.exists() and not Score.objects.exists()


def test_a_review_is_refused_before_review_and_once_done(dossier, reviewer, call):
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False)
    with pytest.raises(DomainError) as error:
        review_submit(dossier=dossier, reviewer=reviewer, scores=full_scores(call),
                      comment="Avis.", recommendation="accepter")
    assert (error.value.code, error.value.status) == ("not_under_review", 409)
    dossier_start_review(dossier=dossier, by=reviewer)
    review_submit(dossier=dossier, reviewer=reviewer, scores=full_scores(call),
                  comment="Avis.", recommendation="accepter")
    with pytest.raises(DomainError) as error:
        review_submit(dossier=dossier, reviewer=reviewer, scores=full_scores(call),
                      comment="Encore.", recommendation="refuser")
    assert (error.value.code, error.value.status) == ("already_reviewed", 409)
    assert Review.objects.count() == 1 and Score.objects.count() == 3


def test_a_review_needs_a_declaration_without_conflict(under_review, reviewer, funder, call):
    with pytest.raises(DomainError) as error:
        review_submit(dossier=under_review, reviewer=reviewer, scores=full_scores(call),
                      comment="Avis.", recommendation="accepter")
    assert (error.value.code, error.value.status) == ("declaration_required", 403)
    colleague = FunderMemberFactory(funder=funder).user
    conflict_declare(dossier=under_review, reviewer=colleague, has_conflict=True,
                     explanation="Je suis salarié d'un acteur du collectif.")
    with pytest.raises(DomainError) as error:
        review_submit(dossier=under_review, reviewer=colleague, scores=full_scores(call),
                      comment="Avis.", recommendation="accepter")
    assert (error.value.code, error.value.status) == ("conflict_of_interest", 403)
    assert not Review.objects.exists()


def test_a_reviewer_of_another_funder_does_not_review(declared, call, staff):
    other = FunderMemberFactory().user
    for person in (other, staff):
        with pytest.raises(DomainError) as error:
            review_submit(dossier=declared, reviewer=person, scores=full_scores(call),
                          comment="Avis.", recommendation="accepter")
        assert (error.value.code, error.value.status) == ("not_reviewer", 403)
    assert not Review.objects.exists()


@pytest.mark.parametrize(("comment", "recommendation", "code"), [
    ("", "accepter", "comment_required"), ("Avis.", "peut-etre", "invalid_recommendation")])
def test_a_review_needs_a_comment_and_a_recommendation(declared, reviewer, call, comment,
                                                        recommendation, code):
    with pytest.raises(DomainError) as error:
        review_submit(dossier=declared, reviewer=reviewer, scores=full_scores(call),
                      comment=comment, recommendation=recommendation)
    assert error.value.code == code
    assert not Review.objects.exists()


def test_the_review_form_has_one_row_per_criterion(client, declared, reviewer, call):
    client.force_login(reviewer)
    page = client.get(declared.get_absolute_url())
    assert page.status_code == 200
    text = page_text(page)
    for label in ("Coopération des acteurs", "Défis mesurables", "Plan de financement"):
        assert label in text
    url = reverse("funding:dossier_review", args=[declared.pk])
    data = {f"score_{pk}": value for pk, value in full_scores(call).items()}
    bad = client.post(url, {**data, f"score_{next(iter(data))[6:]}": 9, "comment": "Avis.",
                            "recommendation": "accepter"})
    assert bad.status_code == 400 and not Review.objects.exists()
    response = client.post(url, {**data, "comment": "Avis.", "recommendation": "accepter"})
    assert response.status_code == 302
    assert Review.objects.get().weighted_score == Decimal("72.50")
    assert "72,50" in page_text(client.get(declared.get_absolute_url()))


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 403), ("member_a", 403), ("member_b", 404), ("staff", 403),
    ("anonymous", 302)])
def test_who_reviews_on_the_page(client, cast, declared, call, role, expected):
    as_role(client, cast, role)
    data = {f"score_{pk}": value for pk, value in full_scores(call).items()}
    response = client.post(reverse("funding:dossier_review", args=[declared.pk]),
                           {**data, "comment": "Avis.", "recommendation": "accepter"})
    assert response.status_code == expected
    assert not Review.objects.exists()


# The reviewers' list -------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 200), ("member_a", 200), ("member_b", 200), ("reviewer", 200),
    ("staff", 200), ("anonymous", 302)])
def test_the_review_list_shows_the_funders_submitted_dossiers(client, cast, dossier, role,
                                                              expected, call, territory_b):
    draft = submitted_dossier(call, territory_b.clusters.get(), title="Brouillon de Lyon",
                              status=Dossier.Status.DRAFT)
    as_role(client, cast, role)
    page = client.get(reverse("funding:review_list"))
    assert page.status_code == expected
    if expected == 200:
        text = page_text(page)
        assert ("Dossier de Marseille" in text) == (role in ("reviewer", "staff"))
        assert draft.title not in text


def test_the_review_list_keeps_its_queries(client, reviewer, funder, django_assert_max_num_queries,
                                           collective_a):
    call = call_with_grid(funder)
    for number in range(12):
        submitted_dossier(call, new_cluster(collective_a, f"Territoire {number}"))
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("funding:review_list"))
    assert page.status_code == 200
    page = client.get(reverse("funding:review_list") + "?status=depose&call=" + call.slug)
    assert page.status_code == 200 and page_text(page).count("Dossier n°") == 12


# The demo ------------------------------------------------------------------------------------

def test_the_demo_reviewer_finds_a_dossier_to_review(demo, client):
    from cluster.models import User

    reviewer = User.objects.get(email="instructeur@demo.local")
    dossiers = list(dossiers_for_reviewer(reviewer))
    assert len(dossiers) == 1 and dossiers[0].status == Dossier.Status.SUBMITTED
    assert dossiers[0].cluster.territory.slug != "aix-marseille-provence"
    client.force_login(reviewer)
    page = client.get(reverse("funding:review_list"))
    assert dossiers[0].title in page_text(page)
