"""Documents of the funding app rendered to PDF with WeasyPrint."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from cluster.errors import DomainError
from funding.models import Call, Decision, Dossier
from funding.snapshot import snapshot_display

# Calls and dossiers ------------------------------------------------------------------------


def _no_fetching(url, *args, **kwargs):
    """Refuse every outside resource: the document is made of its snapshot only."""
    raise ValueError(f"Ressource externe refusée : {url}")


def dossier_pdf_bytes(snapshot):
    """Render frozen dossier contents to PDF, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("funding/dossier_pdf.html", {"s": snapshot_display(snapshot)})
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def dossier_render_pdf(*, dossier):
    """Render the dossier's snapshot to PDF and keep it in `dossier.pdf`.

    The PDF reads the snapshot only, never the cluster as it is now. If the dossier
    was submitted again while rendering, the newer rendering wins and this one is
    dropped.
    """
    if not dossier.snapshot:
        raise DomainError(_("Ce dossier n'a pas encore été déposé : rien à mettre en PDF."),
                          code="not_submitted")
    content = dossier_pdf_bytes(dossier.snapshot)
    storage = dossier.pdf.storage
    # A rendering of the same submission again (a retried task) replaces the file; a new
    # submission starts with no PDF, so the earlier submissions' files stay in storage.
    previous = dossier.pdf.name
    name = storage.save(f"dossiers/dossier-{dossier.pk}-v{dossier.version}.pdf",
                        ContentFile(content))
    kept = Dossier.objects.filter(pk=dossier.pk, version=dossier.version).update(pdf=name)
    if not kept:
        storage.delete(name)
        return dossier
    if previous and previous != name:
        storage.delete(previous)
    dossier.pdf.name = name
    return dossier


# Reviews, conflicts of interest, decisions -------------------------------------------------


def attestation_pdf_bytes(decision):
    """Render the acceptance's attestation: a label certificate, or a funding attestation."""
    dossier = decision.dossier
    snapshot = dossier.snapshot or {}
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("funding/attestation_pdf.html", {
            "decision": decision, "dossier": dossier, "call": dossier.call,
            "funder": dossier.call.funder, "territory": dossier.cluster.territory,
            "collective": dossier.cluster.collective,
            "is_label": dossier.call.kind == Call.Kind.LABEL,
            "challenges": (snapshot.get("challenges") or [])[:6],
        })
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def decision_render_attestation(*, decision):
    """Render the accepted dossier's attestation and keep it in `decision.attestation`."""
    content = attestation_pdf_bytes(decision)
    storage = decision.attestation.storage
    previous = decision.attestation.name
    name = storage.save(f"attestations/attestation-{decision.dossier_id}.pdf",
                        ContentFile(content))
    Decision.objects.filter(pk=decision.pk).update(attestation=name)
    if previous and previous != name:
        storage.delete(previous)
    decision.attestation.name = name
    return decision
