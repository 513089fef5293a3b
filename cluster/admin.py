from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from cluster.models import Cluster, Collective, MasterPlanVersion, Membership, User


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
