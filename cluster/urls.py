"""The root URL configuration: the one file that looks at every app."""

from allauth.account import views as allauth_views
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cluster.api import views as api_views
from cluster.forms import LoginForm
from cluster.views import (
    accounts,
    clusters,
    collectives,
    commitments,
    guide,
    masterplan,
    national,
    network_dashboard,
    network_more,
    network_staff,
    onboarding,
    roadmap,
    stewardship,
)
from territories import opendata_views
from territories import views as territory_views

api_patterns = [
    path("", api_views.api_root, name="root"),
    path("", include("cluster.api.urls")),
    path("", include("territories.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("funding.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's script is served as a file (the split view); its widgets still set
    # inline styles, which only this page allows.
    path("docs/", csp_update({"style-src": [UNSAFE_INLINE]})(
        SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
]

urlpatterns = [
    path("", accounts.home, name="home"),
    path("carte/", territory_views.national_map, name="national_map"),
    path("compte/profil/", accounts.profile, name="profile"),
    path("aide/api/", guide.api_guide, name="api_guide"),
    path("compte/jetons/", accounts.api_token_create_view, name="api_token_create"),
    path(
        "compte/jetons/<str:digest>/revoquer/",
        accounts.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("compte/agenda/renouveler/", accounts.calendar_link_renew_view,
         name="calendar_link_renew"),
    path(
        "compte/connexion/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("compte/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    # Sign-up, e-mail confirmation and e-mail change: django-allauth's views. Its other
    # names point to the platform's own pages (sign-in, sign-out, passwords).
    path("compte/inscription/", allauth_views.signup, name="account_signup"),
    path("compte/inscription/confirmez/", allauth_views.email_verification_sent,
         name="account_email_verification_sent"),
    re_path(r"^compte/confirmer/(?P<key>[-:\w]+)/$", onboarding.confirm_email,
            name="account_confirm_email"),
    path("compte/adresse/", onboarding.email_change, name="account_email"),
    path("compte/inactif/", allauth_views.account_inactive, name="account_inactive"),
    path("compte/connexion/", auth_views.LoginView.as_view(authentication_form=LoginForm),
         name="account_login"),
    path("compte/deconnexion/", auth_views.LogoutView.as_view(), name="account_logout"),
    path("compte/supprimer/", onboarding.account_delete_view, name="account_delete"),
    path("compte/bienvenue/", onboarding.onboarding, name="onboarding"),
    path("compte/bienvenue/lancer/", onboarding.onboarding_start, name="onboarding_start"),
    path("compte/bienvenue/rejoindre/", onboarding.collective_search,
         name="collective_search"),
    path(
        "compte/mot-de-passe/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("compte/mot-de-passe/", auth_views.PasswordChangeView.as_view(),
         name="account_change_password"),
    path(
        "compte/mot-de-passe/change/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "compte/mot-de-passe/oublie/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("compte/mot-de-passe/oublie/", accounts.PasswordResetView.as_view(),
         name="account_reset_password"),
    path(
        "compte/mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "compte/mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "compte/mot-de-passe/enregistre/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("clusters/", clusters.cluster_list, name="cluster_list"),
    # Roadmap ----
    path("clusters/nouveau/", roadmap.cluster_create_view, name="cluster_create"),
    # Stewardship of territories ----
    path("clusters/demandes/", stewardship.cluster_request_list, name="cluster_request_list"),
    path("clusters/demandes/<int:pk>/", stewardship.cluster_request_detail,
         name="cluster_request_detail"),
    path("clusters/demandes/<int:pk>/decider/", stewardship.cluster_request_decide,
         name="cluster_request_decide"),
    # The territory's steward is cluster's: territories links here by URL name only.
    path("territoires/<slug:slug>/collectif-animateur/", stewardship.territory_steward,
         name="territory_steward"),
    # ---- Stewardship
    path("clusters/<int:pk>/etapes/<int:step_pk>/", roadmap.step_detail, name="step_detail"),
    path("clusters/<int:pk>/etapes/<int:step_pk>/modifier/", roadmap.step_edit,
         name="step_edit"),
    path("clusters/<int:pk>/etapes/<int:step_pk>/jalons/nouveau/", roadmap.milestone_create,
         name="milestone_create"),
    path("clusters/<int:pk>/jalons/<int:milestone_pk>/modifier/", roadmap.milestone_edit,
         name="milestone_edit"),
    path("clusters/<int:pk>/jalons/<int:milestone_pk>/deplacer/", roadmap.milestone_move_view,
         name="milestone_move"),
    path("clusters/<int:pk>/jalons/<int:milestone_pk>/supprimer/",
         roadmap.milestone_delete_view, name="milestone_delete"),
    path("clusters/<int:pk>/jalons/<int:milestone_pk>/atteint/", roadmap.milestone_done,
         name="milestone_done"),
    path("clusters/<int:pk>/jalons/<int:milestone_pk>/rouvrir/", roadmap.milestone_reopen_view,
         name="milestone_reopen"),
    path("clusters/<int:pk>/jalons.ics", roadmap.milestones_ical, name="milestones_ical"),
    path("clusters/<int:pk>/etapes/<int:step_pk>/livrables/nouveau/",
         roadmap.deliverable_upload, name="deliverable_upload"),
    path("clusters/<int:pk>/livrables/<int:deliverable_pk>/telecharger/",
         roadmap.deliverable_download, name="deliverable_download"),
    path("clusters/<int:pk>/livrables/<int:deliverable_pk>/supprimer/",
         roadmap.deliverable_delete_view, name="deliverable_delete"),
    # ---- Roadmap
    path("clusters/<int:pk>/", clusters.cluster_dashboard, name="cluster_dashboard"),
    path("clusters/<int:pk>/defis/", clusters.challenge_list, name="challenge_list"),
    path("clusters/<int:pk>/defis/nouveau/", clusters.challenge_edit, name="challenge_create"),
    path("clusters/<int:pk>/defis/<int:challenge_pk>/", clusters.challenge_edit,
         name="challenge_update"),
    path("clusters/<int:pk>/defis/<int:challenge_pk>/objectifs/nouveau/",
         clusters.objective_edit, name="objective_create"),
    path("clusters/<int:pk>/objectifs/<int:objective_pk>/", clusters.objective_detail,
         name="objective_detail"),
    path("clusters/<int:pk>/objectifs/<int:objective_pk>/modifier/", clusters.objective_edit,
         name="objective_update"),
    # Collectives ----
    # The national dashboard of the network ---------------------------------------------
    path("reseau/", network_dashboard.network_page, name="network"),
    path("reseau/comparer/", network_dashboard.network_compare, name="network_compare"),
    path("reseau/indicateurs/<slug:slug>/", network_dashboard.network_indicator,
         name="network_indicator"),
    # The national back office ---------------------------------------------------------
    path("gestion/territoires/", national.territory_list, name="national_territory_list"),
    path("gestion/territoires/<slug:slug>/publication/", national.territory_publication,
         name="national_territory_publication"),
    path("gestion/collectifs/", national.collective_list, name="national_collective_list"),
    path("gestion/freins/", network_more.national_blocker_list, name="national_blocker_list"),
    path("gestion/freins/<int:pk>/", network_more.national_blocker_track,
         name="national_blocker_track"),
    path("gestion/masterclasses/", network_staff.national_masterclass_list,
         name="national_masterclass_list"),
    path("gestion/masterclasses/nouvelle/", network_staff.national_masterclass_edit,
         name="national_masterclass_create"),
    path("gestion/masterclasses/<int:pk>/", network_staff.national_masterclass_detail,
         name="national_masterclass_detail"),
    path("gestion/masterclasses/<int:pk>/modifier/", network_staff.national_masterclass_edit,
         name="national_masterclass_update"),
    path("gestion/masterclasses/<int:pk>/annuler/", network_staff.national_masterclass_cancel,
         name="national_masterclass_cancel"),
    path("gestion/reseaux-entreprises/", network_staff.national_company_network_list,
         name="national_company_network_list"),
    path("gestion/reseaux-entreprises/nouveau/", network_staff.national_company_network_edit,
         name="national_company_network_create"),
    path("gestion/reseaux-entreprises/<int:pk>/modifier/",
         network_staff.national_company_network_edit, name="national_company_network_update"),
    path("gestion/reseaux-entreprises/<int:pk>/supprimer/",
         network_staff.national_company_network_delete,
         name="national_company_network_delete"),
    path("collectifs/<slug:slug>/", collectives.collective_detail, name="collective_detail"),
    path("collectifs/<slug:slug>/rejoindre/", onboarding.join_request_create,
         name="join_request_create"),
    path("collectifs/<slug:slug>/demandes/", onboarding.join_request_list,
         name="join_request_list"),
    path("collectifs/<slug:slug>/quitter/", collectives.collective_leave,
         name="collective_leave"),
    path("collectifs/<slug:slug>/invitations/nouvelle/", collectives.invitation_create_view,
         name="invitation_create"),
    path("collectifs/<slug:slug>/invitations/<int:pk>/renvoyer/",
         collectives.invitation_resend_view, name="invitation_resend"),
    path("collectifs/<slug:slug>/invitations/<int:pk>/annuler/",
         collectives.invitation_revoke_view, name="invitation_revoke"),
    path("collectifs/<slug:slug>/membres/<int:pk>/retirer/",
         collectives.membership_remove_view, name="membership_remove"),
    path("collectifs/<slug:slug>/membres/<int:pk>/role/", collectives.membership_role_view,
         name="membership_role"),
    path("collectifs/<slug:slug>/acteurs/ajouter/", collectives.collective_actor_add_view,
         name="collective_actor_add"),
    path("collectifs/<slug:slug>/acteurs/<int:pk>/retirer/",
         collectives.collective_actor_remove_view, name="collective_actor_remove"),
    path("invitations/<str:token>/", collectives.invitation_accept_view,
         name="invitation_accept"),
    # Engaged companies, comité de pilotage, measurements in bulk ----------------------------
    path("clusters/<int:pk>/entreprises/", commitments.engagement_list, name="engagement_list"),
    path("clusters/<int:pk>/entreprises/nouvelle/", commitments.engagement_edit,
         name="engagement_create"),
    path("clusters/<int:pk>/entreprises/<int:engagement_pk>/", commitments.engagement_edit,
         name="engagement_update"),
    path("clusters/<int:pk>/entreprises/<int:engagement_pk>/supprimer/",
         commitments.engagement_delete_view, name="engagement_delete"),
    path("clusters/<int:pk>/comites/", commitments.steering_list, name="steering_list"),
    path("clusters/<int:pk>/comites/nouveau/", commitments.steering_edit,
         name="steering_create"),
    path("clusters/<int:pk>/comites/<int:meeting_pk>/", commitments.steering_detail,
         name="steering_detail"),
    path("clusters/<int:pk>/comites/<int:meeting_pk>/modifier/", commitments.steering_edit,
         name="steering_update"),
    path("clusters/<int:pk>/comites/<int:meeting_pk>/supprimer/", commitments.steering_delete,
         name="steering_delete"),
    path("clusters/<int:pk>/objectifs/<int:objective_pk>/mesures/import/",
         commitments.measurement_import, name="measurement_import"),
    path("clusters/<int:pk>/objectifs/<int:objective_pk>/mesures/import/confirmer/",
         commitments.measurement_import_confirm, name="measurement_import_confirm"),
    # ----------------------------------------------------------------------------------------
    # Schéma directeur ----
    path("clusters/<int:pk>/schema-directeur/", masterplan.master_plan_page, name="master_plan"),
    path("clusters/<int:pk>/schema-directeur/sections/<str:key>/",
         masterplan.master_plan_section_edit, name="master_plan_section_edit"),
    path("clusters/<int:pk>/schema-directeur/sections/<str:key>/valider/",
         masterplan.master_plan_section_validate_view, name="master_plan_section_validate"),
    path("clusters/<int:pk>/schema-directeur/sections/<str:key>/retirer-la-validation/",
         masterplan.master_plan_section_unvalidate_view, name="master_plan_section_unvalidate"),
    path("clusters/<int:pk>/schema-directeur/apercu/", masterplan.master_plan_preview,
         name="master_plan_preview"),
    path("clusters/<int:pk>/schema-directeur/generer/", masterplan.master_plan_generate_view,
         name="master_plan_generate"),
    path("clusters/<int:pk>/schema-directeur/versions/", masterplan.master_plan_versions,
         name="master_plan_versions"),
    path("clusters/<int:pk>/schema-directeur/versions/<int:number>/",
         masterplan.master_plan_version_detail, name="master_plan_version"),
    path("clusters/<int:pk>/schema-directeur/versions/<int:number>/pdf/",
         masterplan.master_plan_version_pdf, name="master_plan_version_pdf"),
    path("clusters/<int:pk>/schema-directeur/versions/<int:number>/relancer/",
         masterplan.master_plan_version_requeue, name="master_plan_version_requeue"),
    path("clusters/<int:pk>/schema-directeur/versions/<int:number>/publier/",
         masterplan.master_plan_version_publish, name="master_plan_version_publish"),
    path("clusters/<int:pk>/schema-directeur/versions/<int:number>/retirer/",
         masterplan.master_plan_version_unpublish, name="master_plan_version_unpublish"),
    path("clusters/<int:pk>/schema-directeur/comparer/", masterplan.master_plan_compare,
         name="master_plan_compare"),
    # The territory's public page lives here: territories never imports cluster.
    path("territoires/<slug:slug>/schema-directeur/", masterplan.territory_master_plan,
         name="territory_master_plan"),
    path("territoires/<slug:slug>/schema-directeur/pdf/", masterplan.territory_master_plan_pdf,
         name="territory_master_plan_pdf"),
    # ---- Schéma directeur
    path("reseau/", include("cluster.urls_network")),
    path("territoires/", include("territories.urls")),
    path("projets/", include("projects.urls")),
    path("financements/", include("funding.urls")),
    path("recherche/", territory_views.search_view, name="search"),
    # Open data ----
    path("donnees/", opendata_views.opendata_page, name="opendata"),
    path("donnees/publier/", opendata_views.opendata_publish, name="opendata_publish"),
    path("donnees/catalogue.jsonld", opendata_views.opendata_catalogue,
         name="opendata_catalogue"),
    path("donnees/schemas/<slug:slug>.json", opendata_views.opendata_schema,
         name="opendata_schema"),
    path("donnees/fichiers/<str:filename>", opendata_views.opendata_file, name="opendata_file"),
    # ---- Open data
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
]

admin.site.site_header = _("Administration — clusters d'innovation responsable")
admin.site.site_title = _("Administration")

handler404 = "cluster.views.accounts.page_not_found"
handler500 = "cluster.views.accounts.server_error"

# Media files are never served by URL, even with DEBUG: deliverables, dossiers and
# generated documents go out only through their permission-checked download views.
