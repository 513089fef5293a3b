from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from territories.locking import VersionedAdminMixin, version_moved_on
from territories.models import (
    Actor,
    ActorImport,
    Commune,
    Department,
    Epci,
    KeyFigure,
    Label,
    LocalPolicy,
    Place,
    QueuedTask,
    Region,
    Resource,
    Territory,
    Theme,
    ThemeSynonym,
)
from territories.themes import theme_in_use_message, theme_uses


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["name", "code"]
    list_select_related = ["region"]


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "population"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "epci", "population", "postal_codes"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "postal_codes"]
    list_select_related = ["department", "epci"]
    raw_id_fields = ["epci", "parent"]


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    extra = 0


@admin.register(Territory)
class TerritoryAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_published"]
    list_filter = ["kind", "is_published"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["communes", "cooperation_territories"]
    inlines = [KeyFigureInline]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    """The labels, read only: they change through territories.labels' services (a decision
    on a label call grants one), which keep the transitions and the audit trail."""

    list_display = ["territory", "status", "wave", "labelled_on", "call_title"]
    list_filter = ["status", "wave"]
    list_select_related = ["territory"]
    search_fields = ["territory__name"]
    readonly_fields = [field.name for field in Label._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The step-1 map: staff manage every territory's actors, places, resources and policies ---

class ThemeSynonymInline(admin.TabularInline):
    model = ThemeSynonym
    extra = 1


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_national"]
    list_filter = ["is_national"]
    search_fields = ["name", "slug"]
    inlines = [ThemeSynonymInline]

    def get_deleted_objects(self, objs, request):
        """List a theme in use as protected: the admin then refuses to delete it."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for theme in objs:
            uses = theme_uses(theme)
            if uses:
                protected.append(theme_in_use_message(theme, uses))
        return deleted, counts, perms_needed, protected


@admin.register(ThemeSynonym)
class ThemeSynonymAdmin(admin.ModelAdmin):
    """The words of partners' files that the actor import reads as a theme."""

    list_display = ["word", "theme"]
    list_filter = ["theme"]
    search_fields = ["word", "theme__name"]


class MappedItemAdmin(admin.ModelAdmin):
    """What the four kinds of map items share: found by name or territory, filtered by
    publication, related rows (35,000 communes, every actor) picked by autocomplete."""

    search_fields = ["name", "description", "territory__name"]
    list_select_related = ["territory"]
    autocomplete_fields = ["territory"]
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as on the pages
    actions = ["publish", "unpublish"]

    @admin.action(description=_("Publier les éléments sélectionnés"))
    def publish(self, request, queryset):
        count = queryset.update(is_published=True, **version_moved_on(queryset.model))
        self.message_user(request, ngettext("%(count)d élément publié.",
                                            "%(count)d éléments publiés.", count)
                          % {"count": count})

    @admin.action(description=_("Dépublier les éléments sélectionnés"))
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False, **version_moved_on(queryset.model))
        self.message_user(request, ngettext("%(count)d élément dépublié.",
                                            "%(count)d éléments dépubliés.", count)
                          % {"count": count})


@admin.register(Actor)
class ActorAdmin(VersionedAdminMixin, MappedItemAdmin):
    list_display = ["name", "kind", "territory", "commune", "siret", "is_published",
                    "updated_at"]
    list_filter = ["is_published", "kind", "themes", "territory"]
    search_fields = ["name", "siret", "description", "free_tags", "territory__name",
                     "commune__name"]
    list_select_related = ["territory", "commune"]
    autocomplete_fields = ["territory", "commune", "themes"]


@admin.register(Place)
class PlaceAdmin(VersionedAdminMixin, MappedItemAdmin):
    list_display = ["name", "kind", "status", "territory", "commune", "operator",
                    "is_published"]
    list_filter = ["is_published", "kind", "status", "territory"]
    search_fields = ["name", "description", "territory__name", "commune__name"]
    list_select_related = ["territory", "commune", "operator"]
    autocomplete_fields = ["territory", "commune", "operator"]


@admin.register(Resource)
class ResourceAdmin(MappedItemAdmin):
    list_display = ["name", "kind", "territory", "provider", "is_published"]
    list_filter = ["is_published", "kind", "territory"]
    list_select_related = ["territory", "provider"]
    autocomplete_fields = ["territory", "provider"]


@admin.register(LocalPolicy)
class LocalPolicyAdmin(MappedItemAdmin):
    list_display = ["name", "level", "territory", "is_published"]
    list_filter = ["is_published", "level", "territory"]


@admin.register(ActorImport)
class ActorImportAdmin(admin.ModelAdmin):
    """Imports are made on the territory's pages; here staff follow them and their reports."""

    list_display = ["original_name", "territory", "status", "total_rows", "created_by",
                    "created_at"]
    list_filter = ["status"]
    search_fields = ["original_name", "territory__name"]
    list_select_related = ["territory", "created_by"]
    readonly_fields = [field.name for field in ActorImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    """Background work that the broker could not take yet; sent again every minute."""

    list_display = ["task", "created_at", "attempts", "last_attempt_at"]
    list_filter = ["task"]
    readonly_fields = [field.name for field in QueuedTask._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
