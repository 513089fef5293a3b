"""Queries used by more than one page or endpoint of the projects app."""

from datetime import timedelta

from django.db.models import BooleanField, Case, Count, F, Max, Min, Q, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from cluster.roadmap import add_months
from projects.models import CommunityMeeting, CommunityMember, Project, Registration, Replication
from territories.paging import first_of_each

# Projects --------------------------------------------------------------------------------


def projects_for_lists(queryset):
    """Load what a board or a list shows of each project, in a fixed number of queries."""
    return queryset.select_related("challenge", "cluster__territory", "place").prefetch_related(
        "carriers", "themes").order_by("title", "pk")


BOARD_COLUMN_SIZE = 12


def project_board(queryset, *, per_column=BOARD_COLUMN_SIZE):
    """Return [(stage value, label, [first projects], number of projects)] for the five
    stages, in their order: each column shows its first `per_column` projects (the list
    page, filtered by stage, has them all), in a fixed number of queries."""
    counts = dict(queryset.order_by().values_list("stage").annotate(n=Count("pk")))
    columns = {stage.value: [] for stage in Project.Stage}
    for project in projects_for_lists(first_of_each(
            queryset, group="stage", order_by=("title", "pk"), count=per_column)):
        columns[project.stage].append(project)
    return [(stage.value, stage.label, columns[stage.value], counts.get(stage.value, 0))
            for stage in Project.Stage]


def project_detail(project):
    """Return what the project page shows besides the project itself."""
    return {
        "carriers": list(project.carriers.all()),
        "partners": list(project.partners.all()),
        "themes": list(project.themes.all()),
        "objectives": list(project.objectives.select_related("challenge")),
        "stage_changes": list(project.stage_changes.select_related("by")),
        "decisions": list(project.prototype_decisions.select_related("decision__meeting")),
        "origin": Replication.objects.select_related(
            "origin__cluster__territory").filter(copy=project).first(),
        "replications": list(project.replications.select_related("copy__cluster__territory")),
    }


def similar_projects(project, *, limit=5):
    """Return published projects of other territories sharing a theme or the défi's kind,
    those sharing the most themes first; the project's own lineage is shown apart."""
    theme_ids = list(project.themes.values_list("pk", flat=True))
    shares_theme = Q(themes__in=theme_ids) if theme_ids else Q(pk__in=[])
    return list(
        Project.objects.filter(is_published=True)
        .exclude(cluster__territory=project.cluster.territory_id)
        .exclude(replicated_from__origin=project)
        .exclude(replications__copy=project)
        .filter(shares_theme | Q(challenge__kind=project.challenge.kind))
        .annotate(shared_themes=Count("themes", filter=shares_theme, distinct=True))
        .select_related("cluster__territory", "challenge")
        .order_by("-shared_themes", "title")[:limit]
    )


def stage_counts(clusters):
    """Return {stage: count} of the projects of the given clusters."""
    counts = dict(Project.objects.filter(cluster__in=clusters).values_list("stage").annotate(
        n=Count("pk")).values_list("stage", "n"))
    return {stage.value: counts.get(stage.value, 0) for stage in Project.Stage}


# Community --------------------------------------------------------------------------------


def community_members(cluster, *, include_departed=False):
    """Return the cluster's community with each person's last participation and count.

    Both figures are annotations of the same query, so a list costs one query
    however many people and meetings there are.
    """
    members = cluster.community.select_related("actor__territory").annotate(
        last_attended_on=Max("meetings__held_on"),
        meeting_count=Count("meetings", distinct=True),
    ).order_by("name", "pk")
    if not include_departed:
        members = members.filter(left_on__isnull=True)
    return members


def community_meetings(cluster):
    """Return the cluster's meetings, newest first, each with its number of attendees."""
    return cluster.community_meetings.select_related("place").annotate(
        attendee_count=Count("attendees", distinct=True),
    ).order_by("-held_on", "-pk")


def drifting_members(cluster, *, weeks, today):
    """Return the active people who have not come to a meeting for more than `weeks` weeks.

    That is: those whose last attendance is older than the cutoff, and those who
    never came although they joined before it. Someone who joined recently has
    not had the time to drift, and someone who left is no longer followed.
    The longest absent come first.
    """
    cutoff = today - timedelta(weeks=weeks)
    return cluster.community.filter(left_on__isnull=True).select_related("actor").annotate(
        last_attended_on=Max("meetings__held_on", filter=Q(meetings__held_on__lte=today)),
    ).filter(
        Q(last_attended_on__lt=cutoff)
        | Q(last_attended_on__isnull=True, joined_on__lt=cutoff)
    ).order_by(Coalesce("last_attended_on", "joined_on"), "name", "pk")


def participation_by_month(cluster, *, months, today, paginate=list):
    """Return how many meetings each person attended per month over the last `months` months.

    The months end with today's. The people are the active members and the departed ones
    who still came during the period, passed through `paginate` (a page of them on the
    community page); their counts come from one aggregate query grouped by person and
    month (TruncMonth), the totals of every person from one grouped by month.
    """
    first_month = add_months(today.replace(day=1), -(months - 1))
    month_starts = [add_months(first_month, offset) for offset in range(months)]
    attendances = CommunityMember.meetings.through.objects.filter(
        communitymeeting__cluster=cluster, communitymeeting__held_on__gte=first_month,
        communitymeeting__held_on__lte=today).annotate(
        month=TruncMonth("communitymeeting__held_on")).order_by()
    members = paginate(cluster.community.select_related("actor").filter(
        Q(left_on__isnull=True) | Q(pk__in=attendances.values("communitymember_id")))
        .order_by("name", "pk"))
    by_member = {}
    for member_id, month, count in attendances.filter(
            communitymember_id__in=[member.pk for member in members]).values_list(
            "communitymember_id", "month").annotate(count=Count("pk")):
        by_member.setdefault(member_id, {})[month] = count
    rows = []
    for member in members:
        counts_of_member = by_member.get(member.pk, {})
        cells = [counts_of_member.get(month, 0) for month in month_starts]
        rows.append({"member": member, "cells": cells, "total": sum(cells)})
    totals = dict(attendances.values_list("month").annotate(count=Count("pk")))
    return {"months": month_starts, "rows": rows, "page": members,
            "totals": [totals.get(month, 0) for month in month_starts]}


def meetings_held(cluster, *, today, limit=24):
    """Return the last `limit` meetings held up to today, oldest first, with their attendance."""
    meetings = list(community_meetings(cluster).filter(held_on__lte=today)[:limit])
    meetings.reverse()
    return meetings


def community_overview(cluster, *, today):
    """Return the community page's headline figures: people active and gone, meetings held,
    the next one planned."""
    return CommunityMember.objects.filter(cluster=cluster).aggregate(
        active_count=Count("pk", filter=Q(left_on__isnull=True)),
        departed_count=Count("pk", filter=Q(left_on__isnull=False)),
    ) | CommunityMeeting.objects.filter(cluster=cluster).aggregate(
        held_count=Count("pk", filter=Q(held_on__lte=today)),
        next_meeting_on=Min("held_on", filter=Q(held_on__gt=today)),
    )


# Events -----------------------------------------------------------------------------------


def events_with_counts(events):
    """Annotate events with their confirmed and waiting registrations, in the same query."""
    return events.annotate(
        confirmed_count=Count("registrations", distinct=True,
                              filter=Q(registrations__status=Registration.Status.CONFIRMED)),
        waiting_count=Count("registrations", distinct=True,
                            filter=Q(registrations__status=Registration.Status.WAITING)),
    )


def upcoming_first(events, now):
    """Order events still to come by date, then those already over, latest first."""
    return events.annotate(
        is_over=Case(When(ends_at__lt=now, then=Value(True)), default=Value(False),
                     output_field=BooleanField()),
    ).order_by(
        "is_over",
        Case(When(ends_at__gte=now, then=F("starts_at"))).asc(nulls_last=True),
        "-starts_at", "pk",
    )


def waiting_position(registration):
    """Return the person's place in the waiting list, 1 for the next to get a place."""
    return registration.event.registrations.filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lte=registration.pk),
        status=Registration.Status.WAITING,
    ).count()
