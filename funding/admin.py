from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from funding.models import (
    BudgetLine,
    Contribution,
    Funder,
    FunderMember,
    FundingPlan,
    FundingSource,
)


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


# Catalogue and funding plans -------------------------------------------------------------

@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    """The catalogue, kept by staff; the public reads it at /financements/catalogue/."""

    list_display = ["name", "funder", "kind", "scope", "typical_min", "typical_max",
                    "opens_on", "closes_on"]
    list_filter = ["kind", "scope", "funder__kind", "themes"]
    list_select_related = ["funder"]
    search_fields = ["name", "description", "funder__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["funder"]
    filter_horizontal = ["themes"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(FundingPlan)
class FundingPlanAdmin(SimpleHistoryAdmin):
    """Plans are the collectives' own: staff correct them here; the pages check the rules."""

    list_display = ["title", "cluster", "project", "first_year", "last_year", "created_at"]
    list_select_related = ["cluster__territory", "cluster__collective", "project"]
    search_fields = ["title", "cluster__territory__name", "cluster__collective__name",
                     "project__title"]
    raw_id_fields = ["cluster", "project"]
    inlines = [BudgetLineInline, ContributionInline]
