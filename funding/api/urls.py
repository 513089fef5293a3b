from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Catalogue and funding plans ---------------------------------------------------------------
# Calls, dossiers, reviews, decisions -------------------------------------------------------

urlpatterns = router.urls
