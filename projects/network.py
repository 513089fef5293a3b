"""The projects' figures on the national dashboard: projects by stage, and their outcomes
on the shared indicators.

Registered by ProjectsConfig.ready() in cluster.network's registry: cluster gathers this
data without importing projects.
"""

from collections import defaultdict

from django.db.models import Count

from cluster.network import PROJECTS, Contribution, added_up, latest_of_each_year
from projects.models import Project, ProjectOutcome


def projects_by_stage(territory_ids, *, public):
    """{territory_id: {stage: count}}; the public sees published projects only."""
    projects = Project.objects.filter(cluster__territory__in=territory_ids)
    if public:
        projects = projects.filter(is_published=True)
    counts = defaultdict(dict)
    for territory, stage, count in (projects.values("cluster__territory", "stage")
                                    .annotate(count=Count("pk")).order_by()
                                    .values_list("cluster__territory", "stage", "count")):
        counts[territory][stage] = count
    return counts


def stage_totals(territories, *, public):
    """{stage: count} over the whole network, counted by the database."""
    projects = Project.objects.filter(cluster__territory__in=territories)
    if public:
        projects = projects.filter(is_published=True)
    return dict(projects.order_by().values("stage").annotate(count=Count("pk"))
                .values_list("stage", "count"))


def _outcomes(territories, *, public):
    outcomes = ProjectOutcome.objects.filter(project__cluster__territory__in=territories)
    return outcomes.filter(project__is_published=True) if public else outcomes


def outcome_figures(territories, *, public):
    """The latest outcome per project, indicator and year, added up by the database."""
    rows = latest_of_each_year(_outcomes(territories, public=public),
                               same=["project", "indicator"])
    return added_up(rows, indicator="indicator", territory="project__cluster__territory")


def outcome_contributions(territory_ids, *, public):
    """The latest outcome per project, indicator and year (see cluster.network's rule)."""
    outcomes = (_outcomes(territory_ids, public=public)
                .select_related("project__cluster__territory", "indicator")
                .order_by("project_id", "indicator_id", "measured_on", "pk"))
    latest = {}
    for outcome in outcomes:
        latest[outcome.project_id, outcome.indicator_id, outcome.measured_on.year] = outcome
    contributions = []
    for outcome in latest.values():
        project = outcome.project
        contributions.append(Contribution(
            indicator_id=outcome.indicator_id, territory_id=project.cluster.territory_id,
            territory=project.cluster.territory.name, origin=PROJECTS, label=project.title,
            # An outcome is always written in its indicator's unit.
            unit=outcome.indicator.unit, measured_on=outcome.measured_on, value=outcome.value,
            source=outcome.source,
            url=project.get_absolute_url() if project.is_published or not public else ""))
    return contributions
