"""Who may see or change what in the projects app: one helper per object type.

Projects, the community and events belong to a cluster, so the cluster app's
roles decide: every member of the collective (and staff) works on projects and
the community; facilitators (and staff) also delete projects and run events.
The public reads published projects and published events, nothing else.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.settings import api_settings

from cluster.permissions import (
    CLUSTER_MESSAGES,
    STAFF,
    ClusterAccess,
    access_to_cluster,
    cluster_access,
    steered_clusters,
    visible_clusters,
    with_role,
)
from cluster.ratelimit import ClientAddressThrottle
from projects.models import Event, Project
from territories.token_scope import token_limit

PROJECTS_MESSAGES = {
    **CLUSTER_MESSAGES,
    "work_on": _("Seuls les membres du collectif modifient ses projets."),
    "delete": _("Seuls les animateur·rices du collectif suppriment un projet."),
    "manage_events": _("Seuls les animateur·rices du collectif organisent ses évènements."),
    "replicate": _("Essaimer un projet se fait vers un cluster que vous animez, sur un autre "
                   "territoire."),
}


@dataclass(frozen=True)
class ProjectsAccess(ClusterAccess):
    """A cluster seen from its projects, community and events."""

    messages = PROJECTS_MESSAGES

    # Members of the collective and staff add and edit projects, the community, decisions;
    # facilitators and staff delete projects, run events, and take projects up (essaimage).
    can_work_on = ClusterAccess.can_read
    can_delete = ClusterAccess.can_steer
    can_manage_events = ClusterAccess.can_steer
    can_replicate = ClusterAccess.can_steer


def projects_access(user, cluster_pk):
    """Return the access to the projects of the cluster `cluster_pk`, or 404."""
    return cluster_access(user, cluster_pk, cls=ProjectsAccess)


def access_to_projects(user, cluster):
    """Return the access to the projects of a cluster already loaded."""
    return access_to_cluster(user, cluster, cls=ProjectsAccess)


@dataclass(frozen=True)
class ProjectAccess(ProjectsAccess):
    """A project, the person's role in its cluster, and what they may do with it."""

    project: Project = None
    user: object = None

    can_read = True  # published, or of the person's clusters: else project_access is a 404

    @cached_property
    def can_replicate(self):
        """Whether the person steers a cluster on another territory to take it up in."""
        return steered_clusters(self.user).exclude(
            territory=self.cluster.territory_id).exists()


def project_access(user, slug):
    """Return the access to the project `slug`, in one query; 404 when the person may not read
    it (a draft of another collective)."""
    projects = Project.objects.select_related(
        "cluster__collective", "cluster__territory", "challenge", "place").filter(slug=slug)
    signed_in = user.is_authenticated and user.is_active
    if signed_in and not user.is_staff:
        projects = with_role(projects, user, "cluster__collective")
    project = projects.first()
    if project is None:
        raise Http404(_("Projet introuvable."))
    role = (STAFF if user.is_staff else project.person_role) if signed_in else None
    if role is None and not project.is_published:
        raise Http404(_("Projet introuvable."))
    return ProjectAccess(cluster=project.cluster, role=role, project=project, user=user)


def visible_projects(user):
    """Return the projects the person may read: published ones, and those of their clusters."""
    if user.is_authenticated and user.is_active and user.is_staff and not token_limit(user):
        return Project.objects.all()
    return Project.objects.filter(
        Q(is_published=True) | Q(cluster__in=visible_clusters(user)))


def visible_events(user):
    """Return the events the person may read: published ones, and those of their clusters."""
    if user.is_authenticated and user.is_active and user.is_staff and not token_limit(user):
        return Event.objects.all()
    return Event.objects.filter(Q(is_published=True) | Q(cluster__in=visible_clusters(user)))


class RegistrationThrottle(ClientAddressThrottle):
    """At most REGISTRATION_RATE public sign-ups per client address, for the page and the API
    alike: anyone may register to a published event, so nobody may fill one with fake names.
    The address is the one cluster.client_ip trusts, not whatever X-Forwarded-For says."""

    scope = "registrations"

    def get_rate(self):
        # Read at each request, not at import, so that the setting can change.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
