"""Pages of the funding app, under /financements/."""

from django.urls import path

from funding.views import dossiers

app_name = "funding"

urlpatterns = [
    # Catalogue and funding plans ---------------------------------------------------------
    # Calls and dossiers ------------------------------------------------------------------
    path("appels/", dossiers.call_list, name="call_list"),
    path("appels/<slug:slug>/", dossiers.call_detail, name="call_detail"),
    path("clusters/<int:cluster_pk>/dossiers/", dossiers.cluster_dossier_list,
         name="dossier_list"),
    path("clusters/<int:cluster_pk>/dossiers/nouveau/", dossiers.dossier_create,
         name="dossier_create"),
    path("dossiers/<int:pk>/", dossiers.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/modifier/", dossiers.dossier_edit, name="dossier_edit"),
    path("dossiers/<int:pk>/deposer/", dossiers.dossier_submit_view, name="dossier_submit"),
    path("dossiers/<int:pk>/pdf/", dossiers.dossier_pdf, name="dossier_pdf"),
    path("dossiers/<int:pk>/pdf/etat/", dossiers.dossier_pdf_status, name="dossier_pdf_status"),
    path("dossiers/<int:pk>/instruction/", dossiers.dossier_start_review_view,
         name="dossier_start_review"),
    path("dossiers/<int:pk>/complement/", dossiers.dossier_request_more_info_view,
         name="dossier_request_more_info"),
]
