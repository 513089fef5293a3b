from rest_framework.routers import SimpleRouter

from projects.api import views

router = SimpleRouter()
# Projects ---------------------------------------------------------------------------------
router.register("projets", views.ProjectViewSet, basename="project")
# Events -----------------------------------------------------------------------------------

urlpatterns = router.urls
