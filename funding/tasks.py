"""Background work of the funding app: each task takes primary keys, fetches, calls a service."""

from celery import shared_task

from funding.documents import dossier_render_pdf
from funding.models import Dossier

# Calls and dossiers ------------------------------------------------------------------------


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def generate_dossier_pdf_task(dossier_pk):
    """Render a submitted dossier's PDF; a dossier deleted since is skipped."""
    dossier = Dossier.objects.filter(pk=dossier_pk).first()
    if dossier is None or not dossier.snapshot:
        return None
    dossier_render_pdf(dossier=dossier)
    return dossier.pdf.name
