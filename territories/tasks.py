from celery import shared_task
from celery.signals import worker_ready

from territories.models import ActorImport
from territories.opendata_build import build_open_data_once
from territories.outbox import flush_outbox
from territories.services import actor_import_run


@shared_task
def run_actor_import_task(actor_import_id):
    """Write a confirmed import of actors (large files); one already started is left alone."""
    actor_import = ActorImport.objects.select_related("territory").filter(
        pk=actor_import_id, status=ActorImport.Status.QUEUED).first()
    if actor_import is None:
        return None
    actor_import_run(actor_import=actor_import)
    return actor_import.pk


# Background work waiting for the broker ----------------------------------------------------

@shared_task
def flush_outbox_task():
    """Send the tasks that could not be queued when they were asked for (see outbox)."""
    return flush_outbox()


@worker_ready.connect
def _flush_outbox_when_a_worker_starts(sender, **kwargs):
    # The broker is back (the worker just connected to it): what waited goes now.
    flush_outbox_task.delay()


# Open data ---------------------------------------------------------------------------------------

@shared_task
def build_open_data_task():
    """Write and publish the open data files (nightly, or when staff ask); one at a time."""
    manifest = build_open_data_once()
    return manifest["build"] if manifest else None
