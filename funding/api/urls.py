from rest_framework.routers import SimpleRouter

from funding.api import views

router = SimpleRouter()
# Catalogue and funding plans ---------------------------------------------------------------
# Calls, dossiers, reviews, decisions -------------------------------------------------------
router.register("appels", views.CallViewSet, basename="call")
router.register("dossiers", views.DossierViewSet, basename="dossier")

urlpatterns = router.urls
