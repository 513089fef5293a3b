"""Models of the cluster app, one module per part of the domain.

Every model is imported here, so that `from cluster.models import Cluster` keeps working
and Django finds them all; their app and table names are the cluster app's, wherever
their class is written. Calendar links, join requests, API token scopes, the stewardship
of territories and the network (transfers, blockers) live in modules of their own next to
this package.
"""

from cluster.credentials_models import CalendarLink
from cluster.join_models import JoinRequest
from cluster.models.accounts import User, UserManager
from cluster.models.challenges import Challenge, Engagement, Measurement, Objective
from cluster.models.collectives import (
    Collective,
    CollectiveActor,
    Invitation,
    InvitationBase,
    Membership,
)
from cluster.models.indicators import SharedIndicator
from cluster.models.masterplan import (
    MasterPlan,
    MasterPlanSection,
    MasterPlanVersion,
    master_plan_pdf_path,
)
from cluster.models.roadmap import Cluster, Deliverable, Milestone, RoadmapStep, deliverable_path
from cluster.models.steering import SteeringDecision, SteeringMeeting
from cluster.network_models import Blocker, CompanyNetwork, KnowHow, Masterclass, Transfer
from cluster.stewardship_models import ClusterRequest, Stewardship
from cluster.token_models import ApiTokenScope

__all__ = [
    "ApiTokenScope",
    "Blocker",
    "CalendarLink",
    "Challenge",
    "Cluster",
    "ClusterRequest",
    "Collective",
    "CollectiveActor",
    "CompanyNetwork",
    "Deliverable",
    "Engagement",
    "Invitation",
    "InvitationBase",
    "JoinRequest",
    "KnowHow",
    "MasterPlan",
    "Masterclass",
    "MasterPlanSection",
    "MasterPlanVersion",
    "Measurement",
    "Membership",
    "Milestone",
    "Objective",
    "RoadmapStep",
    "SharedIndicator",
    "SteeringDecision",
    "SteeringMeeting",
    "Stewardship",
    "Transfer",
    "User",
    "UserManager",
    # Named by the migrations of the file fields.
    "deliverable_path",
    "master_plan_pdf_path",
]
