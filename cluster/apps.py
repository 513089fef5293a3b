from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClusterConfig(AppConfig):
    name = "cluster"
    verbose_name = _("Clusters et collectifs")

    def ready(self):
        from cluster.credentials import connect_signals

        connect_signals()
