from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets")

    def ready(self):
        # The schéma directeur (cluster) gathers this app's data through its registry:
        # cluster never imports projects.
        from cluster.masterplan import Key, register_section_provider
        from projects.masterplan import portfolio_data

        register_section_provider(Key.PORTFOLIO, portfolio_data)

        # The search (territories) finds projects and events through its registry too.
        from projects.search import register_search_kinds

        register_search_kinds()

        # The national dashboard (cluster) gathers projects by stage and their outcomes.
        from cluster.network import (
            PROJECTS,
            register_contribution_provider,
            register_territory_provider,
        )
        from projects.models import Project
        from projects.network import (
            outcome_contributions,
            outcome_figures,
            projects_by_stage,
            stage_totals,
        )

        register_territory_provider("projects", projects_by_stage, totals=stage_totals,
                                    columns=Project.Stage.choices)
        register_contribution_provider(PROJECTS, outcome_contributions,
                                       figures=outcome_figures)
