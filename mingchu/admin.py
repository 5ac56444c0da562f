from django.contrib import admin

from mingchu.models import DistrictQuota, QuotaChange
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
