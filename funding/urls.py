"""Pages of the funding app, under /financements/."""

from django.urls import path  # noqa: F401 - routes are added part by part

app_name = "funding"

urlpatterns = [
    # Catalogue and funding plans ---------------------------------------------------------
    # Calls and dossiers ------------------------------------------------------------------
]
