"""Starting a change (变更), cancellation (注销) or reissue (补办) of a composite licence.

Each creates a draft application pinned to the licence's catalogue version and format; the
applicant then signs and submits it like a new one, and the window accepts it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.audit import record_event
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    CompositeLicence,
    LicenceStatus,
)
from yiyeyizheng.models.applications import FORM_FIELDS
from yiyeyizheng.services import numbering
from yiyeyizheng.services.answers import clean_answers
from yiyeyizheng.services.applications import (
    _clean_form,
    decisions_snapshot,
    require_applicant,
    tickable,
)

OPEN = [
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.RETURNED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.APPROVED,
]


def _lock_licence(acting_user, licence: CompositeLicence) -> CompositeLicence:
    licence = CompositeLicence.objects.select_for_update().get(pk=licence.pk)
    require_applicant(acting_user, licence.entity_uscc)
    if licence.status != LicenceStatus.ACTIVE:
        raise ValidationError(f"该许可证{licence.get_status_display()}，不能办理。")
    if Application.objects.filter(licence__number=licence.number, status__in=OPEN).exists():
        raise ValidationError("该许可证已有正在办理的申请，请先办结或撤回。")
    return licence


def _create(acting_user, licence, kind, *, answers, form_data, decisions, reason):
    application = Application.objects.create(
        number=numbering.application_number(timezone.localdate()),
        kind=kind,
        catalogue_version=licence.business_format.version,
        business_format=licence.business_format,
        entity=licence.entity,
        entity_uscc=licence.entity_uscc,
        entity_name=licence.entity.name,
        district=licence.district,
        applicant=acting_user,
        licence=licence,
        answers=answers,
        form_data=form_data,
        decisions=decisions,
        reason=reason,
    )
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_CREATED,
        obj=application,
        changes={"kind": kind, "licence": licence.number, "version": licence.version},
    )
    return application


def _last_form(licence: CompositeLicence) -> dict:
    """The form of the application that issued this version (contacts are asked once; an
    area kept in the form by older applications is dropped: the area is a fact, in answers)."""
    issuing = Application.objects.filter(licence=licence, status=ApplicationStatus.LICENSED)
    last = issuing.order_by("-closed_at").first()
    form = {k: v for k, v in (last.form_data if last else {}).items() if k in FORM_FIELDS}
    return {**form, "premises_address": licence.premises_address}


def _licence_decisions(licence: CompositeLicence) -> list[dict]:
    held = {item["permit"] for item in licence.items}
    return [
        {**d, "chosen": d["permit"] in held}
        for d in decisions_snapshot(licence.business_format, licence.answers)
    ]


@transaction.atomic
def start_change(
    *, acting_user, licence: CompositeLicence, answers, form_data, chosen_optional=()
) -> Application:
    """变更: new answers and form; items held before stay chosen when still optional.

    Only the affected items are reviewed after acceptance (``applications.affected_items``).
    """
    licence = _lock_licence(acting_user, licence)
    cleaned = clean_answers(licence.business_format, answers)
    held = {item["permit"] for item in licence.items}
    decisions = decisions_snapshot(licence.business_format, cleaned, chosen_optional)
    decisions = [
        {**d, "chosen": d["chosen"] or (tickable(d) and d["permit"] in held)} for d in decisions
    ]
    form = {**_last_form(licence), **_clean_form(form_data)}
    return _create(
        acting_user, licence, ApplicationKind.CHANGE,
        answers=cleaned, form_data=form, decisions=decisions, reason="变更",
    )  # fmt: skip


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写申请事由。"})
    return reason[:500]


@transaction.atomic
def start_cancellation(*, acting_user, licence: CompositeLicence, reason: str) -> Application:
    """注销: ends the licence, its items and its certificate once accepted."""
    licence = _lock_licence(acting_user, licence)
    return _create(
        acting_user, licence, ApplicationKind.CANCELLATION, answers=licence.answers,
        form_data={"premises_address": licence.premises_address},
        decisions=_licence_decisions(licence), reason=_reason(reason),
    )  # fmt: skip


@transaction.atomic
def start_reissue(*, acting_user, licence: CompositeLicence, reason: str) -> Application:
    """补办 after loss or damage: a new version with the same items; the old certificate is
    revoked once accepted. Needs a loss (damage) statement attached."""
    licence = _lock_licence(acting_user, licence)
    return _create(
        acting_user, licence, ApplicationKind.REISSUE, answers=licence.answers,
        form_data={"premises_address": licence.premises_address},
        decisions=_licence_decisions(licence), reason=_reason(reason),
    )  # fmt: skip
