"""Pages of the projects app, under /projets/ (public pages included)."""

from django.urls import path

from projects.views import projects

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
    # Events ------------------------------------------------------------------------------
]
