"""The funder's page and the API for its webhooks: who may do what, bad inputs, the log."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.services import api_token_create
from funding.models import WebhookDelivery, WebhookEndpoint
from funding.webhook_services import webhook_endpoint_create
from tests.funding.factories import FunderFactory, FunderMemberFactory
from tests.helpers import as_role, page_text

pytestmark = pytest.mark.django_db

URL = "https://hooks.financeur.example/clusters"
ALL_EVENTS = list(WebhookEndpoint.Event.values)
ROLES = ["reviewer", "other_reviewer", "member_a", "anonymous", "staff"]


@pytest.fixture
def other_reviewer(db):
    funder = FunderFactory(name="Fondation du Littoral")
    return FunderMemberFactory(funder=funder, user__email="autre@exemple.fr").user


@pytest.fixture
def people(cast, other_reviewer):
    return {**cast, "other_reviewer": other_reviewer}


@pytest.fixture
def endpoint(funder, reviewer):
    return webhook_endpoint_create(funder=funder, url=URL, events=ALL_EVENTS, by=reviewer)


def page_url(name, funder, *args):
    return reverse(f"funding:{name}", args=[funder.slug, *args])


def deliveries(endpoint, count, **fields):
    now = timezone.now()
    return WebhookDelivery.objects.bulk_create([
        WebhookDelivery(endpoint=endpoint, event_type="dossier.submitted", body="{}",
                        created_at=now - timezone.timedelta(minutes=count - number),
                        **fields) for number in range(count)])


# Pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), [
    ("reviewer", 200), ("other_reviewer", 403), ("member_a", 403), ("anonymous", 302),
    ("staff", 200)])
def test_only_the_funders_reviewers_and_staff_open_its_page(client, people, funder, endpoint,
                                                              role, expected):
    response = as_role(client, people, role).get(page_url("funder_detail", funder))
    assert response.status_code == expected
    if expected == 200:
        assert URL in page_text(response)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["other_reviewer", "member_a"])
@pytest.mark.parametrize(("name", "method", "with_endpoint"), [
    ("webhook_create", "get", False), ("webhook_create", "post", False),
    ("webhook_edit", "get", True), ("webhook_edit", "post", True),
    ("webhook_secret", "post", True), ("webhook_delete", "get", True),
    ("webhook_delete", "post", True), ("webhook_delivery_resend", "post", "delivery"),
])
def test_nobody_else_changes_the_webhooks(client, people, funder, endpoint, role, name,
                                          method, with_endpoint):
    args = []
    if with_endpoint == "delivery":
        args = [deliveries(endpoint, 1, status="reussie")[0].pk]
    elif with_endpoint:
        args = [endpoint.pk]
    secret = endpoint.secret
    as_role(client, people, role)
    response = getattr(client, method)(page_url(name, funder, *args),
                                       {"url": URL + "/x", "events": ALL_EVENTS})
    assert response.status_code == 403
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.secret) == (URL, secret)
    assert WebhookEndpoint.objects.count() == 1


def test_the_reviewers_list_leads_to_their_funders_page(client, reviewer, funder):
    client.force_login(reviewer)
    response = client.get(reverse("funding:review_list"))
    assert page_url("funder_detail", funder) in response.content.decode()


def test_a_reviewer_registers_a_webhook_and_sees_its_secret_once(client, reviewer, funder):
    client.force_login(reviewer)
    assert client.get(page_url("webhook_create", funder)).status_code == 200
    response = client.post(page_url("webhook_create", funder), {
        "url": URL, "events": ["dossier.submitted", "dossier.decision_recorded"],
        "is_active": "on"})
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.funder, endpoint.url, endpoint.events, endpoint.is_active,
            endpoint.created_by) == (funder, URL, ["dossier.submitted",
                                                   "dossier.decision_recorded"], True, reviewer)
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    shown = client.get(response["Location"])
    assert endpoint.secret in shown.content.decode()
    assert "Dossier déposé, Décision enregistrée" in page_text(shown)
    assert endpoint.secret not in client.get(response["Location"]).content.decode()


def test_a_reviewer_regenerates_the_secret(client, reviewer, funder, endpoint):
    client.force_login(reviewer)
    old = endpoint.secret
    assert client.get(page_url("webhook_secret", funder, endpoint.pk)).status_code == 405
    response = client.post(page_url("webhook_secret", funder, endpoint.pk), follow=True)
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in response.content.decode()
    assert old not in response.content.decode()


def test_a_reviewer_changes_then_disables_a_webhook(client, reviewer, funder, endpoint):
    client.force_login(reviewer)
    response = client.post(page_url("webhook_edit", funder, endpoint.pk), {
        "url": URL + "/v2", "events": ["dossier.decision_recorded"]})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.is_active) == (
        URL + "/v2", ["dossier.decision_recorded"], False)
    assert "suspendu" in page_text(client.get(page_url("funder_detail", funder)))


def test_a_webhook_is_deleted_after_a_confirmation(client, reviewer, funder, endpoint):
    deliveries(endpoint, 2, status="reussie")
    client.force_login(reviewer)
    confirm = client.get(page_url("webhook_delete", funder, endpoint.pk))
    assert confirm.status_code == 200 and URL in page_text(confirm)
    assert WebhookEndpoint.objects.exists()
    response = client.post(page_url("webhook_delete", funder, endpoint.pk))
    assert response.status_code == 302
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()


def test_another_funders_webhook_is_not_found_on_this_funders_pages(client, other_reviewer,
                                                                    endpoint):
    client.force_login(other_reviewer)
    own = other_reviewer.funders.get()
    assert client.get(page_url("webhook_edit", own, endpoint.pk)).status_code == 404
    assert client.post(page_url("webhook_delete", own, endpoint.pk)).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"url": "http://hooks.financeur.example/x"}, "HTTPS"),
    ({"url": "pas une adresse"}, "Saisissez une URL valide."),
    ({"url": "https://hooks.financeur.example/\x00"}, "caractère nul"),
    ({"url": "https://hooks.financeur.example/" + "a" * 600}, "500 caractères"),
    ({"url": "https://127.0.0.1/x"}, "privée ou réservée"),
    ({"url": "https://[::ffff:10.0.0.1]/x"}, "privée ou réservée"),
    ({"url": "https://jean:secret@hooks.financeur.example/x"}, "mot de passe"),
    ({"events": []}, "Ce champ est obligatoire."),
    ({"events": ["dossier.deleted"]}, "dossier.deleted n’en fait pas partie"),
])
def test_bad_inputs_are_refused_on_the_form(client, reviewer, funder, data, message):
    client.force_login(reviewer)
    response = client.post(page_url("webhook_create", funder),
                           {"url": URL, "events": ["dossier.submitted"], **data})
    assert response.status_code == 400
    assert message in page_text(response)
    assert not WebhookEndpoint.objects.exists()


def test_the_log_shows_status_codes_and_errors_newest_first(
        client, reviewer, funder, endpoint, django_assert_max_num_queries):
    old = deliveries(endpoint, 25, status="reussie", attempts=1, last_status_code=200)
    failing = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="dossier.decision_recorded", body="{}", attempts=3,
        last_status_code=500, next_attempt_at=timezone.now() + timezone.timedelta(hours=2),
        created_at=timezone.now())
    WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="dossier.submitted", body="{}", attempts=1,
        last_error="Délai dépassé (ReadTimeout)", created_at=timezone.now())
    client.force_login(reviewer)
    with django_assert_max_num_queries(8):
        response = client.get(page_url("funder_detail", funder))
    text = page_text(response)
    assert "HTTP 500" in text and "Délai dépassé (ReadTimeout)" in text
    assert "Décision enregistrée" in text and "Page 1 sur 2" in text
    assert response.context["page"].object_list[1] == failing
    assert str(old[0].event_id) not in text  # the oldest are on page 2
    second = client.get(page_url("funder_detail", funder) + "?page=2")
    assert str(old[0].event_id) in second.content.decode()


def test_send_again_from_the_log(client, reviewer, funder, endpoint, monkeypatch,
                                 django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("funding.webhook_services.send",
                        lambda **kwargs: sent.append(kwargs) or _ok())
    delivery = deliveries(endpoint, 1, status="echouee", attempts=6, last_status_code=500)[0]
    client.force_login(reviewer)
    url = page_url("webhook_delivery_resend", funder, delivery.pk)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "reussie", 7, 200)
    assert [call["event_id"] for call in sent] == [delivery.event_id]


def _ok():
    from funding.webhooks import Outcome

    return Outcome(status_code=200)


# API ---------------------------------------------------------------------------------------


def api(client, people, role):
    if role == "anonymous":
        return {}
    _row, token = api_token_create(user=people[role], lifetime_days=30)
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def post_json(client, url, data, headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


@pytest.mark.parametrize(("role", "listed", "detail"), [
    ("reviewer", 1, 200), ("other_reviewer", 0, 404), ("member_a", 0, 404),
    ("anonymous", None, 401), ("staff", 1, 200)])
def test_the_api_shows_the_webhooks_to_their_funders_reviewers_and_staff(
        client, people, endpoint, role, listed, detail, django_assert_max_num_queries):
    headers = api(client, people, role)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("api:webhook-list"), **headers)
    if listed is None:
        assert response.status_code == 401
    else:
        assert response.status_code == 200 and response.json()["count"] == listed
    detail_response = client.get(reverse("api:webhook-detail", args=[endpoint.pk]), **headers)
    assert detail_response.status_code == detail
    if detail == 200:
        body = detail_response.json()
        assert body["url"] == URL and body["funder"] == endpoint.funder.slug
        assert "secret" not in body
    for name, method in [("webhook-secret", "post"), ("webhook-deliveries", "get")]:
        answer = getattr(client, method)(reverse(f"api:{name}", args=[endpoint.pk]), **headers)
        assert answer.status_code == (detail if detail != 200 else 200)


@pytest.mark.parametrize(("role", "expected"), [
    ("reviewer", 201), ("other_reviewer", 403), ("member_a", 403), ("anonymous", 401),
    ("staff", 201)])
def test_the_api_registers_a_webhook_for_the_funders_reviewers_and_staff(
        client, people, funder, role, expected):
    response = post_json(client, reverse("api:webhook-list"), {
        "funder": funder.slug, "url": URL, "events": ["dossier.submitted"]},
        api(client, people, role))
    assert response.status_code == expected, response.content
    assert response.json().keys() >= {"detail", "code"} if expected != 201 else True
    if expected == 201:
        body = response.json()
        endpoint = WebhookEndpoint.objects.get()
        assert body["secret"] == endpoint.secret and body["events"] == ["dossier.submitted"]
    else:
        assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(("data", "code"), [
    ({"url": "http://hooks.financeur.example/x"}, "https_required"),
    ({"url": "pas une adresse"}, "invalid"),
    ({"url": "https://hooks.financeur.example/\x00"}, "null_character"),
    ({"url": "https://hooks.financeur.example/" + "a" * 600}, "invalid"),
    ({"url": "https://10.0.0.1/x"}, "private_address"),
    ({"events": []}, "invalid"),
    ({"events": ["dossier.deleted"]}, "invalid"),
    ({"events": "dossier.submitted"}, "invalid"),
    ({"funder": "inconnu"}, "invalid"),
    ({"url": None}, "invalid"),
])
def test_bad_inputs_are_refused_by_the_api(client, people, funder, data, code):
    response = post_json(client, reverse("api:webhook-list"), {
        "funder": funder.slug, "url": URL, "events": ["dossier.submitted"], **data},
        api(client, people, "reviewer"))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code and response.json()["detail"]
    assert not WebhookEndpoint.objects.exists()


def test_the_api_refuses_forms(client, people, funder):
    response = client.post(reverse("api:webhook-list"), {
        "funder": funder.slug, "url": URL, "events": ["dossier.submitted"]},
        **api(client, people, "reviewer"))
    assert response.status_code == 415
    assert not WebhookEndpoint.objects.exists()


def test_the_api_changes_regenerates_lists_deliveries_resends_and_deletes(
        client, people, endpoint, monkeypatch, django_capture_on_commit_callbacks):
    headers = api(client, people, "reviewer")
    detail = reverse("api:webhook-detail", args=[endpoint.pk])
    response = client.patch(detail, json.dumps({"is_active": False, "events": [
        "dossier.decision_recorded"]}), content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.events) == (False, ["dossier.decision_recorded"])
    bad = client.patch(detail, json.dumps({"url": "http://hooks.financeur.example/"}),
                       content_type="application/json", **headers)
    assert bad.status_code == 400 and bad.json()["code"] == "https_required"

    old = endpoint.secret
    response = client.post(reverse("api:webhook-secret", args=[endpoint.pk]), **headers)
    endpoint.refresh_from_db()
    assert response.status_code == 200 and response.json()["secret"] == endpoint.secret != old

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=True)
    delivery = deliveries(endpoint, 3, status="echouee", attempts=6, last_status_code=502)[0]
    listing = client.get(reverse("api:webhook-deliveries", args=[endpoint.pk]), **headers)
    assert listing.status_code == 200 and listing.json()["count"] == 3
    assert listing.json()["results"][-1]["last_status_code"] == 502

    monkeypatch.setattr("funding.webhook_services.send", lambda **kwargs: _ok())
    resend = reverse("api:webhook-resend", args=[endpoint.pk, delivery.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, **headers)
    assert response.status_code == 202
    assert response.json()["queued"] is True
    delivery.refresh_from_db()
    assert delivery.status == "reussie"
    other = FunderMemberFactory().funder
    foreign = webhook_endpoint_create(funder=other, url=URL, events=ALL_EVENTS, by=None)
    foreign_delivery = deliveries(foreign, 1, status="reussie")[0]
    assert client.post(reverse("api:webhook-resend", args=[endpoint.pk, foreign_delivery.pk]),
                       **headers).status_code == 404

    assert client.delete(detail, **headers).status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_staff_read_webhooks_and_deliveries_in_the_admin_without_the_secret(client, staff,
                                                                          endpoint):
    delivery = deliveries(endpoint, 1, status="reussie", last_status_code=200)[0]
    client.force_login(staff)
    for name, args in [("changelist", []), ("change", [endpoint.pk])]:
        response = client.get(reverse(f"admin:funding_webhookendpoint_{name}", args=args))
        assert response.status_code == 200 and endpoint.secret not in response.text
    for name, args in [("changelist", []), ("change", [delivery.pk])]:
        response = client.get(reverse(f"admin:funding_webhookdelivery_{name}", args=args))
        assert response.status_code == 200
    assert client.get(reverse("admin:funding_webhookendpoint_add")).status_code == 403
