from django.urls import path

from territories.api import map_views, views
from territories.api.routers import Router

router = Router()
router.register("territoires", views.TerritoryViewSet, basename="territory")
router.register("acteurs", views.ActorViewSet, basename="actor")
router.register("lieux", views.PlaceViewSet, basename="place")

urlpatterns = [
    path("territoires/<slug:slug>/carte/", map_views.territory_map, name="territory-map"),
    path("carte/", map_views.national_map, name="national-map"),
    path("carte/perimetres/", map_views.national_map_perimeters, name="national-map-perimeters"),
    path("carte/liste/", map_views.national_map_list, name="national-map-list"),
    *router.urls,
]
