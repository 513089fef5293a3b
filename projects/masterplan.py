"""The portfolio of projects in the cluster's schéma directeur.

Registered by ProjectsConfig.ready() with cluster.masterplan.register_section_provider:
cluster gathers this data without importing projects (see cluster/masterplan.py).
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cluster import frenchtext as fr
from projects.models import Project, Replication

# The stages from which a project is said to have impact or to scale.
SCALING_STAGES = (Project.Stage.IMPACT, Project.Stage.SCALE)


def portfolio_data(cluster):
    """Return the cluster's projects by stage, those that scale, and their essaimages."""
    projects = list(
        Project.objects.filter(cluster=cluster)
        .select_related("challenge", "place")
        .prefetch_related("carriers")
        .prefetch_related(Prefetch(
            "replications", queryset=Replication.objects.select_related("copy__cluster__territory")
            .order_by("created_at", "pk")))
        .order_by("challenge__position", "challenge_id", "title", "pk"))
    taken_up = list(Replication.objects.filter(copy__cluster=cluster)
                    .select_related("origin__cluster__territory", "copy")
                    .order_by("created_at", "pk"))
    counts = {stage.value: 0 for stage in Project.Stage}
    for project in projects:
        counts[project.stage] += 1
    replications = [
        {"project": project.title, "territory": replication.copy.cluster.territory.name,
         "note": replication.note[:300]}
        for project in projects for replication in project.replications.all()
    ]
    return {
        "total": len(projects),
        "stages": [{"key": stage.value, "label": str(stage.label), "count": counts[stage.value]}
                   for stage in Project.Stage],
        "projects": [{
            "title": project.title,
            "challenge": project.challenge.title,
            "stage": project.stage,
            "stage_label": project.get_stage_display(),
            "carriers": [carrier.name for carrier in project.carriers.all()],
            "place": project.place.name if project.place else "",
            "start_date": project.start_date.isoformat() if project.start_date else None,
        } for project in projects],
        "scaling": [{
            "title": project.title,
            "stage_label": project.get_stage_display(),
            "outcomes": (project.observed_outcomes or project.expected_outcomes)[:500],
        } for project in projects if project.stage in SCALING_STAGES],
        "replications": replications,
        "taken_up": [{"project": replication.copy.title,
                      "origin": replication.origin.title,
                      "territory": replication.origin.cluster.territory.name}
                     for replication in taken_up],
        "figures": [
            [_("Projets"), fr.number(len(projects))],
            *[[_("Projets : %(stage)s") % {"stage": stage.label}, fr.number(counts[stage.value])]
              for stage in Project.Stage],
            [_("Essaimages vers d'autres territoires"), fr.number(len(replications))],
            *[[_("Étape de « %(title)s »") % {"title": project.title},
               project.get_stage_display()] for project in projects],
        ],
    }
