from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cluster.join_models import JoinRequest
from cluster.models import (
    Challenge,
    Cluster,
    ClusterRequest,
    Collective,
    CompanyNetwork,
    Masterclass,
    MasterPlanVersion,
    Membership,
    Objective,
    SharedIndicator,
    Stewardship,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name"]}),
        (
            _("Droits"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(Collective)
class CollectiveAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["territory", "collective", "start_date", "duration_months"]
    list_select_related = ["territory", "collective"]
    autocomplete_fields = ["collective", "territory"]


# Stewardship of territories -----------------------------------------------------------------

@admin.register(Stewardship)
class StewardshipAdmin(SimpleHistoryAdmin):
    """The national coordinator names or changes the collective that stewards a territory."""

    list_display = ["territory", "collective", "named_by", "named_at"]
    list_select_related = ["territory", "collective", "named_by"]
    search_fields = ["territory__name", "collective__name"]
    autocomplete_fields = ["territory", "collective"]
    readonly_fields = ["named_by", "named_at"]

    def save_model(self, request, obj, form, change):
        obj.named_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ClusterRequest)
class ClusterRequestAdmin(admin.ModelAdmin):
    """Requests are sent and decided from the site, where e-mails follow; the admin reads."""

    list_display = ["collective", "territory", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["collective", "territory"]
    search_fields = ["territory__name", "collective__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Schéma directeur ----------------------------------------------------------------------------

@admin.register(MasterPlanVersion)
class MasterPlanVersionAdmin(admin.ModelAdmin):
    """Versions are made and published from the site; the admin only reads them."""

    list_display = ["plan", "number", "status", "is_adopted", "created_by", "created_at",
                    "published_at"]
    list_filter = ["status", "is_adopted"]
    list_select_related = ["plan__cluster__territory", "plan__cluster__collective",
                           "created_by"]
    readonly_fields = ["plan", "number", "status", "created_by", "created_at", "queued_at",
                       "rendered_at", "error", "is_adopted", "pdf", "pdf_size", "published_at",
                       "published_by"]
    exclude = ["snapshot", "summary", "html"]

    def has_add_permission(self, request):
        return False


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "collective", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "collective__name"]
    raw_id_fields = ["user", "collective", "decided_by"]


# The network: the national team adds masterclasses and company networks here; transfers
# and blockers change through their pages (services), so they are read only.

@admin.register(Masterclass)
class MasterclassAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "theme", "place"]
    list_filter = ["theme"]
    search_fields = ["title"]
    filter_horizontal = ["participants"]


@admin.register(CompanyNetwork)
class CompanyNetworkAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
@admin.register(SharedIndicator)
class SharedIndicatorAdmin(admin.ModelAdmin):
    """The national catalogue of shared indicators; one in use cannot be deleted."""

    list_display = ["name", "unit", "direction", "theme", "slug"]
    list_filter = ["theme", "direction"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class ObjectiveInline(admin.TabularInline):
    model = Objective
    fields = ["title", "shared_indicator", "unit", "baseline", "target", "direction",
              "target_date"]
    extra = 0


@admin.register(Challenge)
class ChallengeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "cluster", "kind", "theme"]
    list_filter = ["kind", "national_themes"]
    search_fields = ["title", "cluster__territory__name"]
    filter_horizontal = ["national_themes"]
    list_select_related = ["cluster__territory", "cluster__collective", "theme"]
    raw_id_fields = ["cluster"]
    inlines = [ObjectiveInline]
