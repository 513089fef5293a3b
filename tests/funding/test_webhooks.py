"""Webhooks of the funders: events, signature, retries, and where deliveries may go.

Deliveries go to a local receiver (tests/funding/webhook_receiver.py) over plain HTTP on
127.0.0.1, which DEBUG and WEBHOOKS_ALLOW_PRIVATE allow; the tests of the guards turn
them off. Retries are checked by moving the clock, never by waiting.
"""

import json
import socket
from datetime import timedelta

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from cluster.errors import DomainError
from funding.models import Call, Decision, Dossier, WebhookDelivery, WebhookEndpoint
from funding.services import (
    conflict_declare,
    decision_record,
    dossier_request_more_info,
    dossier_resubmit,
    dossier_start,
    dossier_start_review,
    dossier_submit,
)
from funding.tasks import purge_webhook_deliveries_task, retry_webhook_deliveries_task
from funding.webhook_services import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    retry_delay,
    webhook_delivery_resend,
    webhook_endpoint_create,
)
from funding.webhooks import check_url, is_public_address, verify_signature
from tests.funding.factories import LONG_PLAN, make_complete
from tests.funding.reviewing import call_with_grid, submitted_dossier
from tests.funding.webhook_receiver import start_receiver

pytestmark = pytest.mark.django_db

ALL_EVENTS = list(WebhookEndpoint.Event.values)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def receiver(settings):
    settings.DEBUG = True  # plain HTTP, to the local receiver
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    receiver, close = start_receiver()
    yield receiver
    close()


@pytest.fixture
def frozen(time_machine):
    """Stop the clock, so that due dates compare exactly."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


@pytest.fixture
def dossier(funder, cluster, reviewer):
    """A dossier under review at the funder, its reviewer having declared no conflict."""
    dossier = submitted_dossier(call_with_grid(funder), cluster, title="Dossier de Marseille")
    conflict_declare(dossier=dossier, reviewer=reviewer, has_conflict=False)
    dossier_start_review(dossier=dossier, by=reviewer)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def endpoint(funder, reviewer, receiver):
    return webhook_endpoint_create(funder=funder, url=receiver.url, events=ALL_EVENTS,
                                   by=reviewer)


def decide(dossier, reviewer, committed):
    with committed():
        decision_record(dossier=dossier, by=reviewer, outcome="accepte",
                        comment="Un projet solide.")
    return WebhookDelivery.objects.get()


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Events, body and signature ----------------------------------------------------------------


def test_a_decision_is_posted_signed_and_verifiable(endpoint, dossier, reviewer, receiver,
                                                     committed, frozen):
    delivery = decide(dossier, reviewer, committed)
    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request.path == "/hook"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Cluster-Event"] == "dossier.decision_recorded"
    assert request.headers["X-Cluster-Delivery"] == str(delivery.event_id)
    signature = request.headers["X-Cluster-Signature"]
    assert signature.startswith("t=") and ",v1=" in signature
    assert verify_signature(endpoint.secret, signature, request.body)
    assert verify_signature(endpoint.secret, signature, request.body.decode())
    assert not verify_signature("whsec_autre", signature, request.body)
    assert not verify_signature(endpoint.secret, signature, request.body + b" ")
    assert not verify_signature(endpoint.secret, "v1=abc", request.body)
    assert not verify_signature(endpoint.secret, "", request.body)
    frozen.shift(timedelta(seconds=301))
    assert not verify_signature(endpoint.secret, signature, request.body)  # replayed late

    event = json.loads(request.body)
    assert set(event) == {"id", "type", "created_at", "data"}
    assert event["id"] == str(delivery.event_id)
    assert event["type"] == "dossier.decision_recorded"
    assert event["data"] == {
        "dossier_id": dossier.pk, "call": dossier.call.slug, "status": "accepte",
        "url": "http://127.0.0.1:8000" + reverse("api:instruction-dossier-detail",
                                                 args=[dossier.pk])}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code,
            delivery.next_attempt_at) == (WebhookDelivery.Status.SUCCEEDED, 1, 200, None)


@pytest.fixture
def label_dossier(cluster, facilitator):
    """A complete draft for the label call, whose funder is Le French Impact."""
    dossier = dossier_start(call=Call.objects.get(slug="territoire-french-impact"),
                            cluster=cluster, by=facilitator, title="Dossier du label")
    make_complete(cluster)
    dossier.strategic_plan = LONG_PLAN
    dossier.save()
    return dossier


def test_a_submission_and_a_complement_are_sent_to_the_endpoints_that_chose_them(
        label_dossier, facilitator, staff, receiver, committed):
    funder = label_dossier.call.funder
    chosen = webhook_endpoint_create(
        funder=funder, url=receiver.url, by=staff,
        events=["dossier.submitted", "dossier.complement_answered"])
    webhook_endpoint_create(funder=funder, url=receiver.url + "/decisions", by=staff,
                            events=["dossier.decision_recorded"])
    paused = webhook_endpoint_create(funder=funder, url=receiver.url + "/pause", by=staff,
                                     events=ALL_EVENTS, is_active=False)
    with committed():
        dossier = dossier_submit(dossier=label_dossier, by=facilitator)
    dossier_start_review(dossier=dossier, by=staff)
    dossier = dossier_request_more_info(dossier=dossier, by=staff, comment="Précisez.")
    with committed():
        dossier_resubmit(dossier=dossier, by=facilitator)

    assert [(r.path, r.headers["X-Cluster-Event"]) for r in receiver.received] == [
        ("/hook", "dossier.submitted"), ("/hook", "dossier.complement_answered")]
    bodies = [json.loads(r.body) for r in receiver.received]
    assert [body["data"]["status"] for body in bodies] == ["depose", "depose"]
    assert all(verify_signature(chosen.secret, r.headers["X-Cluster-Signature"], r.body)
               for r in receiver.received)
    assert not WebhookDelivery.objects.filter(endpoint=paused).exists()


def test_another_funders_endpoint_hears_nothing(endpoint, dossier, reviewer, receiver,
                                                 committed, other_funder_endpoint):
    decide(dossier, reviewer, committed)
    assert [r.path for r in receiver.received] == ["/hook"]
    assert not other_funder_endpoint.deliveries.exists()


@pytest.fixture
def other_funder_endpoint(receiver, staff):
    from tests.funding.factories import FunderFactory

    return webhook_endpoint_create(funder=FunderFactory(), url=receiver.url + "/autre",
                                   events=ALL_EVENTS, by=staff)


# Retries -----------------------------------------------------------------------------------


def test_the_retry_schedule_backs_off_then_gives_up():
    assert [retry_delay(attempts) for attempts in range(1, MAX_ATTEMPTS + 1)] == [
        60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600, None]
    assert MAX_ATTEMPTS == 6


def test_a_500_is_retried_after_a_minute_then_delivered(endpoint, dossier, reviewer,
                                                          receiver, committed, frozen):
    receiver.reply(500)
    sent_at = timezone.now()
    delivery = decide(dossier, reviewer, committed)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        WebhookDelivery.Status.PENDING, 1, 500)
    assert delivery.next_attempt_at == sent_at + timedelta(seconds=60)

    frozen.shift(timedelta(seconds=59))
    assert retry_webhook_deliveries_task.delay().get() == 0  # not yet due
    assert len(receiver.received) == 1
    frozen.shift(timedelta(seconds=1))
    assert retry_webhook_deliveries_task.delay().get() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code,
            delivery.next_attempt_at) == (WebhookDelivery.Status.SUCCEEDED, 2, 200, None)
    first, second = receiver.received
    assert first.body == second.body
    assert first.headers["X-Cluster-Delivery"] == second.headers["X-Cluster-Delivery"]
    assert verify_signature(endpoint.secret, second.headers["X-Cluster-Signature"],
                            second.body)


def test_a_failing_endpoint_is_tried_on_the_schedule_then_given_up(
        endpoint, dossier, reviewer, receiver, committed, frozen):
    for _attempt in range(MAX_ATTEMPTS):
        receiver.reply(503)
    delivery = decide(dossier, reviewer, committed)
    waits = []
    while delivery.next_attempt_at:
        waits.append(int((delivery.next_attempt_at - delivery.last_attempt_at)
                         .total_seconds()))
        frozen.move_to(delivery.next_attempt_at, tick=False)
        retry_webhook_deliveries_task.delay()
        delivery.refresh_from_db()
    assert waits == list(RETRY_DELAYS)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        WebhookDelivery.Status.FAILED, MAX_ATTEMPTS, 503)
    assert len(receiver.received) == MAX_ATTEMPTS


def test_a_timeout_is_recorded_and_retried(endpoint, dossier, reviewer, receiver, committed,
                                           monkeypatch):
    monkeypatch.setattr("funding.webhooks.TIMEOUT", httpx.Timeout(0.2))
    receiver.reply(200, wait=2)
    delivery = decide(dossier, reviewer, committed)
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code is None
    assert delivery.last_error.startswith("Délai dépassé")
    assert delivery.attempts == 1 and delivery.next_attempt_at is not None


def test_the_timeouts_are_short():
    from funding.webhooks import TIMEOUT

    assert (TIMEOUT.connect, TIMEOUT.read) == (3.0, 5.0)


def test_a_redirect_is_not_followed(endpoint, dossier, reviewer, receiver, committed):
    receiver.reply(302, {"Location": receiver.url + "/ailleurs"})
    delivery = decide(dossier, reviewer, committed)
    assert [r.path for r in receiver.received] == ["/hook"]
    assert (delivery.status, delivery.last_status_code) == (WebhookDelivery.Status.PENDING,
                                                            302)


# Bad endpoints never fail the change that raised the event ---------------------------------


def test_the_decision_page_succeeds_when_the_endpoint_is_down(
        client, funder, reviewer, dossier, receiver, committed):
    endpoint = webhook_endpoint_create(
        funder=funder, url=f"http://127.0.0.1:{closed_port()}/hook", events=ALL_EVENTS,
        by=reviewer)
    client.force_login(reviewer)
    with committed():
        response = client.post(reverse("funding:dossier_decide", args=[dossier.pk]), {
            "outcome": "refuse", "comment": "Hors du périmètre de l'appel."})
    assert response.status_code == 302
    assert Decision.objects.get(dossier=dossier).outcome == "refuse"
    delivery = endpoint.deliveries.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code is None and "Connect" in delivery.last_error


def test_the_api_decision_succeeds_even_if_sending_crashes(
        client, endpoint, dossier, reviewer, committed, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("funding.webhook_services.send", crash)
    client.force_login(reviewer)
    with committed():
        response = client.post(
            reverse("api:instruction-dossier-decision", args=[dossier.pk]),
            {"outcome": "accepte", "comment": "Très bien."}, content_type="application/json")
    assert response.status_code == 201, response.content
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.ACCEPTED
    assert endpoint.deliveries.get().status == WebhookDelivery.Status.PENDING


# Where deliveries may go -------------------------------------------------------------------


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.215.14", True), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
    ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("127.0.0.1", False), ("0.0.0.0", False),  # noqa: S104
    ("169.254.169.254", False),
    ("100.64.0.1", False), ("224.0.0.1", False), ("240.0.0.1", False),
    ("255.255.255.255", False), ("::1", False), ("::", False), ("fe80::1", False),
    ("fc00::1", False), ("ff02::1", False), ("::ffff:127.0.0.1", False),
    ("::ffff:10.0.0.1", False), ("::ffff:93.184.215.14", True), ("64:ff9b::a9fe:a9fe", False),
    ("2002:c0a8:101::1", False), ("2001:db8::1", False),
])
def test_only_public_addresses_are_reachable(address, public):
    assert is_public_address(address) is public


def test_a_private_address_is_refused_when_not_allowed(
        settings, endpoint, dossier, reviewer, receiver, committed):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    port = receiver.server.server_address[1]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=f"http://localhost:{port}/hook")
    delivery = decide(dossier, reviewer, committed)
    assert receiver.received == []
    assert delivery.last_error.startswith("Adresse refusée, privée ou réservée")
    assert delivery.last_status_code is None and delivery.attempts == 1
    with pytest.raises(DomainError) as error:
        check_url(f"http://127.0.0.1:{port}/hook")
    assert error.value.code == "private_address"
    with pytest.raises(DomainError):
        check_url("http://[::ffff:7f00:1]/hook")


@pytest.fixture
def fake_dns(monkeypatch):
    """Resolve the names of `fake_dns` to the given addresses; the others as usual."""
    names = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            return [(socket.AF_INET6 if ":" in address else socket.AF_INET,
                     socket.SOCK_STREAM, 6, "", (address, port)) for address in names[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr("funding.webhooks.socket.getaddrinfo", getaddrinfo)
    return names


def test_the_connection_goes_to_the_address_that_was_checked(
        fake_dns, endpoint, dossier, reviewer, receiver, committed):
    port = receiver.server.server_address[1]
    fake_dns["webhooks.financeur.test"] = ["127.0.0.1"]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        url=f"http://webhooks.financeur.test:{port}/hook")
    delivery = decide(dossier, reviewer, committed)
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert receiver.received[0].headers["Host"] == f"webhooks.financeur.test:{port}"


def test_an_international_name_is_resolved_in_its_idna_form(
        fake_dns, endpoint, dossier, reviewer, receiver, committed):
    port = receiver.server.server_address[1]
    fake_dns["xn--financ-gva.test"] = ["127.0.0.1"]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=f"http://financé.test:{port}/hook")
    delivery = decide(dossier, reviewer, committed)
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED, delivery.last_error
    assert receiver.received[0].headers["Host"] == f"xn--financ-gva.test:{port}"


def test_a_name_with_one_private_address_is_refused(
        settings, fake_dns, endpoint, dossier, reviewer, receiver, committed):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    port = receiver.server.server_address[1]
    fake_dns["rebond.financeur.test"] = ["93.184.215.14", "127.0.0.1"]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        url=f"http://rebond.financeur.test:{port}/hook")
    delivery = decide(dossier, reviewer, committed)
    assert receiver.received == []
    assert delivery.last_error == "Adresse refusée, privée ou réservée : 127.0.0.1"


def test_plain_http_is_refused_when_debug_is_false(settings, endpoint, dossier, reviewer,
                                                   receiver, committed):
    settings.DEBUG = False
    delivery = decide(dossier, reviewer, committed)
    assert receiver.received == []
    assert "HTTPS" in delivery.last_error and delivery.last_status_code is None
    with pytest.raises(DomainError) as error:
        check_url("http://hooks.financeur.example/clusters")
    assert error.value.code == "https_required"
    assert check_url("https://hooks.financeur.example/clusters")


# Send again, purge -------------------------------------------------------------------------


def test_send_again_posts_the_same_event_once_more(endpoint, dossier, reviewer, receiver,
                                                    committed):
    delivery = decide(dossier, reviewer, committed)
    with committed():
        assert webhook_delivery_resend(delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.SUCCEEDED, 2)
    first, second = receiver.received
    assert first.body == second.body


def test_send_again_twice_queues_one_attempt(endpoint, dossier, reviewer, receiver, frozen):
    decision_record(dossier=dossier, by=reviewer, outcome="accepte", comment="Bien.")
    delivery = WebhookDelivery.objects.get()  # due, not sent yet (no commit)
    assert not webhook_delivery_resend(delivery=delivery)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        sending_until=timezone.now() + timedelta(minutes=1),
        next_attempt_at=timezone.now() + timedelta(hours=2))
    assert not webhook_delivery_resend(delivery=delivery)  # a send is under way
    assert retry_webhook_deliveries_task.delay().get() == 0
    assert receiver.received == []


def test_old_finished_deliveries_are_purged(endpoint, dossier, reviewer, committed, frozen,
                                            settings):
    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 30
    done = decide(dossier, reviewer, committed)
    pending = WebhookDelivery.objects.create(endpoint=endpoint, event_type="dossier.submitted",
                                             body="{}", next_attempt_at=timezone.now())
    frozen.shift(timedelta(days=30, seconds=1))
    assert purge_webhook_deliveries_task.delay().get() == 1
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [pending.pk]
    assert not WebhookDelivery.objects.filter(pk=done.pk).exists()


def test_beat_retries_every_minute_and_purges_daily(settings):
    from celery.schedules import crontab

    from cluster.celery import app

    retry = settings.CELERY_BEAT_SCHEDULE["webhooks-envois-a-reprendre"]
    purge = settings.CELERY_BEAT_SCHEDULE["webhooks-purge-du-journal"]
    assert retry["task"] in app.tasks and purge["task"] in app.tasks
    assert retry["schedule"] == timedelta(minutes=1)
    assert purge["schedule"] == crontab(hour=4, minute=30)


def test_private_addresses_are_refused_by_default_in_production():
    from tests.cluster.test_deploy_settings import PRODUCTION, settings_of

    assert settings_of(["WEBHOOKS_ALLOW_PRIVATE"], **PRODUCTION) == {
        "WEBHOOKS_ALLOW_PRIVATE": False}
    assert settings_of(["WEBHOOKS_ALLOW_PRIVATE"], **{**PRODUCTION, "DEBUG": "true"}) == {
        "WEBHOOKS_ALLOW_PRIVATE": True}
