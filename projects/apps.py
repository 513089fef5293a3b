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

        # Peer suggestions (cluster) weigh projects one stage ahead through a registry too.
        from cluster.peers import register_peer_reasons
        from projects.peers import project_one_stage_ahead

        register_peer_reasons(project_one_stage_ahead)

        # The search (territories) finds projects and events through its registry too.
        from projects.search import register_search_kinds

        register_search_kinds()

        # And the open data publishes projects and events through its registry.
        from projects.opendata import register_datasets

        register_datasets()

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

        # The national map (territories) shows projects through its registry of layers.
        from projects.map_layers import register as register_map_layer

        register_map_layer()
