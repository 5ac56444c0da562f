"""合规经营指南 edited in the admin, saved through ``services.guides.save_guide`` (audited);
好差评 and 帮办代办 read-only (they change only through the portal's services)."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from portal.admin import ReadOnlyAdmin
from yiyeyizheng.models import AssistanceRequest, ComplianceGuide, ServiceRating
from yiyeyizheng.services.guides import save_guide


@admin.register(ComplianceGuide)
class ComplianceGuideAdmin(admin.ModelAdmin):
    list_display = ["business_format", "updated_at", "updated_by"]
    search_fields = ["business_format__name"]
    fields = ["business_format", "body"]
    autocomplete_fields = ["business_format"]

    def get_readonly_fields(self, request, obj=None):
        return ["business_format"] if obj else []

    def save_model(self, request, obj, form, change):
        try:
            saved = save_guide(
                acting_user=request.user, business_format=obj.business_format, body=obj.body
            )
        except ValidationError as error:  # the form's own checks passed: report, save nothing
            raise ValueError("；".join(error.messages)) from error
        obj.pk, obj.updated_at, obj.updated_by = saved.pk, saved.updated_at, saved.updated_by

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceRating)
class ServiceRatingAdmin(ReadOnlyAdmin):
    list_display = ["application", "grade", "reason", "rated_at"]
    list_filter = ["grade"]


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(ReadOnlyAdmin):
    list_display = ["entity", "business_format", "status", "clerk", "application", "requested_at"]
    list_filter = ["status"]
