"""好差评: the applicant's rating of the service after an application's conclusion.

The catalogue (shanghai-yiyeyizheng 2023) asks to "运用政务服务“好差评”制度……加强对改革实施
效果的评估"; the grades are the five of that system (国办发〔2019〕51号): 非常满意、满意、
基本满意、不满意、非常不满意. A 差评 (不满意, 非常不满意) carries its reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.permissions import is_bound_enterprise, is_bound_reviewer, is_district_clerk


class RatingGrade(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    VERY_DISSATISFIED = "very_dissatisfied", "非常不满意"


#: The grades that are a 差评 and must say why.
LOW_GRADES = (RatingGrade.DISSATISFIED, RatingGrade.VERY_DISSATISFIED)


class ServiceRatingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The entity's own (enterprise); the district's (window); those of applications
        the department reviewed or led (reviewer); all (city-wide)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city_wide:
            return self.all()
        if is_bound_enterprise(user):
            return self.filter(application__entity_uscc=user.entity_uscc)
        if is_district_clerk(user):
            return self.filter(application__district_id=user.district_id)
        if is_bound_reviewer(user):
            from yiyeyizheng.models.reviews import ItemReview

            reviewed = ItemReview.objects.visible_to(user).values("application_id")
            led = Q(application__business_format__lead_department_id=user.department_id)
            if user.district_id:
                led &= Q(application__district_id=user.district_id)
            return self.filter(Q(application_id__in=reviewed) | led)
        return self.none()


class ServiceRating(models.Model):
    """One rating per concluded application (好差评)."""

    application = models.OneToOneField(
        "yiyeyizheng.Application", verbose_name="申请", on_delete=models.PROTECT,
        related_name="rating",
    )  # fmt: skip
    grade = models.CharField("评价", max_length=20, choices=RatingGrade.choices)
    reason = models.TextField("评价理由", blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评价人", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    rated_at = models.DateTimeField("评价时间", auto_now_add=True)

    objects = ServiceRatingQuerySet.as_manager()

    class Meta:
        verbose_name = "好差评"
        verbose_name_plural = "好差评"
        ordering = ["-rated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="yyz_rating_low_grade_has_reason",
                condition=~Q(grade__in=[g.value for g in LOW_GRADES]) | ~Q(reason=""),
            )
        ]

    def __str__(self):
        return f"{self.application.number}：{self.get_grade_display()}"

    @property
    def is_low(self) -> bool:
        return self.grade in LOW_GRADES
