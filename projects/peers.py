"""Reasons for cluster's peer suggestions drawn from projects: a peer's project on the same
theme one stage ahead of one of the cluster's. Registered by ProjectsConfig.ready() with
cluster.peers.register_peer_reasons: cluster never imports projects."""

from django.utils.translation import gettext as _

from projects.models import Project

STAGES = list(Project.Stage.values)


def project_one_stage_ahead(cluster, peers):
    """Return {peer cluster pk: [reasons]}, in two queries."""
    mine = {}
    for theme_id, stage in Project.themes.through.objects.filter(
            project__cluster=cluster).values_list("theme_id", "project__stage"):
        mine.setdefault(theme_id, set()).add(stage)
    if not mine:
        return {}
    wanted = {(theme_id, STAGES[STAGES.index(stage) + 1])
              for theme_id, stages in mine.items() for stage in stages
              if STAGES.index(stage) + 1 < len(STAGES)}
    reasons = {}
    rows = Project.themes.through.objects.filter(
        project__cluster_id__in=list(peers), project__is_published=True,
        theme_id__in={theme_id for theme_id, _stage in wanted},
    ).values_list("project__cluster_id", "theme_id", "theme__name", "project__title",
                  "project__stage").order_by("project__cluster_id", "project__title")
    labels = dict(Project.Stage.choices)
    for cluster_id, theme_id, theme, title, stage in rows:
        if (theme_id, stage) in wanted and len(reasons.get(cluster_id, [])) < 2:
            reasons.setdefault(cluster_id, []).append(
                _("Un projet une étape plus loin (%(stage)s, %(theme)s) : %(title)s")
                % {"stage": labels[stage], "theme": theme, "title": title})
    return reasons
