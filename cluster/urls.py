"""The root URL configuration: the one file that looks at every app."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cluster import views
from cluster.api import views as api_views
from cluster.forms import LoginForm, PasswordResetForm
from territories import views as territory_views

api_patterns = [
    path("", api_views.api_root, name="root"),
    path("", include("cluster.api.urls")),
    path("", include("territories.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("compte/profil/", views.profile, name="profile"),
    path("compte/jetons/", views.api_token_create_view, name="api_token_create"),
    path(
        "compte/jetons/<str:digest>/revoquer/",
        views.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path(
        "compte/connexion/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("compte/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "compte/mot-de-passe/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "compte/mot-de-passe/change/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "compte/mot-de-passe/oublie/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
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
    path("clusters/", views.cluster_list, name="cluster_list"),
    path("clusters/<int:pk>/", views.cluster_dashboard, name="cluster_dashboard"),
    path("clusters/<int:pk>/defis/nouveau/", views.challenge_edit, name="challenge_create"),
    path("clusters/<int:pk>/defis/<int:challenge_pk>/", views.challenge_edit,
         name="challenge_update"),
    path("clusters/<int:pk>/defis/<int:challenge_pk>/objectifs/nouveau/",
         views.objective_edit, name="objective_create"),
    path("clusters/<int:pk>/objectifs/<int:objective_pk>/", views.objective_detail,
         name="objective_detail"),
    path("clusters/<int:pk>/objectifs/<int:objective_pk>/modifier/", views.objective_edit,
         name="objective_update"),
    path("clusters/<int:pk>/etapes/<int:step_pk>/", views.step_edit, name="step_edit"),
    path("clusters/<int:pk>/jalons/<int:milestone_pk>/atteint/", views.milestone_done,
         name="milestone_done"),
    path("territoires/", include("territories.urls")),
    path("recherche/", territory_views.search_view, name="search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
]

admin.site.site_header = _("Administration — clusters d'innovation responsable")
admin.site.site_title = _("Administration")

handler404 = "cluster.views.page_not_found"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
