"""Redis goes down and comes back: requests never wait for it, and no work is lost.

Each test starts its own `redis-server` on a free port (never the machine's), stops it
while a person uses the platform, starts it again, then flushes the outbox as beat does
every minute and lets a real Celery worker run what was queued.
"""

import importlib
import shutil
import socket
import subprocess
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from cluster import celery_app
from funding.models import Dossier
from funding.tasks import generate_dossier_pdf_task
from territories.models import QueuedTask
from territories.outbox import flush_outbox
from tests.funding.factories import LONG_PLAN, make_complete
from tests.helpers import page_text

REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(REDIS_SERVER is None,
                       reason="redis-server absent : la panne du broker ne peut pas être jouée"),
]


class RedisServer:
    """A throwaway Redis, without persistence, that a test may stop and start again."""

    def __init__(self, directory):
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server n'a pas démarré")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _point_celery_at(url):
    """Send tasks to `url`, dropping the connections and result store already opened."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)
    celery_app.conf.broker_url = url
    celery_app.conf.result_backend = url


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    previous = celery_app.conf.broker_url, celery_app.conf.result_backend
    _point_celery_at(server.url)
    celery_app.conf.task_always_eager = False  # set back by tests/conftest.py
    yield server
    server.stop()
    _point_celery_at(previous[0])
    celery_app.conf.result_backend = previous[1]


@pytest.fixture
def worker(redis):
    """Start a real worker on demand (once Redis is back)."""
    def start():
        return start_worker(celery_app, pool="solo", perform_ping_check=False,
                            shutdown_timeout=10)
    return start


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "le worker n'a pas fini à temps"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_a_password_reset_answers_at_once_and_its_e_mail_leaves_later(
        client, member_a, redis, worker):
    assert client.get(reverse("password_reset")).status_code == 200  # the person opens it
    redis.stop()
    started = time.monotonic()
    response = client.post(reverse("password_reset"), {"email": member_a.email})
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 2, f"la demande a attendu le broker {elapsed:.1f} s"
    assert mail.outbox == []
    waiting = QueuedTask.objects.get()
    assert waiting.kwargs["to"] == [member_a.email]

    # Beat cannot reach the broker either: its flush changes nothing and does not wait.
    started = time.monotonic()
    assert flush_outbox() == 0
    assert time.monotonic() - started < 2
    assert QueuedTask.objects.count() == 1

    redis.start()
    with worker():
        assert flush_outbox() == 1
        assert flush_outbox() == 0  # run twice: sent once
        wait_for(lambda: mail.outbox)
        time.sleep(1)  # time enough for a second copy, if one had been queued
    assert [message.to for message in mail.outbox] == [[member_a.email]]
    assert "mot de passe" in mail.outbox[0].subject
    assert not QueuedTask.objects.exists()


@pytest.fixture
def dossier(territory_a, facilitator):
    from django.apps import apps

    from funding.models import Call
    from funding.services import dossier_start

    # An earlier test on committed data may have emptied the tables: open the label
    # call again as its migration does (it leaves an existing one alone).
    importlib.import_module("funding.migrations.0004_label_call").create_label_call(apps, None)
    cluster = territory_a.clusters.get()
    make_complete(cluster)
    dossier = dossier_start(call=Call.objects.get(slug="territoire-french-impact"),
                            cluster=cluster, by=facilitator, title="Dossier de Marseille")
    Dossier.objects.filter(pk=dossier.pk).update(strategic_plan=LONG_PLAN)
    return Dossier.objects.get(pk=dossier.pk)


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_a_dossier_is_submitted_and_its_pdf_rendered_once_redis_is_back(
        client, facilitator, dossier, redis, worker, settings, tmp_path, monkeypatch):
    from funding import documents

    settings.MEDIA_ROOT = tmp_path / "media"
    renderings = []
    render = documents.dossier_pdf_bytes
    monkeypatch.setattr(documents, "dossier_pdf_bytes",
                        lambda snapshot: renderings.append(1) or render(snapshot))
    redis.stop()
    client.force_login(facilitator)
    started = time.monotonic()
    response = client.post(reverse("funding:dossier_submit", args=[dossier.pk]),
                           {"version": dossier.version}, follow=True)
    assert time.monotonic() - started < 5  # the page's own work, not the broker's
    assert response.status_code == 200
    assert "Le dossier est déposé" in page_text(response)
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.SUBMITTED
    assert not dossier.pdf
    assert sorted(QueuedTask.objects.values_list("task", flat=True)) == [
        "cluster.tasks.send_email_task", "funding.tasks.generate_dossier_pdf_task"]

    redis.start()
    with worker():
        assert flush_outbox() == 2
        assert flush_outbox() == 0

        def done():
            dossier.refresh_from_db()
            return bool(dossier.pdf) and mail.outbox
        wait_for(done)
        # Delivered again (a crash between sending and forgetting), nothing is redone.
        generate_dossier_pdf_task.delay(dossier.pk).get(timeout=30)
    assert renderings == [1]
    assert len(mail.outbox) == 1
    assert facilitator.email in mail.outbox[0].to
    with dossier.pdf.open("rb") as pdf:
        assert pdf.read().startswith(b"%PDF-")
