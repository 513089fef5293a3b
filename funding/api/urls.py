from funding.api import call_views, instruction_views, people_views, views, webhook_views
from territories.api.routers import SLUG_PATTERN, Router

router = Router()
# Catalogue and funding plans ---------------------------------------------------------------
router.register("sources", views.SourceViewSet, basename="source")
router.register("plans", views.PlanViewSet, basename="plan")
# Calls, dossiers, reviews, decisions -------------------------------------------------------
router.register("gestion/appels", call_views.ManagedCallViewSet, basename="managed-call")
# A funder's people: its admin members and staff ------------------------------------------
FUNDER = f"gestion/financeurs/(?P<funder_slug>{SLUG_PATTERN})"
router.register(f"{FUNDER}/membres", people_views.FunderMemberViewSet, basename="funder-member")
router.register(f"{FUNDER}/invitations", people_views.FunderInvitationViewSet,
                basename="funder-invitation")
router.register("appels", views.CallViewSet, basename="call")
router.register("dossiers", views.DossierViewSet, basename="dossier")
router.register("instruction/dossiers", instruction_views.InstructionDossierViewSet,
                basename="instruction-dossier")

router.register("webhooks", webhook_views.WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls
