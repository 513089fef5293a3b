"""Template helpers of the roadmap, for pages whose views belong to other parts of the app."""

from django import template
from django.urls import reverse

from cluster.credentials import ical_token
from cluster.permissions import person_access

register = template.Library()


@register.simple_tag(takes_context=True)
def ical_feed_url(context, cluster):
    """Return the address of the cluster's milestones feed for the signed-in person."""
    request = context["request"]
    path = reverse("milestones_ical", args=[cluster.pk])
    return request.build_absolute_uri(f"{path}?jeton={ical_token(request.user, cluster)}")


@register.filter
def may_create_cluster(user):
    return person_access(user).can_create_cluster
