"""合规经营指南 (一册告知): written per format by the administrators, in the admin."""

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.audit import diff, record_event
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import BusinessFormat, ComplianceGuide

MAX_GUIDE_LENGTH = 20_000


@transaction.atomic
def save_guide(*, acting_user, business_format: BusinessFormat, body: str) -> ComplianceGuide:
    """Write or rewrite the format's guide. Writes ``yyz_guide.saved``."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "请填写合规经营指南的内容。"})
    if len(body) > MAX_GUIDE_LENGTH:
        raise ValidationError({"body": f"合规经营指南不能超过{MAX_GUIDE_LENGTH}个字。"})
    guide = (
        ComplianceGuide.objects.select_for_update().filter(business_format=business_format).first()
    )
    before = {"body": guide.body if guide else ""}
    if guide is None:
        guide = ComplianceGuide(business_format=business_format)
    guide.body, guide.updated_by = body, acting_user
    guide.save()
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_GUIDE_SAVED,
        obj=guide,
        changes={"format": business_format.name, **diff(before, {"body": body})},
    )
    return guide
