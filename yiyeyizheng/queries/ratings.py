"""好差评 as the window, the departments and the city see them."""

from dataclasses import dataclass

from django.db.models import Count

from yiyeyizheng.models import RatingGrade, ServiceRating
from yiyeyizheng.models.ratings import LOW_GRADES


@dataclass(frozen=True)
class GradeCount:
    grade: str
    label: str
    count: int


@dataclass(frozen=True)
class RatingSummary:
    grades: list[GradeCount]
    total: int
    low: int
    ratings: list[ServiceRating]

    @property
    def good_share(self) -> str:
        """The share of 非常满意, 满意 and 基本满意, as a percentage text."""
        if not self.total:
            return "—"
        return f"{(self.total - self.low) * 100 / self.total:.1f}%"


def rating_summary(user, *, limit: int = 200) -> RatingSummary:
    """The user's ratings (``ServiceRating.objects.visible_to``): a count per grade, in the
    system's order, and the latest ones with their reasons; three queries whatever the
    number of ratings."""
    visible = ServiceRating.objects.visible_to(user)
    counts = dict(visible.values_list("grade").annotate(n=Count("pk")).order_by())
    grades = [GradeCount(g.value, g.label, counts.get(g.value, 0)) for g in RatingGrade]
    ratings = list(
        visible.select_related("application__business_format", "application__district")[:limit]
    )
    total = sum(counts.values())
    return RatingSummary(
        grades=grades,
        total=total,
        low=sum(counts.get(g, 0) for g in LOW_GRADES),
        ratings=ratings,
    )
