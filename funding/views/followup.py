"""The annual follow-up of a labelled territory, started from its cluster's dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from funding.breadcrumbs import dossiers_trail
from funding.followup import follow_up_call, follow_up_start, follow_up_status
from funding.permissions import Right, funding_access
from territories.labels import label_of
from territories.pages import confirm_page


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_start_view(request, cluster_pk):
    """Confirm, then start the year's follow-up dossier; one already started is shown."""
    access = funding_access(request.user, cluster_pk)
    access.require(Right.START_DOSSIER)
    cluster = access.cluster
    status = follow_up_status(cluster)
    if request.method == "GET" and status and status["dossier"] is not None:
        messages.info(request, _("Le suivi annuel de cette année est déjà commencé : le voici."))
        return redirect(status["dossier"])
    return confirm_page(
        request,
        action=lambda: follow_up_start(cluster=cluster, by=request.user),
        success=_("Le suivi annuel est commencé, prérempli depuis le cluster. Rédigez le bilan "
                  "de l'année, puis déposez-le."),
        next=lambda dossier: reverse("funding:dossier_edit", args=[dossier.pk]),
        template="funding/follow_up_start.html", context={
            "breadcrumbs": dossiers_trail(cluster, _("Suivi annuel du label")),
            "cluster": cluster, "call": follow_up_call(), "status": status,
            "label": label_of(cluster.territory),
        })
