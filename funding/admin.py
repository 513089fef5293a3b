from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from funding.models import Call, Criterion, Funder, FunderMember


class FunderMemberInline(admin.TabularInline):
    model = FunderMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FunderMemberInline]


# Calls and dossiers ------------------------------------------------------------------------

class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "label", "description", "weight", "max_score"]
    ordering = ["position", "pk"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    """Staff open calls and write their grid; dates are in Europe/Paris time."""

    list_display = ["title", "funder", "kind", "opens_at", "deadline", "max_amount",
                    "dossier_count"]
    list_filter = ["kind", "funder"]
    list_select_related = ["funder"]
    search_fields = ["title", "description", "funder__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["funder"]
    raw_id_fields = ["source"]
    date_hierarchy = "deadline"
    inlines = [CriterionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(dossier_total=Count("dossiers"))

    @admin.display(description=_("dossiers"), ordering="dossier_total")
    def dossier_count(self, call):
        return call.dossier_total
