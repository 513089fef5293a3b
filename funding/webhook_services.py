"""The funders' webhooks: register endpoints, record events, send and retry deliveries.

An event (`webhook_event_emit`, called by the dossier services inside their transaction)
writes one delivery per endpoint of the funder that chose it, and queues its sending
through the outbox once committed: a bad endpoint or a broker outage never blocks nor
fails the change that raised the event.

Each attempt (`webhook_delivery_attempt`) first claims the delivery for LEASE, so that two
workers, or a "send again" during a send, never post it twice at once. A failed attempt
(no answer, a timeout, any status but 2xx) is tried again after RETRY_DELAYS: 1 min,
5 min, 30 min, 2 h, 12 h, i.e. MAX_ATTEMPTS in all, then the delivery is marked failed.
Retries are due dates in the database, picked up every minute by
`funding.tasks.retry_webhook_deliveries_task` (beat): unlike a countdown in the broker,
they survive a restart, and a 12-hour wait never outlives Redis' visibility timeout.
"""

import datetime
import json
import secrets
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster.errors import DomainError
from funding.models import WebhookDelivery, WebhookEndpoint
from funding.webhooks import check_url, send
from territories.links import absolute_reverse
from territories.outbox import enqueue

RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600)  # seconds, after attempt 1, 2…
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# How long an attempt holds its delivery: more than a send can last (3 s + 5 s + 5 s).
LEASE = datetime.timedelta(minutes=2)
DELIVER_TASK = "funding.tasks.deliver_webhook_task"
MAX_ENDPOINTS_PER_FUNDER = 10


def retry_delay(attempts):
    """Return the seconds to wait after `attempts` failed attempts, or None to give up."""
    if 1 <= attempts <= len(RETRY_DELAYS):
        return RETRY_DELAYS[attempts - 1]
    return None


def new_secret():
    return "whsec_" + secrets.token_urlsafe(32)


# Endpoints -------------------------------------------------------------------------------

def _clean_events(events):
    if not isinstance(events, list | tuple) or not events:
        raise DomainError(_("Choisissez au moins un évènement à recevoir."),
                          code="events_required", field="events")
    unknown = [event for event in events if event not in WebhookEndpoint.Event.values]
    if unknown:
        raise DomainError(_("Évènement inconnu : %(event)s. Choisissez parmi : %(choices)s.")
                          % {"event": unknown[0],
                             "choices": ", ".join(WebhookEndpoint.Event.values)},
                          code="invalid_event", field="events")
    # Kept in the order of the choices, each once.
    return [event for event in WebhookEndpoint.Event.values if event in events]


def webhook_endpoint_create(*, funder, url, events, is_active=True, by):
    """Register an HTTPS endpoint for the funder with a new secret; return it.

    The secret is readable on the returned endpoint: show it to the person once.
    """
    url = check_url(url)
    events = _clean_events(events)
    with transaction.atomic():
        if WebhookEndpoint.objects.filter(funder=funder).count() >= MAX_ENDPOINTS_PER_FUNDER:
            raise DomainError(_("Un financeur déclare %(max)s webhooks au plus : supprimez-en "
                                "un d'abord.") % {"max": MAX_ENDPOINTS_PER_FUNDER},
                              code="too_many_endpoints")
        return WebhookEndpoint.objects.create(funder=funder, url=url, events=events,
                                              is_active=bool(is_active), secret=new_secret(),
                                              created_by=by)


def webhook_endpoint_update(*, endpoint, url=None, events=None, is_active=None):
    """Change an endpoint's address, events or whether it receives them."""
    fields = []
    if url is not None:
        endpoint.url = check_url(url)
        fields.append("url")
    if events is not None:
        endpoint.events = _clean_events(events)
        fields.append("events")
    if is_active is not None:
        endpoint.is_active = bool(is_active)
        fields.append("is_active")
    if fields:
        endpoint.save(update_fields=fields)
    return endpoint


def webhook_secret_regenerate(*, endpoint):
    """Give the endpoint a new secret, in force for the next attempt; return it."""
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret


def webhook_endpoint_delete(*, endpoint):
    """Delete the endpoint and its delivery log."""
    endpoint.delete()


# Events ----------------------------------------------------------------------------------

def event_body(*, event_id, event_type, dossier, now):
    """Return the JSON body of an event about a dossier, as bytes."""
    url = absolute_reverse("api:instruction-dossier-detail", dossier.pk)
    return json.dumps({
        "id": str(event_id),
        "type": event_type,
        "created_at": now.isoformat(),
        "data": {"dossier_id": dossier.pk, "call": dossier.call.slug,
                 "status": dossier.status, "url": url},
    }, separators=(",", ":"), ensure_ascii=False).encode()


def webhook_event_emit(*, dossier, event_type):
    """Record the event for every active endpoint of the dossier's funder that chose it.

    Call it inside the transaction of the change: the deliveries are written with it,
    and sent once it commits. Return the deliveries.
    """
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(
        funder_id=dossier.call.funder_id, is_active=True) if event_type in endpoint.events]
    if not endpoints:
        return []
    now = timezone.now()
    event_id = uuid.uuid4()
    body = event_body(event_id=event_id, event_type=event_type, dossier=dossier,
                      now=now).decode()
    deliveries = WebhookDelivery.objects.bulk_create([
        WebhookDelivery(endpoint=endpoint, event_id=event_id, event_type=event_type,
                        body=body, next_attempt_at=now, created_at=now)
        for endpoint in endpoints])
    for delivery in deliveries:
        enqueue(DELIVER_TASK, args=[delivery.pk], robust=True)
    return deliveries


# Deliveries ------------------------------------------------------------------------------

def _claim(pk, now):
    """Hold a due delivery for one attempt; return it, or None if not due or held."""
    claimed = WebhookDelivery.objects.filter(
        Q(sending_until__isnull=True) | Q(sending_until__lte=now),
        pk=pk, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now,
    ).update(sending_until=now + LEASE)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=pk)


def webhook_delivery_attempt(*, delivery_pk):
    """Send a due delivery once and record the outcome; return it, or None if not due.

    The delivery of an endpoint disabled since is given up ("send again" once it is
    enabled); an endpoint deleted takes its deliveries with it.
    """
    now = timezone.now()
    delivery = _claim(delivery_pk, now)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED, next_attempt_at=None, sending_until=None,
            last_error=_("Webhook désactivé : envoi abandonné."))
        delivery.refresh_from_db()
        return delivery
    outcome = send(url=endpoint.url, secret=endpoint.secret, body=delivery.body.encode(),
                   event_type=delivery.event_type, event_id=delivery.event_id)
    attempts = delivery.attempts + 1
    delay = retry_delay(attempts)
    if outcome.ok:
        status, next_at = WebhookDelivery.Status.SUCCEEDED, None
    elif delay is None:
        status, next_at = WebhookDelivery.Status.FAILED, None
    else:
        status = WebhookDelivery.Status.PENDING
        next_at = timezone.now() + datetime.timedelta(seconds=delay)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, status=status, next_attempt_at=next_at, sending_until=None,
        last_status_code=outcome.status_code, last_error=outcome.error[:500],
        last_attempt_at=timezone.now())
    delivery.refresh_from_db()
    return delivery


def due_deliveries(now=None, limit=500):
    """Return the ids of the deliveries whose attempt is due and not held, oldest first."""
    now = now or timezone.now()
    return list(WebhookDelivery.objects.filter(
        Q(sending_until__isnull=True) | Q(sending_until__lte=now),
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now,
    ).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def webhook_delivery_resend(*, delivery):
    """Queue one more attempt of a delivery, now; return whether one was queued.

    Safe to ask twice: a delivery being sent, or already due, is left as it is. A
    delivery that had given up gets this one attempt; its event keeps its id, so a
    receiver that got it already can skip it.
    """
    now = timezone.now()
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery.pk).exclude(
            sending_until__gt=now).exclude(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now,
        ).update(status=WebhookDelivery.Status.PENDING, next_attempt_at=now)
        if updated:
            enqueue(DELIVER_TASK, args=[delivery.pk], robust=True)
    return bool(updated)


def webhook_deliveries_purge(*, days=None, now=None):
    """Delete the finished deliveries older than `days`; return how many."""
    days = days or settings.WEBHOOK_DELIVERY_RETENTION_DAYS
    limit = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _counts = WebhookDelivery.objects.filter(created_at__lt=limit).exclude(
        status=WebhookDelivery.Status.PENDING).delete()
    return deleted
