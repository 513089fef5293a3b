from django.urls import path

from territories.api import views
from territories.api.routers import Router

router = Router()
router.register("territoires", views.TerritoryViewSet, basename="territory")
router.register("acteurs", views.ActorViewSet, basename="actor")
router.register("lieux", views.PlaceViewSet, basename="place")

urlpatterns = [
    path("territoires/<slug:slug>/carte/", views.territory_map, name="territory-map"),
    *router.urls,
]
