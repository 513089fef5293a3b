from rest_framework.routers import SimpleRouter

from projects.api import views

router = SimpleRouter()
# Projects ---------------------------------------------------------------------------------
router.register("projets", views.ProjectViewSet, basename="project")
# Events -----------------------------------------------------------------------------------
router.register("evenements", views.EventViewSet, basename="event")

urlpatterns = router.urls
