"""帮办代办: the applicant asks, the window fills the application on their behalf, the
applicant confirms and signs (the signature is ``submit_application``'s, as always).

"落实“两个免于提交”要求，提供帮办代办服务" (shanghai-yiyeyizheng 2023). The clerk never signs
and never submits: the draft is the applicant's own application, held by the window while it
fills it in (``Application.is_with_the_window``), handed over for the applicant to check,
complete (attachments) and sign.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from licensing.models import MarketEntity
from licensing.services.common import clean_uscc, require_active
from portal.audit import record_event
from portal.models import Role, User
from portal.services import notify_entity, notify_users
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import (
    Application,
    AssistanceRequest,
    BusinessFormat,
    CatalogueVersion,
)
from yiyeyizheng.models.validators import normalise_phone
from yiyeyizheng.queries.decisions import questions_for
from yiyeyizheng.services.answers import clean_answers
from yiyeyizheng.services.applications import (
    _clean_form,
    new_draft,
    redecide,
    require_applicant,
)


def _locked(assistance: AssistanceRequest) -> AssistanceRequest:
    return AssistanceRequest.objects.select_for_update().get(pk=assistance.pk)


@transaction.atomic
def request_assistance(
    *, acting_user, business_format: BusinessFormat, note: str, contact_phone: str
) -> AssistanceRequest:
    """The applicant asks the window of its district to fill a 一业一证 application for
    ``business_format``; the district's clerks are told. Writes ``yyz_assistance.requested``."""
    entity = MarketEntity.objects.filter(uscc=acting_user.entity_uscc).first()
    if entity is None:
        raise ValidationError("登记库中没有您的市场主体，不能申请帮办代办。")
    require_applicant(acting_user, entity.uscc)
    require_active(entity)
    if business_format.version != CatalogueVersion.current():
        raise ValidationError({"business_format": "该经营业态不属于现行目录。"})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请写明需要窗口帮您办理的事项。"})
    try:
        phone = normalise_phone(contact_phone)
    except ValidationError as error:
        raise ValidationError({"contact_phone": error.messages}) from None
    assistance = AssistanceRequest.objects.create(
        entity=entity,
        entity_uscc=entity.uscc,
        district=entity.district,
        business_format=business_format,
        requested_by=acting_user,
        note=note[:500],
        contact_phone=phone,
    )
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_ASSISTANCE_REQUESTED,
        obj=assistance,
        changes={"format": business_format.name, "note": assistance.note},
    )
    clerks = User.objects.filter(
        role=Role.WINDOW_CLERK, district_id=entity.district_id, is_active=True
    )
    notify_users(
        users=list(clerks),
        message=f"{entity.name}申请“一业一证”帮办代办（{business_format.name}）。",
        link=reverse("yiyeyizheng:assistance_detail", args=[assistance.pk]),
    )
    return assistance


def _require_clerk(acting_user, assistance, transition) -> None:
    if not assistance.is_clerk_of(acting_user):
        raise PermissionDenied("只有本区窗口人员可以帮办。")
    if not can_proceed(transition):
        raise ValidationError(f"帮办代办{assistance.get_status_display()}，不能办理此操作。")


@transaction.atomic
def draft_on_behalf(
    *, acting_user, assistance: AssistanceRequest, uscc: str, form_data: dict, answers,
    chosen_optional=(),
) -> Application:  # fmt: skip
    """The window fills the application (the 一业一证 window form) for the applicant who asked:
    the first save creates the applicant's draft (``assisted_by`` the clerk), later saves
    update it. ``uscc`` (scanned from the presented licence, or typed) must be the entity
    that asked. Writes ``yyz_assistance.drafted``."""
    assistance = _locked(assistance)
    _require_clerk(acting_user, assistance, assistance.draft)
    try:
        uscc = clean_uscc(uscc)
    except ValidationError as error:
        raise ValidationError({"uscc": error.messages}) from None
    if uscc != assistance.entity_uscc:
        raise ValidationError(
            {"uscc": "统一社会信用代码与申请帮办的主体不一致，请核对出示的执照。"}
        )
    entity = assistance.entity
    require_active(entity)
    business_format = BusinessFormat.objects.with_items().get(pk=assistance.business_format_id)
    keys = {q.key for q in questions_for(business_format)}
    given = {key: answers[key] for key in keys if key in answers}
    application = assistance.application
    if application is None:
        application = new_draft(
            entity=entity,
            business_format=business_format,
            applicant=assistance.requested_by,
            assisted_by=acting_user,
            answers=given,
            chosen_optional=chosen_optional,
            form_data=_clean_form(form_data),
        )
    else:
        application = Application.objects.select_for_update().get(pk=application.pk)
        cleaned = clean_answers(business_format, {**application.answers, **given})
        application.answers = cleaned
        application.form_data = {**application.form_data, **_clean_form(form_data)}
        application.decisions = redecide(application, cleaned, chosen_optional)
        application.save(update_fields=["answers", "form_data", "decisions"])
    assistance.draft(clerk=acting_user, application=application)
    assistance.save()
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_ASSISTANCE_DRAFTED,
        obj=application,
        changes={
            "assistance": assistance.pk,
            "form": application.form_data,
            "answers": application.answers,
            "items": [d["permit"] for d in application.chosen_items()],
        },
    )
    return application


@transaction.atomic
def hand_over(*, acting_user, assistance: AssistanceRequest) -> AssistanceRequest:
    """交申请人确认签署: the window is done; the applicant checks, completes and signs.
    Writes ``yyz_assistance.handed_over``."""
    assistance = _locked(assistance)
    _require_clerk(acting_user, assistance, assistance.hand_over)
    assistance.hand_over(at=timezone.now())
    assistance.save()
    application = assistance.application
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_ASSISTANCE_HANDED_OVER,
        obj=application,
        changes={"assistance": assistance.pk, "status": ["drafting", assistance.status]},
    )
    notify_entity(
        uscc=assistance.entity_uscc,
        message=(
            f"窗口已为您代为填写“一业一证”申请 {application.number}，"
            "请核对、补充材料后确认并签署提交。"
        ),
        link=reverse("yiyeyizheng:application_sign", args=[application.number]),
    )
    return assistance


def confirm_signed(*, acting_user, application: Application) -> None:
    """Called by ``submit_application`` in its transaction: the applicant's signature on an
    assisted application is its confirmation. Writes ``yyz_assistance.signed``."""
    assistance = (
        AssistanceRequest.objects.select_for_update().filter(application_id=application.pk).first()
    )
    if assistance is None or not can_proceed(assistance.confirm):
        return
    assistance.confirm(at=timezone.now())
    assistance.save()
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_ASSISTANCE_SIGNED,
        obj=application,
        changes={"assistance": assistance.pk, "signature": application.signed_document.public_id},
    )


@transaction.atomic
def cancel_assistance(*, acting_user, assistance: AssistanceRequest) -> AssistanceRequest:
    """The applicant withdraws the request; a draft already filled stays theirs to finish
    or withdraw. Writes ``yyz_assistance.cancelled``."""
    assistance = _locked(assistance)
    require_applicant(acting_user, assistance.entity_uscc)
    if not can_proceed(assistance.cancel):
        raise ValidationError(f"帮办代办{assistance.get_status_display()}，不能取消。")
    previous = assistance.status
    assistance.cancel()
    assistance.save()
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_ASSISTANCE_CANCELLED,
        obj=assistance,
        changes={"status": [previous, assistance.status]},
    )
    return assistance
