"""Queries used by more than one page or endpoint of the cluster app."""

import hashlib

from django.db.models import Case, Count, OuterRef, Prefetch, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cluster.models import (
    Challenge,
    CollectiveActor,
    Invitation,
    Measurement,
    Membership,
    Milestone,
    Objective,
    RoadmapStep,
)
from territories.choices import choice_labels, with_labels
from territories.models import Actor
from territories.paging import first_of, first_of_each


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


def challenges_for_cards(cluster):
    """Return the cluster's défis with their theme and objectives (each with its latest
    measure): what a défi's card shows, in three queries for any page of them."""
    return cluster.challenges.select_related("theme").prefetch_related(
        Prefetch("objectives", queryset=objectives_with_latest().order_by("pk")))


def challenge_cards(challenges):
    """Give a page of défis their kind's label and their objectives' progress."""
    challenges = with_labels(challenges, "kind", Challenge.Kind.choices)
    for challenge in challenges:
        for objective in challenge.objectives.all():
            objective.progress_share = objective.progress(objective.latest_value)
    return challenges


DASHBOARD_CHALLENGES = 6
DASHBOARD_STEP_MILESTONES = 3
DASHBOARD_MILESTONES = 5


def dashboard(cluster, today):
    """Return what the facilitator's dashboard shows, in a fixed number of queries and a
    bounded number of rows: each step's first milestones, the first late and upcoming ones
    and the first défis, with counts of all of them (their pages list the rest)."""
    open_milestones = Q(milestones__done_on__isnull=True)
    steps = list(cluster.steps.annotate(
        milestone_count=Count("milestones"),
        open_count=Count("milestones", filter=open_milestones),
        late_count=Count("milestones", filter=open_milestones & Q(milestones__due_date__lt=today)))
        .order_by("number"))
    previews = {}
    for milestone in first_of_each(
            Milestone.objects.filter(step__cluster=cluster), group="step",
            order_by=("position", "due_date", "pk"), count=DASHBOARD_STEP_MILESTONES):
        previews.setdefault(milestone.step_id, []).append(milestone)
    for step in steps:
        step.milestone_preview = previews.get(step.pk, [])
    milestones = Milestone.objects.filter(step__cluster=cluster, done_on__isnull=True)
    late = list(milestones.filter(due_date__lt=today).order_by("due_date", "pk")
                [:DASHBOARD_MILESTONES])
    late_count = sum(step.late_count for step in steps)
    upcoming = list(milestones.filter(due_date__gte=today).order_by("due_date", "pk")
                    [:DASHBOARD_MILESTONES])
    counts = cluster.challenges.aggregate(
        challenge_total=Count("pk", distinct=True),
        objective_total=Count("objectives", distinct=True),
        measured_total=Count("objectives", distinct=True,
                             filter=Q(objectives__measurements__isnull=False)))
    challenges = first_of(challenges_for_cards(cluster), DASHBOARD_CHALLENGES,
                          total=counts["challenge_total"])
    current = next((step for step in steps if step.status == RoadmapStep.Status.DOING), None) \
        or next((step for step in steps if step.start_date <= today <= step.end_date), None)
    territory = cluster.territory
    return {
        "steps": with_labels(with_labels(steps, "kind", RoadmapStep.Kind.choices),
                             "status", RoadmapStep.Status.choices),
        "finished_step_count": sum(
            1 for step in steps if step.counts_as_finished(today, step.open_count)),
        "current_step": current,
        "late_milestones": late, "late_count": late_count,
        "upcoming_milestones": upcoming,
        "challenges": challenge_cards(challenges),
        "challenge_page": challenges,
        "objective_count": counts["objective_total"],
        "measured_count": counts["measured_total"],
        "actor_count": territory.actors.count(),
        "place_count": territory.places.count(),
        "next_actions": next_actions(cluster, challenges.paginator.count, late_count, current),
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


NEXT_ACTIONS = 6


def next_actions(cluster, challenge_count, late_count, current):
    """What to do next, in the words of the method: at most NEXT_ACTIONS, in two queries
    however many défis and objectives the cluster has."""
    actions = []
    if challenge_count < 3:
        actions.append(_("Définir au moins trois défis (%(count)s pour l'instant).")
                       % {"count": challenge_count})
    # In the order of the défis: a défi without objective, then its unmeasured objectives.
    bare = [(challenge.position, challenge.pk, 0, challenge.title) for challenge in
            cluster.challenges.filter(objectives__isnull=True).order_by("position", "pk")
            [:NEXT_ACTIONS]]
    unmeasured = [
        (position, challenge_pk, pk, title) for pk, title, position, challenge_pk in
        Objective.objects.filter(challenge__cluster=cluster, measurements__isnull=True)
        .order_by("challenge__position", "challenge_id", "pk")
        .values_list("pk", "title", "challenge__position", "challenge_id")[:NEXT_ACTIONS]]
    for _position, _challenge, objective, title in sorted(bare + unmeasured):
        actions.append(_("Enregistrer une première mesure pour « %(title)s ».")
                       % {"title": title} if objective else
                       _("Donner un objectif mesurable au défi « %(title)s ».")
                       % {"title": title})
    if late_count:
        actions.append(ngettext("Traiter le jalon en retard.",
                                "Traiter les %(count)s jalons en retard.", late_count)
                       % {"count": late_count})
    if current is not None and current.kind == RoadmapStep.Kind.MAP:
        actions.append(_("Importer les acteurs du territoire pour compléter la cartographie."))
    return actions[:NEXT_ACTIONS]


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
    """Group member actors (ordered as `collective_actor_links` orders them) by family:
    [(label, [links])], the labels translated once."""
    labels, groups = choice_labels(CollectiveActor.Family.choices), {}
    for link in links:
        groups.setdefault(link.family, (labels.get(link.family, link.family), []))[1].append(link)
    return list(groups.values())


def collective_actor_links(collective):
    """Return the collective's member actors, in the order of the families, then by name."""
    families = CollectiveActor.Family.values
    order = Case(*(When(family=value, then=Value(index)) for index, value in enumerate(families)),
                 default=Value(len(families)))
    return collective.actor_links.select_related("actor__territory").order_by(
        order, Lower("actor__name"), "pk")


def family_counts(collective):
    """Return {family: number of member actors} of the collective, in one query."""
    return dict(collective.actor_links.order_by().values_list("family").annotate(n=Count("pk")))


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
