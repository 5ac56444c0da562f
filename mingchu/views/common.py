"""What every bright-kitchen page asks first: who may read, which year, which month."""

from django.http import Http404

from mingchu.models import DistrictQuota
from mingchu.models.quotas import YEARS
from portal.permissions import allows


def require_reader(request):
    """The project's pages are for city-wide staff and district officers; others get 404."""
    user = request.user
    if not allows(user, "mingchu.read"):
        raise Http404
    return user


def selected_year(request) -> int:
    """``?year=`` of the page, by default the project year (the latest with quotas)."""
    raw = request.GET.get("year")
    if raw is None:
        return DistrictQuota.objects.project_year()
    try:
        year = int(raw)
    except ValueError as error:
        raise Http404 from error
    if year not in YEARS:
        raise Http404
    return year


def check_period(year: int, month: int) -> None:
    """A month named in an address: anything outside the project's calendar is not found."""
    if year not in YEARS or not 1 <= month <= 12:
        raise Http404("没有该月份。")
