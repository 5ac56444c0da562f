"""Read-only admin views of applications and composite licences.

Both change only through the services (acceptance, reviews, issue, change, cancellation,
reissue), so the admin lists and shows them and links to the portal page where staff act.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from portal.admin import ReadOnlyAdmin
from yiyeyizheng.models import Application, CompositeLicence, ItemReview


class ItemReviewInline(admin.TabularInline):
    model = ItemReview
    fields = ["permit_name", "kind", "department", "district", "status", "due_date", "decided_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "kind",
        "entity_name",
        "business_format",
        "district",
        "status",
        "submitted_at",
        "portal_link",
    ]
    list_filter = ["status", "kind", "district", "catalogue_version"]
    search_fields = ["number", "entity_name", "entity_uscc"]
    date_hierarchy = "created_at"
    list_select_related = ["business_format", "district"]
    exclude = ["verification_code"]
    inlines = [ItemReviewInline]

    @admin.display(description="门户页面")
    def portal_link(self, obj):
        url = reverse("yiyeyizheng:application_detail", args=[obj.number])
        return format_html('<a href="{}">查看</a>', url)


@admin.register(CompositeLicence)
class CompositeLicenceAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "version",
        "entity_name",
        "business_format",
        "district",
        "status",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["status", "district"]
    search_fields = ["number", "entity_name", "entity_uscc"]
    list_select_related = ["business_format", "district"]
