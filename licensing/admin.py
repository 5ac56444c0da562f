from django.contrib import admin

from licensing.models import BusinessLicence, FoodLicence, MarketEntity, UsccAllowlistEntry
from portal.admin import AuditedAdminMixin, ReadOnlyAdmin
from portal.identifiers import normalise_identifier


@admin.register(MarketEntity)
class MarketEntityAdmin(ReadOnlyAdmin):
    list_display = ["uscc", "name", "entity_type", "district", "status", "registered_on"]
    list_filter = ["status", "district", "entity_type"]
    search_fields = ["uscc", "name"]


@admin.register(BusinessLicence)
class BusinessLicenceAdmin(ReadOnlyAdmin):
    list_display = ["entity", "version", "status", "issued_at", "reason"]
    list_filter = ["status"]
    list_select_related = ["entity"]
    search_fields = ["entity__uscc", "entity__name"]


@admin.register(FoodLicence)
class FoodLicenceAdmin(ReadOnlyAdmin):
    list_display = ["number", "version", "operator_name", "subject_type", "status", "valid_to"]
    list_filter = ["status", "subject_type", "district"]
    search_fields = ["number", "holder_uscc", "operator_name"]


@admin.register(UsccAllowlistEntry)
class UsccAllowlistEntryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["uscc", "note", "added_by", "added_at"]
    readonly_fields = ["added_by"]

    def save_model(self, request, obj, form, change):
        obj.uscc = normalise_identifier(obj.uscc)
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
