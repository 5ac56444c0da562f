from django.contrib import admin

from mingchu.models import (
    DemoStore,
    DistrictAssessment,
    DistrictQuota,
    MonthlyReport,
    ProjectDeadline,
    QuotaChange,
    YearAcceptance,
)
from portal.admin import ReadOnlyAdmin


@admin.register(DistrictQuota)
class DistrictQuotaAdmin(ReadOnlyAdmin):
    """Quotas change only through the city officers' audited adjustment page."""

    list_display = ["year", "district", "food_court", "other_areas", "total"]
    list_filter = ["year"]


@admin.register(QuotaChange)
class QuotaChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "changed_at",
        "quota",
        "field",
        "old_value",
        "new_value",
        "reason",
        "changed_by",
    ]


@admin.register(DemoStore)
class DemoStoreAdmin(ReadOnlyAdmin):
    list_display = ["unit_name", "district", "location_type", "stage", "expected_completion"]
    list_filter = ["year", "district", "stage", "location_type"]
    search_fields = ["unit_name", "food_licence_number", "holder_uscc"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ["district", "year", "month", "status", "submitted_at", "is_late"]
    list_filter = ["year", "month", "status", "is_late"]


@admin.register(ProjectDeadline)
class ProjectDeadlineAdmin(ReadOnlyAdmin):
    """Set by city officers on the quota page (audited ``deadline.set``)."""

    list_display = ["year", "due_on", "set_by", "set_at"]


@admin.register(YearAcceptance)
class YearAcceptanceAdmin(ReadOnlyAdmin):
    """评估总结 moves only through its workflow pages (ADR 0027)."""

    list_display = ["year", "phase", "city_started_at", "concluded_at", "concluded_by"]


@admin.register(DistrictAssessment)
class DistrictAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["acceptance", "district", "status", "submitted_at", "city_result"]
    list_filter = ["status", "city_result"]
