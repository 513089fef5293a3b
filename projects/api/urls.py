from projects.api import views
from territories.api.routers import Router

router = Router()
# Projects ---------------------------------------------------------------------------------
router.register("projets", views.ProjectViewSet, basename="project")
# Events -----------------------------------------------------------------------------------
router.register("evenements", views.EventViewSet, basename="event")

urlpatterns = router.urls
