from django.contrib import admin

from funding.models import Funder, FunderMember


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
