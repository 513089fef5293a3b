from django.contrib import admin

from territories.models import Commune, Department, Epci, Region, Territory


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


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_published"]
    list_filter = ["kind", "is_published"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["communes"]
