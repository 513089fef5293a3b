from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territoires et cartographie")

    def ready(self):
        from territories.search import register_sqlite_functions

        # The search's fallback compares text without accents on SQLite too.
        connection_created.connect(register_sqlite_functions,
                                   dispatch_uid="territories_sqlite_functions")

        # The national map's outlines are cached until a territory changes.
        from territories.signals import connect

        connect()

        # The open data's own datasets; the apps above add theirs from their ready().
        from territories.opendata_datasets import register_datasets

        register_datasets()
