"""Queue background work so that none is lost, nor any request held, while the broker is down.

Services call `enqueue("app.tasks.name", args=[...])` inside the transaction of their
change, never a task's `.delay`:

- with a broker (REDIS_URL), the task is written to the outbox (`QueuedTask`) in that
  transaction, and handed to the broker once it commits. A broker that does not answer
  within about a second (see the "Faults survived" settings) leaves the row in the
  outbox; `flush_outbox` sends it later, every minute from beat and when a worker
  starts. Each row is sent at most once: it is locked, published and deleted in one
  transaction. Tasks check their object's state, so a task delivered again after a crash
  between publishing and deleting does nothing twice;
- without a broker, tasks run inline once the transaction commits, as they always did,
  and the outbox is not used.

Tasks are named, not imported: a services module never imports its tasks module, which
imports the services.
"""

import importlib
import logging

from celery import current_app
from celery.exceptions import NotRegistered
from django.db import transaction
from django.utils import timezone

from territories.models import QueuedTask

logger = logging.getLogger(__name__)

# Rows sent by one flush; the rest wait for the next one.
FLUSH_BATCH = 500


def enqueue(task_name, *, args=(), kwargs=None, robust=False):
    """Run the named task once the current transaction commits, through the outbox.

    `robust` only matters when tasks run inline: a task failing for good is then
    logged instead of raised into the request that asked for it.
    """
    args, kwargs = list(args), dict(kwargs or {})
    if current_app.conf.task_always_eager:
        transaction.on_commit(lambda: _task(task_name).apply_async(args, kwargs),
                              robust=robust)
        return
    queued = QueuedTask.objects.create(task=task_name, args=args, kwargs=kwargs)
    transaction.on_commit(lambda: send_queued(pk=queued.pk))


def send_queued(*, pk):
    """Hand one queued task to the broker and delete its row; return whether it went.

    Never raises: a task that cannot be sent stays queued with its error, for the
    next flush. A row locked by another sender, or already sent, is left alone.
    """
    try:
        with transaction.atomic():
            queued = QueuedTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if queued is None:
                return False
            try:
                _task(queued.task).apply_async(queued.args, queued.kwargs)
            except Exception as error:
                logger.warning("Tâche %s non envoyée, gardée en attente : %r",
                               queued.task, error)
                QueuedTask.objects.filter(pk=pk).update(
                    attempts=queued.attempts + 1, last_attempt_at=timezone.now(),
                    last_error=f"{type(error).__name__}: {error}"[:2000])
                return False
            queued.delete()
            return True
    except Exception:
        # The database itself failed (e.g. right after the commit): the row, if any,
        # is still there for the next flush.
        logger.exception("Tâche en attente %s non envoyée", pk)
        return False


def flush_outbox():
    """Send the queued tasks, oldest first; stop at the first the broker refuses.

    Return the number sent. A task whose name no longer exists is skipped (logged,
    kept for an administrator to look at) rather than blocking those behind it.
    """
    sent = 0
    pending = QueuedTask.objects.order_by("pk").values_list("pk", "task")[:FLUSH_BATCH]
    for pk, task_name in list(pending):
        try:
            _task(task_name)
        except NotRegistered:
            logger.error("Tâche inconnue dans la file d'attente : %s (ligne %s)", task_name, pk)
            continue
        if not send_queued(pk=pk):
            if QueuedTask.objects.filter(pk=pk).exists():
                break  # the broker is still down: the next flush tries again
            continue  # sent meanwhile by another sender
        sent += 1
    return sent


def _task(name):
    """Return the task registered under `name`, importing its module the first time."""
    if name not in current_app.tasks:
        module = name.rpartition(".")[0]
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:
            raise NotRegistered(name) from None
    try:
        return current_app.tasks[name]
    except KeyError:
        raise NotRegistered(name) from None
