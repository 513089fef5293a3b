from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Projects ---------------------------------------------------------------------------------
# Events -----------------------------------------------------------------------------------

urlpatterns = router.urls
