"""The applicant's and the window's writes on 一业一证 applications.

Start from a questionnaire result (一次告知) with the form pre-filled from the register, save
drafts, sign and submit (一表申请), withdraw; the clerk accepts (一口受理, routing every item
to its departments at once) or returns with one consolidated notice; the applicant corrects.
Each function is one transaction with its audit event and notices.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from elicense.permissions import is_agent, is_enterprise_user, require
from elicense.services.signatures import sign_document
from licensing.models import MarketEntity
from licensing.services.common import require_active
from portal.audit import diff, record_event
from yiyeyizheng.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    CatalogueVersion,
    ReviewStatus,
)
from yiyeyizheng.models.applications import FORM_FIELDS, SIGNING_MATTER
from yiyeyizheng.rules import OPTIONAL, REQUIRED, decide
from yiyeyizheng.services import notify, numbering
from yiyeyizheng.services.answers import clean_answers, to_answers
from yiyeyizheng.services.routing import affected_items, review_due_date, route

MAX_FIELD_LENGTH = 200


def require_applicant(acting_user, uscc: str) -> None:
    """A user of the entity ``uscc`` with ``yiyeyizheng.apply``: its legal representative, or
    an agent with a current authorisation covering 一业一证 (PermissionDenied otherwise)."""
    if not is_enterprise_user(acting_user) or acting_user.entity_uscc != uscc:
        raise PermissionDenied("只有本企业的用户可以办理该申请。")
    require(acting_user, "yiyeyizheng.apply")


def lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _chosen(decision: str, item_id: int, chosen_optional) -> bool:
    return decision == REQUIRED or (decision == OPTIONAL and item_id in chosen_optional)


def _item_ids(chosen_optional) -> set[int]:
    """The ticked optional items' ids; anything but whole numbers is a tampered form."""
    values = [str(pk).strip() for pk in chosen_optional]
    if not all(value.isdecimal() for value in values):
        raise ValidationError("所选的可选事项无效，请重新选择。")
    return {int(value) for value in values}


def decisions_snapshot(business_format, answers: dict, chosen_optional=()) -> list[dict]:
    """Every item's decision for these answers, frozen as data: what the application asks for
    (``chosen``: required items, and the optional ones the applicant ticked)."""
    chosen_optional = _item_ids(chosen_optional)
    snapshot = []
    for decision in decide(business_format, to_answers(answers)):
        item = decision.item
        snapshot.append(
            {
                "item_id": item.pk,
                "position": item.position,
                "permit": item.permit.name,
                "decision": decision.decision,
                "kind": decision.kind,
                "reason": decision.reason,
                "departments": [d.name for d in item.departments.all()],
                "chosen": _chosen(decision.decision, item.pk, chosen_optional),
            }
        )
    return snapshot


def prefill(entity: MarketEntity, answers: dict) -> dict:
    """The form as the register already knows it (一表申请: nothing asked twice)."""
    return {
        "premises_address": entity.address,
        "area_m2": answers.get("area_m2", ""),
        "contact_name": entity.legal_person_name,
        "contact_phone": "",
    }


def register_facts(entity: MarketEntity) -> dict:
    """What the government holds, shown read-only on the form and frozen into the signature."""
    food = entity.food_licences.filter(is_current=True, status="active").first()
    return {
        "uscc": entity.uscc,
        "name": entity.name,
        "legal_person_name": entity.legal_person_name,
        "address": entity.address,
        "entity_type": entity.get_entity_type_display(),
        "food_licence_number": food.number if food else "",
    }


def _clean_form(form_data: dict) -> dict:
    """The given form fields, stripped and bounded (fields not given are left alone)."""
    cleaned = {}
    for field, label in FORM_FIELDS.items():
        if field not in form_data:
            continue
        value = str(form_data.get(field) or "").strip()
        if len(value) > MAX_FIELD_LENGTH:
            raise ValidationError({field: f"“{label}”不能超过{MAX_FIELD_LENGTH}个字。"})
        cleaned[field] = value
    return cleaned


@transaction.atomic
def start_application(*, acting_user, business_format, answers, chosen_optional=()) -> Application:
    """A new draft (新办) for the acting user's entity, from a questionnaire result.

    Pins the catalogue version, freezes the decisions and pre-fills the form from the
    register; numbered at once so the applicant can refer to it. Writes
    ``yyz_application.created``.
    """
    entity = MarketEntity.objects.filter(uscc=acting_user.entity_uscc).first()
    if entity is None:
        raise ValidationError("登记库中没有您的市场主体，不能申请。")
    require_applicant(acting_user, entity.uscc)
    require_active(entity)
    if business_format.version != CatalogueVersion.current():
        raise ValidationError("该经营业态不属于现行目录，请重新进行问卷。")
    cleaned = clean_answers(business_format, answers)
    application = Application.objects.create(
        number=numbering.application_number(timezone.localdate()),
        kind=ApplicationKind.NEW,
        catalogue_version=business_format.version,
        business_format=business_format,
        entity=entity,
        entity_uscc=entity.uscc,
        entity_name=entity.name,
        district=entity.district,
        applicant=acting_user,
        answers=cleaned,
        form_data=prefill(entity, cleaned),
        decisions=decisions_snapshot(business_format, cleaned, chosen_optional),
    )
    record_event(
        actor=acting_user,
        action="yyz_application.created",
        obj=application,
        changes={"kind": application.kind, "format": business_format.seq, "answers": cleaned},
    )
    return application


def _require_editable(application: Application) -> None:
    if not application.is_editable():
        raise ValidationError(f"申请{application.get_status_display()}，不能修改。")


@transaction.atomic
def save_draft(
    *, acting_user, application: Application, form_data: dict, chosen_optional=None
) -> Application:
    """Save the applicant's form (and the optional items ticked) on a draft or returned one."""
    application = lock(application)
    require_applicant(acting_user, application.entity_uscc)
    _require_editable(application)
    before = dict(application.form_data)
    application.form_data = {**application.form_data, **_clean_form(form_data)}
    changes = diff(before, application.form_data)
    before_acceptance = application.status != ApplicationStatus.ACCEPTED
    if (
        chosen_optional is not None
        and application.kind == ApplicationKind.NEW
        and before_acceptance
    ):
        chosen = _item_ids(chosen_optional)
        application.decisions = [
            {**d, "chosen": _chosen(d["decision"], d["item_id"], chosen)}
            for d in application.decisions
        ]
        changes["chosen"] = sorted(chosen)
    application.save(update_fields=["form_data", "decisions"])
    record_event(
        actor=acting_user, action="yyz_application.saved", obj=application, changes=changes
    )
    return application


def signing_data(application: Application) -> dict:
    """The canonical data the entity signs: who, what, which items, the form, the files."""
    return {
        "application": application.number,
        "kind": application.kind,
        "catalogue_version": application.catalogue_version.edition,
        "format": [application.business_format.seq, application.business_format.name],
        "entity": register_facts(application.entity),
        "answers": application.answers,
        "form": application.form_data,
        "items": [{"permit": d["permit"], "kind": d["kind"]} for d in application.chosen_items()],
        "licence": application.licence.number if application.licence_id else None,
        "reason": application.reason,
        "attachments": [
            {"purpose": a.purpose, "name": a.original_name, "size": a.size}
            for a in application.attachments.all()
        ],
    }


@transaction.atomic
def submit_application(*, acting_user, application: Application) -> Application:
    """Sign the canonical application data with the entity's electronic signature, then
    submit (提交): the district's window is told. Writes ``yyz_application.submitted``."""
    application = lock(application)
    require_applicant(acting_user, application.entity_uscc)
    _require_editable(application)
    problems = application.missing()
    if problems:
        raise ValidationError(f"申请尚不完整：{'；'.join(problems)}。")
    matter = SIGNING_MATTER if is_agent(acting_user) else ""
    document = sign_document(
        acting_user=acting_user,
        title=f"一业一证申请 {application.number}",
        data=signing_data(application),
        matter=matter,
    )
    application.signed_document = document
    previous = application.status
    application.submit(at=timezone.now())
    application.save()
    record_event(
        actor=acting_user,
        action="yyz_application.submitted",
        obj=application,
        changes={"status": [previous, application.status], "signature": document.public_id},
    )
    notify.clerks(
        application, f"一业一证申请 {application.number}（{application.entity_name}）待受理。"
    )
    return application


@transaction.atomic
def withdraw_application(*, acting_user, application: Application) -> Application:
    """撤回 a draft or a returned application."""
    application = lock(application)
    require_applicant(acting_user, application.entity_uscc)
    if not can_proceed(application.withdraw):
        raise ValidationError("只有草稿或退回补正的申请可以撤回。")
    previous = application.status
    application.withdraw(at=timezone.now())
    application.save()
    record_event(
        actor=acting_user,
        action="yyz_application.withdrawn",
        obj=application,
        changes={"status": [previous, application.status]},
    )
    return application


def _require_clerk(acting_user, application: Application, transition) -> None:
    if not has_transition_perm(transition, acting_user):
        if not application.is_clerk_of(acting_user):
            raise PermissionDenied("只有本区窗口人员可以受理该申请。")
        raise ValidationError(f"申请{application.get_status_display()}，不能办理此操作。")


@transaction.atomic
def return_application(*, acting_user, application: Application, notice: str) -> Application:
    """退回补正 with one consolidated notice listing everything to correct (一次告知)."""
    application = lock(application)
    _require_clerk(acting_user, application, application.return_for_correction)
    notice = (notice or "").strip()
    if not notice:
        raise ValidationError({"notice": "请一次性写明需要补正的全部内容。"})
    application.return_for_correction(notice=notice)
    application.save()
    record_event(
        actor=acting_user,
        action="yyz_application.returned",
        obj=application,
        changes={"status": ["submitted", "returned"], "notice": notice},
    )
    notify.applicant(application, f"一业一证申请 {application.number} 被退回补正：{notice}")
    return application


@transaction.atomic
def accept_application(*, acting_user, application: Application) -> Application:
    """一口受理: route every item to every department concerned at once (parallel reviews).

    For a change only the affected items are routed; a cancellation or reissue (and a
    change affecting nothing) has nothing to review and is decided at once.
    """
    from yiyeyizheng.services import reviews as review_services

    application = lock(application)
    _require_clerk(acting_user, application, application.accept)
    now = timezone.now()
    application.accept(by=acting_user, at=now)
    application.save()
    routed = route(application, affected_items(application), today=timezone.localdate(now))
    record_event(
        actor=acting_user,
        action="yyz_application.accepted",
        obj=application,
        changes={
            "status": ["submitted", "accepted"],
            "routed": [f"{r.permit_name}：{r.department.name}" for r in routed],
        },
    )
    notify.applicant(application, f"一业一证申请 {application.number} 已受理。")
    if routed:
        notify.departments(
            routed, f"一业一证申请 {application.number}（{application.entity_name}）有待审查事项。"
        )
    else:
        review_services.conclude(acting_user=acting_user, application=application)
    return application


@transaction.atomic
def correct_application(
    *, acting_user, application: Application, form_data: dict | None = None
) -> Application:
    """The applicant answers departments' correction requests (补正): the form is updated and
    signed again (complete, as at submission), and each review that asked goes back to
    pending with a new time limit."""
    application = lock(application)
    require_applicant(acting_user, application.entity_uscc)
    waiting = list(
        application.reviews.select_for_update().filter(status=ReviewStatus.CORRECTION_REQUESTED)
    )
    if application.status != ApplicationStatus.ACCEPTED or not waiting:
        raise ValidationError("没有部门要求补正，无需提交补正。")
    before = dict(application.form_data)
    if form_data is not None:
        application.form_data = {**application.form_data, **_clean_form(form_data)}
    problems = application.missing()
    if problems:
        raise ValidationError(f"补正后的申请仍不完整：{'；'.join(problems)}。")
    matter = SIGNING_MATTER if is_agent(acting_user) else ""
    application.signed_document = sign_document(
        acting_user=acting_user,
        title=f"一业一证申请 {application.number}（补正）",
        data=signing_data(application),
        matter=matter,
    )
    application.save(update_fields=["form_data", "signed_document"])
    due = review_due_date(timezone.localdate())
    for review in waiting:
        review.reopen(due_date=due)
        review.save()
    record_event(
        actor=acting_user,
        action="yyz_application.corrected",
        obj=application,
        changes={
            "form": diff(before, application.form_data),
            "reopened": [f"{r.permit_name}：{r.department.name}" for r in waiting],
        },
    )
    notify.departments(waiting, f"一业一证申请 {application.number} 已补正，请继续审查。")
    return application
