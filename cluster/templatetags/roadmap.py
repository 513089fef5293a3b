"""Template helpers of the roadmap, for pages whose views belong to other parts of the app."""

from django import template
from django.urls import reverse

from cluster.credentials import ical_token
from cluster.permissions import person_access
from territories.links import absolute_url

register = template.Library()


@register.simple_tag(takes_context=True)
def ical_feed_url(context, cluster):
    """Return the address of the cluster's milestones feed for the signed-in person."""
    user = context["request"].user
    path = reverse("milestones_ical", args=[cluster.pk])
    return absolute_url(f"{path}?jeton={ical_token(user, cluster)}")


@register.filter
def may_create_cluster(user):
    return person_access(user).can_create_cluster
