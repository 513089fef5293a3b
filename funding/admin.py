from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from funding.models import (
    BudgetLine,
    Call,
    Contribution,
    Criterion,
    FollowUpReminder,
    Funder,
    FunderMember,
    FundingPlan,
    FundingSource,
    WebhookDelivery,
    WebhookEndpoint,
)
from territories.locking import VersionedAdminMixin


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
class FundingPlanAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    """Plans are the collectives' own: staff correct them here; the pages check the rules."""

    list_display = ["title", "cluster", "project", "first_year", "last_year", "created_at"]
    list_select_related = ["cluster__territory", "cluster__collective", "project"]
    search_fields = ["title", "cluster__territory__name", "cluster__collective__name",
                     "project__title"]
    raw_id_fields = ["cluster", "project"]
    inlines = [BudgetLineInline, ContributionInline]


# Calls and dossiers ------------------------------------------------------------------------

class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "label", "description", "weight", "max_score"]
    ordering = ["position", "pk"]


@admin.register(Call)
class CallAdmin(SimpleHistoryAdmin):
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


# Webhooks of the funders: read here, changed on the funder's page (which checks addresses).

class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "funder", "is_active", "created_at"]
    list_filter = ["is_active"]
    list_select_related = ["funder"]
    exclude = ["secret"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "endpoint", "status", "attempts", "last_status_code",
                    "created_at", "next_attempt_at"]
    list_filter = ["status", "event_type"]
    list_select_related = ["endpoint"]


# The label's annual follow-up ------------------------------------------------------------

@admin.register(FollowUpReminder)
class FollowUpReminderAdmin(admin.ModelAdmin):
    """What the daily task sent, read-only: a row is what makes a reminder go once."""

    list_display = ["cluster", "due_on", "days_before", "sent_at", "recipients"]
    list_filter = ["days_before"]
    search_fields = ["cluster__territory__name", "recipients"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
