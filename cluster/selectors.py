"""Queries used by more than one page or endpoint of the cluster app."""

import hashlib

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cluster.models import (
    CollectiveActor,
    Invitation,
    Measurement,
    Membership,
    Milestone,
    Objective,
    RoadmapStep,
)
from territories.models import Actor


def memberships_of(user):
    """Return the person's memberships of collectives, each with its collective."""
    return user.memberships.select_related("collective").order_by("collective__name")


def funder_memberships_of(user):
    """Return the funders the person reviews for.

    funding sits above cluster, so it is reached through the reverse relation.
    """
    return user.funder_memberships.select_related("funder").order_by("funder__name")


def objectives_with_latest(queryset=None):
    """Annotate objectives with their latest measured value and its date, in the same query."""
    latest = Measurement.objects.filter(objective=OuterRef("pk")).order_by("-measured_on", "-pk")
    return (queryset if queryset is not None else Objective.objects.all()).annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_on=Subquery(latest.values("measured_on")[:1]),
    )


def with_counts(clusters, today):
    """Annotate clusters with their number of défis and of late milestones."""
    return clusters.annotate(
        challenge_count=Count("challenges", distinct=True),
        late_count=Count("steps__milestones", distinct=True,
                         filter=Q(steps__milestones__done_on__isnull=True,
                                  steps__milestones__due_date__lt=today)),
    )


def dashboard(cluster, today):
    """Return what the facilitator's dashboard shows, in a fixed number of queries."""
    steps = list(cluster.steps.prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("position", "due_date"))))
    challenges = list(cluster.challenges.select_related("theme").prefetch_related(
        Prefetch("objectives", queryset=objectives_with_latest().order_by("pk"))))
    for challenge in challenges:
        for objective in challenge.objectives.all():
            objective.progress_share = objective.progress(objective.latest_value)
    milestones = [milestone for step in steps for milestone in step.milestones.all()]
    late = [milestone for milestone in milestones if milestone.is_late(today)]
    upcoming = sorted((m for m in milestones if m.done_on is None and m.due_date >= today),
                      key=lambda milestone: milestone.due_date)[:5]
    current = next((step for step in steps if step.status == RoadmapStep.Status.DOING), None) \
        or next((step for step in steps if step.start_date <= today <= step.end_date), None)
    territory = cluster.territory
    return {
        "steps": steps,
        "finished_step_count": sum(
            1 for step in steps if step.counts_as_finished(
                today, sum(1 for milestone in step.milestones.all() if milestone.done_on is None))),
        "current_step": current,
        "late_milestones": late,
        "upcoming_milestones": upcoming,
        "challenges": challenges,
        "objective_count": sum(len(c.objectives.all()) for c in challenges),
        "measured_count": sum(1 for c in challenges for o in c.objectives.all()
                              if o.latest_value is not None),
        "actor_count": territory.actors.count(),
        "place_count": territory.places.count(),
        "next_actions": next_actions(cluster, challenges, late, current),
        **projects_by_stage(cluster),
        **commitments_summary(cluster, today),
    }


def projects_by_stage(cluster):
    """Count the cluster's projects at each stage, in one query.

    Projects sit above this app: they are reached through the reverse relation, and
    the stages through the related model, never by importing the projects app.
    """
    stages = cluster.projects.model.Stage
    counts = dict(cluster.projects.order_by().values_list("stage").annotate(n=Count("pk")))
    rows = [(stage.label, counts.get(stage.value, 0)) for stage in stages]
    return {"projects_by_stage": rows, "project_total": sum(n for _label, n in rows)}


def next_actions(cluster, challenges, late, current):
    """What to do next, in the words of the method."""
    actions = []
    if len(challenges) < 3:
        actions.append(_("Définir au moins trois défis (%(count)s pour l'instant).")
                       % {"count": len(challenges)})
    for challenge in challenges:
        if not challenge.objectives.all():
            actions.append(_("Donner un objectif mesurable au défi « %(title)s ».")
                           % {"title": challenge.title})
        for objective in challenge.objectives.all():
            if objective.latest_value is None:
                actions.append(_("Enregistrer une première mesure pour « %(title)s ».")
                               % {"title": objective.title})
    if late:
        actions.append(ngettext("Traiter le jalon en retard.",
                                "Traiter les %(count)s jalons en retard.", len(late))
                       % {"count": len(late)})
    if current is not None and current.kind == RoadmapStep.Kind.MAP:
        actions.append(_("Importer les acteurs du territoire pour compléter la cartographie."))
    return actions[:6]


# Collectives ------------------------------------------------------------------------------

def invitation_token_hash(token):
    """Return the hash stored for an invitation's secret: the secret itself is never stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token):
    """Return the invitation whose secret is `token`, or None: found by its hash only."""
    return Invitation.objects.select_related("collective", "invited_by").filter(
        token_hash=invitation_token_hash(token)).first()


def collective_people(collective):
    """Return the collective's memberships with their person, facilitators first."""
    # "facilitator" sorts before "member".
    return collective.memberships.select_related("user").order_by(
        "role", "user__last_name", "user__first_name", "user__email")


def actors_by_family(links):
    """Group member actors by family, in the order of the families: [(label, [links])]."""
    order = {value: index for index, value in enumerate(CollectiveActor.Family.values)}
    groups = {}
    for link in sorted(links, key=lambda link: (order.get(link.family, len(order)),
                                                 link.actor.name.lower())):
        groups.setdefault(link.family, (link.get_family_display(), []))[1].append(link)
    return list(groups.values())


def collective_actor_links(collective):
    return collective.actor_links.select_related("actor__territory")


def open_invitations(collective):
    """Return the invitations neither accepted nor cancelled, the expired ones included."""
    return collective.invitations.filter(accepted_at=None, revoked_at=None) \
        .select_related("invited_by").order_by("-created_at")


def actors_available_to(collective):
    """Return the actors of the collective's territories that are not yet member actors."""
    return Actor.objects.filter(territory__in=collective.clusters.values("territory")) \
        .exclude(collective_links__collective=collective) \
        .select_related("territory").order_by("territory__name", "name")


# A collective's people and actors nested in its API answer: the first ones only, the others
# on their own paginated endpoints (a collective of 50,000 actors would otherwise weigh MiBs).
NESTED_LIMIT = 20


def member_people(collective=None):
    """Return the memberships with their person, in the API's order (of one collective)."""
    members = Membership.objects.select_related("user").order_by(
        "role", "user__last_name", "user__first_name", "user__email", "pk")
    return members if collective is None else members.filter(collective=collective)


def member_actor_links(collective=None):
    """Return the member actors' links with their actor's name, in the API's order (of one
    collective)."""
    links = CollectiveActor.objects.select_related("actor").only(
        "id", "family", "collective_id", "actor_id", "actor__id", "actor__name").order_by(
        "family", "actor__name", "pk")
    return links if collective is None else links.filter(collective=collective)


def _count_of(model):
    rows = model.objects.filter(collective=OuterRef("pk")).order_by().values("collective")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0)


def with_people_and_actors(collectives, *, limit=NESTED_LIMIT):
    """Prefetch each collective's first `limit` people and member actors (`first_members`,
    `first_actor_links`), with how many there are, in three queries for any number."""
    return collectives.annotate(
        member_count=_count_of(Membership), actor_count=_count_of(CollectiveActor),
    ).prefetch_related(
        Prefetch("memberships", queryset=member_people()[:limit],
                 to_attr="first_members"),
        Prefetch("actor_links", queryset=member_actor_links()[:limit],
                 to_attr="first_actor_links"),
    )


# Engaged companies, comité de pilotage, cooperation territories ----------------------------

def commitments_summary(cluster, today):
    """Return the engaged companies' count and value, the last and next comités de pilotage
    with their number of decisions, and the territory's priority cooperation territories,
    in four queries."""
    engagements = cluster.engagements.aggregate(count=Count("pk"), total=Sum("value"))
    meetings = cluster.steering_meetings.annotate(decision_count=Count("decisions"))
    return {
        "engagement_count": engagements["count"],
        "engagement_total": engagements["total"] or 0,
        "last_meeting": meetings.filter(held_on__lte=today).order_by("-held_on", "-pk").first(),
        "next_meeting": meetings.filter(held_on__gt=today).order_by("held_on", "pk").first(),
        "cooperation_territories": list(
            cluster.territory.cooperation_territories.order_by("name").only(
                "pk", "name", "slug", "is_published")),
    }
