from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClusterConfig(AppConfig):
    name = "cluster"
    verbose_name = _("Clusters et collectifs")

    def ready(self):
        # A new territory is stewarded by its creator's collective; territories learns of
        # cluster only through this hook.
        from cluster.stewardship import steward_new_territory
        from territories.services import register_territory_created_hook

        register_territory_created_hook(steward_new_territory)
        from cluster.credentials import connect_signals

        connect_signals()
        # The latest measurement of each objective, kept on the rows for the dashboard.
        from cluster import latest_measurements

        latest_measurements.connect_signals()

        # The open data (territories) publishes the défis through its registry.
        from cluster.opendata import register_datasets

        register_datasets()
