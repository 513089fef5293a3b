from celery import shared_task

from territories.models import ActorImport
from territories.services import actor_import_run


@shared_task
def run_actor_import_task(actor_import_id):
    """Write a confirmed import of actors (large files)."""
    actor_import = ActorImport.objects.select_related("territory").get(pk=actor_import_id)
    actor_import_run(actor_import=actor_import)
