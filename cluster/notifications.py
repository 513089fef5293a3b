"""Who is told what by e-mail about the roadmap: milestone reminders and the weekly digest.

Pure selection: each function reads the database in a fixed number of queries,
whatever the number of clusters, and returns plain data for the tasks to send.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count

from cluster.models import Cluster, Measurement, Membership, Milestone, Objective

UPCOMING_DAYS = 14
RECENT_MEASUREMENT_DAYS = 7


@dataclass
class Reminder:
    """The milestones one facilitator is reminded of, across their clusters."""

    user: object
    milestones: list

    def by_cluster(self):
        """Return [(cluster, its milestones)], clusters in the order of their territory."""
        groups = {}
        for milestone in self.milestones:
            groups.setdefault(milestone.step.cluster, []).append(milestone)
        return sorted(groups.items(), key=lambda item: (item[0].territory.name, item[0].pk))


@dataclass
class ClusterDigest:
    cluster: object
    late: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    measurements: list = field(default_factory=list)
    unmeasured: list = field(default_factory=list)

    def is_empty(self):
        return not (self.late or self.upcoming or self.measurements or self.unmeasured)


@dataclass
class Digest:
    """The week of one facilitator's clusters."""

    user: object
    clusters: list


def _facilitators_by_collective(collective_ids):
    """Return {collective id: [active facilitators]} in one query."""
    facilitators = {}
    memberships = Membership.objects.filter(
        role=Membership.Role.FACILITATOR, collective_id__in=collective_ids,
        user__is_active=True,
    ).select_related("user").order_by("user__email")
    for membership in memberships:
        facilitators.setdefault(membership.collective_id, []).append(membership.user)
    return facilitators


def due_milestone_reminders(today, days):
    """Return one Reminder per facilitator with milestones due within `days` not yet reminded.

    Milestones reached, or already reminded since their due date was last set, are left
    out. Two queries.
    """
    milestones = list(
        Milestone.objects.filter(done_on__isnull=True, reminded_on__isnull=True,
                                 due_date__gte=today, due_date__lte=today + timedelta(days=days))
        .select_related("step__cluster__territory", "step__cluster__collective")
        .order_by("due_date", "step__cluster__territory__name", "step__number", "position",
                  "pk"))
    facilitators = _facilitators_by_collective(
        {milestone.step.cluster.collective_id for milestone in milestones})
    by_user = {}
    for milestone in milestones:
        for user in facilitators.get(milestone.step.cluster.collective_id, []):
            by_user.setdefault(user.pk, Reminder(user=user, milestones=[]))
            by_user[user.pk].milestones.append(milestone)
    return sorted(by_user.values(), key=lambda reminder: reminder.user.email)


def weekly_digests(today):
    """Return one Digest per facilitator with something to say about their clusters.

    For each cluster: late milestones, milestones due in the next 14 days,
    measurements recorded in the last 7 days, objectives never measured. A cluster
    with none of these is left out, and so is a facilitator left with no cluster.
    Five queries.
    """
    memberships = list(Membership.objects.filter(
        role=Membership.Role.FACILITATOR, user__is_active=True,
    ).select_related("user").order_by("user__email"))
    clusters = {cluster.pk: ClusterDigest(cluster=cluster) for cluster in Cluster.objects.filter(
        collective_id__in={membership.collective_id for membership in memberships},
    ).select_related("territory", "collective").order_by("territory__name", "pk")}

    milestones = Milestone.objects.filter(
        step__cluster_id__in=clusters, done_on__isnull=True,
        due_date__lte=today + timedelta(days=UPCOMING_DAYS),
    ).select_related("step").order_by("due_date", "step__number", "position", "pk")
    for milestone in milestones:
        digest = clusters[milestone.step.cluster_id]
        (digest.late if milestone.is_late(today) else digest.upcoming).append(milestone)

    measurements = Measurement.objects.filter(
        objective__challenge__cluster_id__in=clusters,
        created_at__date__gt=today - timedelta(days=RECENT_MEASUREMENT_DAYS),
        created_at__date__lte=today,
    ).select_related("objective__challenge", "created_by").order_by("measured_on", "pk")
    for measurement in measurements:
        clusters[measurement.objective.challenge.cluster_id].measurements.append(measurement)

    unmeasured = Objective.objects.filter(challenge__cluster_id__in=clusters).annotate(
        measurement_count=Count("measurements")).filter(measurement_count=0) \
        .select_related("challenge").order_by("challenge__position", "pk")
    for objective in unmeasured:
        clusters[objective.challenge.cluster_id].unmeasured.append(objective)

    by_collective = {}
    for digest in clusters.values():
        if not digest.is_empty():
            by_collective.setdefault(digest.cluster.collective_id, []).append(digest)
    by_user = {}
    for membership in memberships:
        for digest in by_collective.get(membership.collective_id, []):
            by_user.setdefault(membership.user.pk, Digest(user=membership.user, clusters=[]))
            by_user[membership.user.pk].clusters.append(digest)
    for digest in by_user.values():
        digest.clusters.sort(key=lambda item: (item.cluster.territory.name, item.cluster.pk))
    return list(by_user.values())
