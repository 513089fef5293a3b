from django.urls import path

from cluster.api import (
    cluster_views,
    join_views,
    masterplan_views,
    network_dashboard_views,
    network_more_views,
    network_views,
    stewardship_views,
    views,
)
from territories.api.routers import Router

router = Router()
router.register("collectifs", cluster_views.CollectiveViewSet, basename="collective")
router.register("clusters", cluster_views.ClusterViewSet, basename="cluster")
router.register("demandes-de-cluster", stewardship_views.ClusterRequestViewSet,
                basename="cluster-request")
router.register("demandes-d-adhesion", join_views.JoinRequestViewSet,
                basename="join-request")
router.register("etapes", cluster_views.RoadmapStepViewSet, basename="step")
router.register("jalons", cluster_views.MilestoneViewSet, basename="milestone")
router.register("livrables", cluster_views.DeliverableViewSet, basename="deliverable")
router.register("defis", cluster_views.ChallengeViewSet, basename="challenge")
router.register("objectifs", cluster_views.ObjectiveViewSet, basename="objective")
router.register("mesures", cluster_views.MeasurementViewSet, basename="measurement")
# Engaged companies, comité de pilotage ----
router.register("engagements", cluster_views.EngagementViewSet, basename="engagement")
router.register("comites", cluster_views.SteeringMeetingViewSet, basename="steering-meeting")
# The national network ----
router.register("reseau/indicateurs", network_dashboard_views.SharedIndicatorViewSet,
                basename="shared-indicator")
# Schéma directeur ----
router.register("schemas-directeurs", masterplan_views.MasterPlanVersionViewSet,
                basename="master-plan-version")

# The network between territories ----
router.register("transferts", network_views.TransferViewSet, basename="transfer")
router.register("savoir-faire", network_more_views.KnowHowViewSet, basename="know-how")
router.register("freins", network_more_views.BlockerViewSet, basename="blocker")
router.register("freins-leves", network_more_views.LiftedBlockerViewSet,
                basename="lifted-blocker")
router.register("masterclasses", network_more_views.MasterclassViewSet,
                basename="masterclass")

urlpatterns = [
    path("me/", views.me, name="me"),
    path("reseau/", network_dashboard_views.NetworkSummaryView.as_view(), name="network"),
    path("reseau/territoires/", network_dashboard_views.NetworkTerritoryList.as_view(),
         name="network-territories"),
    path("reseau/comparer/", network_dashboard_views.ComparisonView.as_view(),
         name="network-compare"),
    path("reseau/indicateurs/<slug:slug>/contributions/",
         network_dashboard_views.ContributionList.as_view(), name="network-contributions"),
    *router.urls,
]
