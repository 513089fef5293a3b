from rest_framework.routers import SimpleRouter

from projects.api import views

router = SimpleRouter()
# Projects ---------------------------------------------------------------------------------
# Events -----------------------------------------------------------------------------------
router.register("evenements", views.EventViewSet, basename="event")

urlpatterns = router.urls
