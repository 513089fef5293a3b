"""Pages of the projects app, under /projets/ (public pages included)."""

from django.urls import path

from projects.views import community, events, projects

app_name = "projects"

urlpatterns = [
    # Projects ---------------------------------------------------------------------------
    path("clusters/<int:cluster_pk>/", projects.project_board_view, name="board"),
    path("clusters/<int:cluster_pk>/liste/", projects.project_list_view, name="list"),
    path("clusters/<int:cluster_pk>/nouveau/", projects.project_create_view, name="create"),
    path("<slug:slug>/", projects.project_detail_view, name="detail"),
    path("<slug:slug>/modifier/", projects.project_update_view, name="update"),
    path("<slug:slug>/etape/", projects.project_move_stage_view, name="move_stage"),
    path("<slug:slug>/decision/", projects.prototype_decision_view, name="decision"),
    path("<slug:slug>/essaimer/", projects.project_replicate_view, name="replicate"),
    path("<slug:slug>/supprimer/", projects.project_delete_view, name="delete"),
    # Community ---------------------------------------------------------------------------
    path("clusters/<int:cluster_pk>/communaute/", community.community_view, name="community"),
    path("clusters/<int:cluster_pk>/communaute/membres/", community.community_member_list_view,
         name="community_members"),
    path("clusters/<int:cluster_pk>/communaute/membres/nouveau/",
         community.community_member_edit_view, name="community_member_create"),
    path("clusters/<int:cluster_pk>/communaute/membres/<int:member_pk>/modifier/",
         community.community_member_edit_view, name="community_member_update"),
    path("clusters/<int:cluster_pk>/communaute/membres/<int:member_pk>/depart/",
         community.community_member_leave_view, name="community_member_leave"),
    path("clusters/<int:cluster_pk>/communaute/rencontres/",
         community.community_meeting_list_view, name="community_meetings"),
    path("clusters/<int:cluster_pk>/communaute/rencontres/nouvelle/",
         community.community_meeting_edit_view, name="community_meeting_create"),
    path("clusters/<int:cluster_pk>/communaute/rencontres/<int:meeting_pk>/modifier/",
         community.community_meeting_edit_view, name="community_meeting_update"),
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
