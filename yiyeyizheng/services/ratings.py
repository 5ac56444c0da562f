"""好差评: the applicant rates the service once the application is concluded."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.audit import record_event
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import Application, RatingGrade, ServiceRating
from yiyeyizheng.models.ratings import LOW_GRADES
from yiyeyizheng.services.applications import lock, require_applicant

MAX_REASON_LENGTH = 500


@transaction.atomic
def rate_service(
    *, acting_user, application: Application, grade: str, reason: str = ""
) -> ServiceRating:
    """Rate the service of a concluded application (发证、办结 or 不予许可), once: 非常满意,
    满意, 基本满意, 不满意 or 非常不满意; a 不满意 or 非常不满意 (差评) must say why.
    Writes ``yyz_rating.rated``."""
    application = lock(application)
    require_applicant(acting_user, application.entity_uscc)
    if not application.is_concluded():
        raise ValidationError("申请办结后才能评价。")
    if grade not in RatingGrade.values:
        raise ValidationError({"grade": "请选择评价等级。"})
    reason = (reason or "").strip()
    if grade in LOW_GRADES and not reason:
        raise ValidationError({"reason": f"评价为“{RatingGrade(grade).label}”时，请写明理由。"})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({"reason": f"评价理由不能超过{MAX_REASON_LENGTH}个字。"})
    if ServiceRating.objects.filter(application=application).exists():
        raise ValidationError("该申请已评价，每次办结只能评价一次。")
    try:
        with transaction.atomic():
            rating = ServiceRating.objects.create(
                application=application, grade=grade, reason=reason, rated_by=acting_user
            )
    except IntegrityError:
        raise ValidationError("该申请已评价，每次办结只能评价一次。") from None
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_RATING_RATED,
        obj=application,
        changes={"grade": grade, "reason": reason},
    )
    return rating
