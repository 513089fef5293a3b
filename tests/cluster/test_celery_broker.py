"""One trip through the real stack: Redis as broker and result store, a real Celery worker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.urls import reverse

from cluster import celery_app
from cluster.tasks import send_email_task

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL absent : pas de broker réel"),
]


@pytest.fixture
def worker():
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@pytest.mark.django_db(transaction=True)
def test_password_reset_email_is_sent_by_a_worker_through_redis(client, member_a, worker):
    response = client.post(reverse("password_reset"), {"email": member_a.email})
    assert response.status_code == 302
    deadline = time.monotonic() + 30
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [message.to for message in mail.outbox] == [[member_a.email]]

    result = send_email_task.delay(
        subject="Essai", body="Corps", to=["a@exemple.fr", "b@exemple.fr"]
    )
    assert result.get(timeout=30) == 2
    assert result.state == "SUCCESS"
