"""Pages of the projects app, under /projets/ (public pages included)."""

from django.urls import path  # noqa: F401 - routes are added part by part

app_name = "projects"

urlpatterns = [
    # Projects ---------------------------------------------------------------------------
    # Community ---------------------------------------------------------------------------
    # Events ------------------------------------------------------------------------------
]
