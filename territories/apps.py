from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territoires et cartographie")

    def ready(self):
        from django.db.models.signals import pre_delete

        from territories.models import Theme
        from territories.search import register_sqlite_functions
        from territories.themes import refuse_deleting_used_theme

        # A theme in use is never deleted, whatever the path (see territories.themes).
        pre_delete.connect(refuse_deleting_used_theme, sender=Theme,
                           dispatch_uid="territories_theme_in_use")

        # The search's fallback compares text without accents on SQLite too.
        connection_created.connect(register_sqlite_functions,
                                   dispatch_uid="territories_sqlite_functions")
