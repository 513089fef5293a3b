from django.urls import path

from territories import views

app_name = "territories"

ITEM_PATHS = {"actor": "acteurs", "place": "lieux", "resource": "ressources",
              "policy": "politiques"}

urlpatterns = [
    path("", views.territory_list, name="list"),
    path("communes/", views.commune_suggestions, name="commune_suggestions"),
    path("nouveau/", views.territory_edit, name="create"),
    path("perimetre/", views.perimeter_suggestions, name="perimeter_suggestions"),
    path("<slug:slug>/", views.territory_detail, name="detail"),
    path("<slug:slug>/modifier/", views.territory_edit, name="update"),
    path("<slug:slug>/carte/", views.territory_map, name="map"),
    path("<slug:slug>/acteurs/importer/", views.actor_import_upload, name="actor_import"),
    path("<slug:slug>/acteurs/exporter/", views.actor_export, name="actor_export"),
    path("<slug:slug>/acteurs/importer/<int:pk>/", views.actor_import_detail,
         name="actor_import_detail"),
    path("<slug:slug>/acteurs/importer/<int:pk>/lancer/", views.actor_import_start,
         name="actor_import_start"),
]

for kind, segment in ITEM_PATHS.items():
    urlpatterns += [
        path(f"<slug:slug>/{segment}/", views.item_list, {"kind": kind},
             name=f"{kind}_list"),
        path(f"<slug:slug>/{segment}/nouveau/", views.item_edit, {"kind": kind},
             name=f"{kind}_create"),
        path(f"<slug:slug>/{segment}/<int:pk>/", views.item_detail, {"kind": kind},
             name=f"{kind}_detail"),
        path(f"<slug:slug>/{segment}/<int:pk>/modifier/", views.item_edit, {"kind": kind},
             name=f"{kind}_update"),
        path(f"<slug:slug>/{segment}/<int:pk>/supprimer/", views.item_delete, {"kind": kind},
             name=f"{kind}_delete"),
    ]
