"""District scoping shared by the project's tables (quotas, stores, reports)."""

from django.db import models

from portal.permissions import is_district_bound_officer


class DistrictScopedQuerySet(models.QuerySet):
    """Rows of a district: city-wide users read every district, district officers their own."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_city_wide:
            return self
        if is_district_bound_officer(user):
            return self.filter(district_id=user.district_id)
        return self.none()
