"""The outbox: background work is written with the change and sent once, whatever the broker.

These tests replace the broker with a stand-in that refuses or accepts; the real Redis,
stopped and started again, is in tests/cluster/test_broker_outage.py.
"""

import ast
from pathlib import Path

import pytest
from django.db import transaction

from cluster import celery_app
from cluster.tasks import send_email_task
from territories import outbox
from territories.models import QueuedTask
from territories.tasks import _flush_outbox_when_a_worker_starts, flush_outbox_task

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EMAIL = {"subject": "Objet", "body": "Corps", "to": ["a@exemple.fr"], "html_body": None}


class Broker:
    """Stands for the broker: takes tasks when up, refuses them when down."""

    def __init__(self):
        self.up = True
        self.sent = []

    def apply_async(self, args=None, kwargs=None, **options):
        if not self.up:
            raise OSError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append((args, kwargs))


@pytest.fixture
def broker(monkeypatch):
    broker = Broker()
    celery_app.conf.task_always_eager = False  # set back by tests/conftest.py
    monkeypatch.setattr(send_email_task, "apply_async", broker.apply_async)
    return broker


def test_the_task_is_sent_once_the_change_commits(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue("cluster.tasks.send_email_task", kwargs=EMAIL)
            assert QueuedTask.objects.count() == 1  # written with the change
            assert broker.sent == []  # nothing leaves before the commit
    assert broker.sent == [([], EMAIL)]
    assert not QueuedTask.objects.exists()


def test_a_change_rolled_back_leaves_no_task(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError):
        with transaction.atomic():
            outbox.enqueue("cluster.tasks.send_email_task", kwargs=EMAIL)
            raise ValueError("refusé")
    assert broker.sent == []
    assert not QueuedTask.objects.exists()


def test_a_task_the_broker_refuses_waits_and_is_sent_exactly_once(
        broker, django_capture_on_commit_callbacks):
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue("cluster.tasks.send_email_task", kwargs=EMAIL)  # no error raised
    waiting = QueuedTask.objects.get()
    assert waiting.attempts == 1
    assert "Connection refused" in waiting.last_error
    assert outbox.flush_outbox() == 0  # still down
    assert QueuedTask.objects.get().attempts == 2

    broker.up = True
    assert outbox.flush_outbox() == 1
    assert outbox.flush_outbox() == 0
    assert broker.sent == [([], EMAIL)]
    assert not QueuedTask.objects.exists()


def test_a_flush_stops_at_the_first_refusal_and_keeps_the_order(broker):
    for number in range(3):
        QueuedTask.objects.create(task="cluster.tasks.send_email_task",
                                  kwargs={**EMAIL, "subject": f"n°{number}"})
    broker.up = False
    assert outbox.flush_outbox() == 0
    assert list(QueuedTask.objects.values_list("attempts", flat=True)) == [1, 0, 0]
    broker.up = True
    assert outbox.flush_outbox() == 3
    assert [kwargs["subject"] for _, kwargs in broker.sent] == ["n°0", "n°1", "n°2"]


def test_a_task_whose_name_no_longer_exists_does_not_hold_the_others_back(broker):
    QueuedTask.objects.create(task="cluster.tasks.disparue", args=[1])
    QueuedTask.objects.create(task="cluster.tasks.send_email_task", kwargs=EMAIL)
    assert outbox.flush_outbox() == 1
    assert list(QueuedTask.objects.values_list("task", flat=True)) == ["cluster.tasks.disparue"]


def test_without_a_broker_tasks_run_inline_after_the_commit(
        mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue("cluster.tasks.send_email_task", kwargs=EMAIL)
        assert mailoutbox == []
    assert [message.to for message in mailoutbox] == [["a@exemple.fr"]]
    assert not QueuedTask.objects.exists()


def test_beat_and_a_starting_worker_flush_the_outbox(settings, monkeypatch):
    schedule = settings.CELERY_BEAT_SCHEDULE["envoi-des-taches-en-attente"]
    assert schedule["task"] == flush_outbox_task.name
    assert schedule["schedule"].total_seconds() == 60
    asked = []
    monkeypatch.setattr(flush_outbox_task, "delay", lambda: asked.append(True))
    _flush_outbox_when_a_worker_starts(sender=None)
    assert asked == [True]


def _calls_and_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("delay", "apply_async"):
            yield f".{node.attr}()"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".tasks"):
            yield f"from {node.module} import"


def test_services_queue_work_through_the_outbox_never_straight_to_celery():
    """A `.delay` in a request loses the work and holds the request when Redis is down;
    it also made services and tasks import each other."""
    offenders = [
        (str(path.relative_to(ROOT)), found)
        for app in ("territories", "cluster", "projects", "funding")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path.name not in ("tasks.py", "outbox.py")
        for found in _calls_and_imports(path)
    ]
    assert offenders == []
