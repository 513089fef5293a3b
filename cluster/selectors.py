"""Queries used by more than one page or endpoint of the cluster app."""

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum

from cluster.models import Measurement, Milestone, Objective, RoadmapStep


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
        **commitments_summary(cluster, today),
    }


def next_actions(cluster, challenges, late, current):
    """What to do next, in the words of the method."""
    actions = []
    if len(challenges) < 3:
        actions.append(f"Définir au moins trois défis ({len(challenges)} pour l'instant).")
    for challenge in challenges:
        if not challenge.objectives.all():
            actions.append(f"Donner un objectif mesurable au défi « {challenge.title} ».")
        for objective in challenge.objectives.all():
            if objective.latest_value is None:
                actions.append(f"Enregistrer une première mesure pour « {objective.title} ».")
    if late:
        actions.append(f"Traiter {len(late)} jalon(s) en retard.")
    if current is not None and current.kind == RoadmapStep.Kind.MAP:
        actions.append("Importer les acteurs du territoire pour compléter la cartographie.")
    return actions[:6]


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
