from funding.api import call_views, instruction_views, views, webhook_views
from territories.api.routers import Router

router = Router()
# Catalogue and funding plans ---------------------------------------------------------------
router.register("sources", views.SourceViewSet, basename="source")
router.register("plans", views.PlanViewSet, basename="plan")
# Calls, dossiers, reviews, decisions -------------------------------------------------------
router.register("gestion/appels", call_views.ManagedCallViewSet, basename="managed-call")
router.register("appels", views.CallViewSet, basename="call")
router.register("dossiers", views.DossierViewSet, basename="dossier")
router.register("instruction/dossiers", instruction_views.InstructionDossierViewSet,
                basename="instruction-dossier")

router.register("webhooks", webhook_views.WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls
