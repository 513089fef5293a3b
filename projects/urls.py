"""Pages of the projects app, under /projets/ (public pages included)."""

from django.urls import path  # noqa: F401 - routes are added part by part

from projects.views import events

app_name = "projects"

urlpatterns = [
    # Projects ---------------------------------------------------------------------------
    # Community ---------------------------------------------------------------------------
    # Events ------------------------------------------------------------------------------
    path("clusters/<int:cluster_pk>/evenements/", events.event_list, name="event_list"),
    path("clusters/<int:cluster_pk>/evenements/nouveau/", events.event_create_view,
         name="event_create"),
    path("clusters/<int:cluster_pk>/evenements/<int:pk>/", events.event_manage,
         name="event_manage"),
    path("clusters/<int:cluster_pk>/evenements/<int:pk>/modifier/", events.event_update_view,
         name="event_update"),
    path("clusters/<int:cluster_pk>/evenements/<int:pk>/supprimer/", events.event_delete_view,
         name="event_delete"),
    path("evenements/<slug:slug>/", events.event_public, name="event_public"),
    path("inscriptions/<str:token>/annuler/", events.registration_cancel_view,
         name="registration_cancel"),
]
