"""Queries used by more than one page or endpoint of the projects app."""

from django.db.models import Count, Q

from projects.models import Project, Replication

# Projects --------------------------------------------------------------------------------


def projects_for_lists(queryset):
    """Load what a board or a list shows of each project, in a fixed number of queries."""
    return queryset.select_related("challenge", "cluster__territory", "place").prefetch_related(
        "carriers", "themes").order_by("title", "pk")


def project_board(queryset):
    """Return [(stage value, label, [projects])] for the five stages, in their order."""
    columns = {stage.value: [] for stage in Project.Stage}
    for project in projects_for_lists(queryset):
        columns[project.stage].append(project)
    return [(stage.value, stage.label, columns[stage.value]) for stage in Project.Stage]


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

