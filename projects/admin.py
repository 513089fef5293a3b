from django.contrib import admin

from projects.models import ProjectOutcome


@admin.register(ProjectOutcome)
class ProjectOutcomeAdmin(admin.ModelAdmin):
    """Results of projects on the network's shared indicators."""

    list_display = ["project", "indicator", "measured_on", "value", "source"]
    list_filter = ["indicator__theme", "indicator"]
    search_fields = ["project__title", "source"]
    list_select_related = ["project", "indicator"]
    raw_id_fields = ["project", "created_by"]
