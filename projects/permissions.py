"""Who may see or change what in the projects app: one helper per object type.

Projects, the community and events belong to a cluster, so the cluster app's
roles decide: every member of the collective (and staff) works on projects and
the community; facilitators (and staff) also delete projects and run events.
The public reads published projects and published events, nothing else.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from rest_framework.settings import api_settings

from cluster.permissions import can_steer, role_in, visible_clusters
from cluster.ratelimit import ClientAddressThrottle
from projects.models import Event, Project
from territories.token_scope import token_limit


def visible_projects(user):
    """Return the projects the person may read: published ones, and those of their clusters."""
    if user.is_authenticated and user.is_active and user.is_staff and not token_limit(user):
        return Project.objects.all()
    return Project.objects.filter(
        Q(is_published=True) | Q(cluster__in=visible_clusters(user)))


def get_project_for_reading(user, slug):
    project = visible_projects(user).select_related(
        "cluster__collective", "cluster__territory", "challenge", "place").filter(
        slug=slug).first()
    if project is None:
        raise Http404("Projet introuvable.")
    return project


def can_work_on(user, cluster):
    """Members of the collective and staff add and edit projects, the community, decisions."""
    return role_in(user, cluster) is not None


def require_work_on(user, cluster):
    if not can_work_on(user, cluster):
        raise PermissionDenied("Seuls les membres du collectif modifient ses projets.")


def can_delete_project(user, project):
    return can_steer(user, project.cluster)


def can_manage_events(user, cluster):
    """Facilitators of the collective and staff organise the cluster's events."""
    return can_steer(user, cluster)


def require_event_management(user, cluster):
    if not can_manage_events(user, cluster):
        raise PermissionDenied("Seuls les animateur·rices du collectif organisent ses "
                               "évènements.")


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
