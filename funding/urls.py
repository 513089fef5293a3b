"""Pages of the funding app, under /financements/."""

from django.urls import path

from funding.views import dossiers, funders, plans, reviews, webhooks

app_name = "funding"

urlpatterns = [
    # Catalogue and funding plans ---------------------------------------------------------
    path("catalogue/", plans.source_list, name="source_list"),
    path("catalogue/<slug:slug>/", plans.source_detail, name="source_detail"),
    path("clusters/<int:cluster_pk>/plans/", plans.plan_list, name="plan_list"),
    path("clusters/<int:cluster_pk>/plans/nouveau/", plans.plan_edit, name="plan_create"),
    path("clusters/<int:cluster_pk>/plans/<int:plan_pk>/", plans.plan_detail_view,
         name="plan_detail"),
    path("clusters/<int:cluster_pk>/plans/<int:plan_pk>/modifier/", plans.plan_edit,
         name="plan_update"),
    path("clusters/<int:cluster_pk>/plans/<int:plan_pk>/supprimer/", plans.plan_delete_view,
         name="plan_delete"),
    path("clusters/<int:cluster_pk>/plans/<int:plan_pk>/depenses/nouvelle/", plans.line_edit,
         name="line_create"),
    path("clusters/<int:cluster_pk>/plans/<int:plan_pk>/depenses/<int:line_pk>/",
         plans.line_edit, name="line_update"),
    path("clusters/<int:cluster_pk>/plans/<int:plan_pk>/depenses/<int:line_pk>/supprimer/",
         plans.line_delete, name="line_delete"),
    path("clusters/<int:cluster_pk>/plans/<int:plan_pk>/contributions/nouvelle/",
         plans.contribution_edit, name="contribution_create"),
    path("clusters/<int:cluster_pk>/plans/<int:plan_pk>/contributions/<int:contribution_pk>/",
         plans.contribution_edit, name="contribution_update"),
    path("clusters/<int:cluster_pk>/plans/<int:plan_pk>/contributions/<int:contribution_pk>/"
         "supprimer/", plans.contribution_delete_view, name="contribution_delete"),
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
    # Reviews, conflicts of interest, decisions -------------------------------------------
    path("instruction/", reviews.review_list, name="review_list"),
    path("dossiers/<int:pk>/declaration/", reviews.dossier_declare, name="dossier_declare"),
    path("dossiers/<int:pk>/avis/", reviews.dossier_review, name="dossier_review"),
    path("dossiers/<int:pk>/decision/", reviews.dossier_decide, name="dossier_decide"),
    path("dossiers/<int:pk>/attestation/", reviews.dossier_attestation,
         name="dossier_attestation"),
    # Funders and their people: the national team, a funder's admin members ---------------
    path("financeurs/", funders.funder_list, name="funder_list"),
    path("financeurs/<slug:slug>/personnes/", funders.funder_people, name="funder_people"),
    path("financeurs/<slug:slug>/personnes/inviter/", funders.funder_invite,
         name="funder_invite"),
    path("financeurs/<slug:slug>/personnes/<int:pk>/role/", funders.funder_member_role_view,
         name="funder_member_role"),
    path("financeurs/<slug:slug>/personnes/<int:pk>/retirer/",
         funders.funder_member_remove_view, name="funder_member_remove"),
    path("invitations-financeur/<str:token>/", funders.funder_invitation_accept_view,
         name="funder_invitation_accept"),
    # A funder's page: its webhooks and their log -----------------------------------------
    path("financeurs/<slug:slug>/", webhooks.funder_detail, name="funder_detail"),
    path("financeurs/<slug:slug>/webhooks/nouveau/", webhooks.webhook_create,
         name="webhook_create"),
    path("financeurs/<slug:slug>/webhooks/<int:pk>/", webhooks.webhook_edit,
         name="webhook_edit"),
    path("financeurs/<slug:slug>/webhooks/<int:pk>/secret/", webhooks.webhook_secret,
         name="webhook_secret"),
    path("financeurs/<slug:slug>/webhooks/<int:pk>/supprimer/", webhooks.webhook_delete,
         name="webhook_delete"),
    path("financeurs/<slug:slug>/envois/<int:pk>/renvoyer/", webhooks.delivery_resend,
         name="webhook_delivery_resend"),
]
