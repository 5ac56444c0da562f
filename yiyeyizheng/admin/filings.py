"""Read-only admin of the 执照存档: which check a filed licence came from, and its copy.

Filings are made only by the window (``attach_filed_licence``); an administrator answering
"was this licence valid when it was filed?" finds the filing by its 查验编号, case number,
holder or licence number and sees the check as the verification log recorded it.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from portal.admin import ReadOnlyAdmin
from yiyeyizheng.models import LicenceFiling


@admin.register(LicenceFiling)
class LicenceFilingAdmin(ReadOnlyAdmin):
    list_display = [
        "check_id",
        "application_number",
        "holder_name",
        "certificate_number",
        "check_result",
        "checked_at",
        "filed_by",
        "filed_at",
        "case_link",
    ]
    list_filter = ["check_result", "certificate_kind"]
    search_fields = ["=check_id", "application__number", "holder_name", "certificate_number"]
    date_hierarchy = "filed_at"
    list_select_related = ["application", "filed_by"]

    @admin.display(description="申请编号", ordering="application__number")
    def application_number(self, obj):
        return obj.application.number

    @admin.display(description="门户页面")
    def case_link(self, obj):
        url = reverse("yiyeyizheng:application_detail", args=[obj.application.number])
        return format_html('<a href="{}">查看</a>', url)
