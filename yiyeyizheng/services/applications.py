"""The applicant's and the window's writes on 一业一证 applications.

Start from a questionnaire result (一次告知) with the form pre-filled from the register, save
drafts, sign and submit (一表申请), withdraw; the clerk accepts (一口受理, routing every item
to its departments at once) or returns with one consolidated notice; the applicant corrects.
Each function is one transaction with its audit event and notices.
"""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from elicense.permissions import is_agent, is_enterprise_user, require
from elicense.services.signatures import canonical_bytes, sign_document
from licensing.models import MarketEntity
from licensing.services.common import require_active
from portal.audit import diff, record_event
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    BusinessFormat,
    CatalogueVersion,
    ReviewStatus,
)
from yiyeyizheng.models.applications import FORM_FIELDS, SIGNING_MATTER
from yiyeyizheng.models.questions import QUESTION_ORDER
from yiyeyizheng.models.validators import normalise_phone
from yiyeyizheng.queries.decisions import (
    NOT_REQUIRED,
    OPTIONAL,
    REQUIRED,
    decide,
    questions_for,
    rule_keys,
)
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


def tickable(decision: dict) -> bool:
    """An item the applicant may tick or leave: optional (按需办理, or a rule not yet set) and
    not waiting on a fact of the business. A required item is never optional."""
    return decision["decision"] == OPTIONAL and not decision.get("awaiting")


def _item_ids(chosen_optional) -> set[int]:
    """The ticked optional items' ids; anything but whole numbers is a tampered form."""
    values = [str(pk).strip() for pk in chosen_optional]
    if not all(value.isdecimal() for value in values):
        raise ValidationError("所选的可选事项无效，请重新选择。")
    return {int(value) for value in values}


def _awaiting(item, decision: str, answers: dict) -> list[str]:
    """The facts of the business (not 按需办理 activities) this item's rule reads and the
    answers leave blank, unless the item is not needed whatever they are."""
    if decision == NOT_REQUIRED:
        return []
    keys = dict.fromkeys(rule_keys(item.rule or {}))
    return [key for key in QUESTION_ORDER if key in keys and key not in answers]


def decisions_snapshot(business_format, answers: dict, chosen_optional=()) -> list[dict]:
    """Every item's decision for these answers, frozen as data: what the application asks for
    (``chosen``: required items, and the tickable optional ones the applicant ticked;
    ``awaiting``: the blank facts the decision still rests on)."""
    chosen_optional = _item_ids(chosen_optional)
    snapshot = []
    for decision in decide(business_format, to_answers(answers)):
        item = decision.item
        entry = {
            "item_id": item.pk,
            "position": item.position,
            "permit": item.permit.name,
            "decision": decision.decision,
            "kind": decision.kind,
            "reason": decision.reason,
            "departments": [d.name for d in item.departments.all()],
            "awaiting": _awaiting(item, decision.decision, answers),
        }
        entry["chosen"] = decision.decision == REQUIRED or (
            tickable(entry) and item.pk in chosen_optional
        )
        snapshot.append(entry)
    return snapshot


def redecide(application: Application, answers: dict, chosen_optional=None) -> list[dict]:
    """The decisions of a new or change application for these facts (``answers``, cleaned).

    Optional items keep the ticks they had unless ``chosen_optional`` is given; a change keeps
    the optional items its licence holds. Cancellations and reissues carry the licence's items
    and are not re-decided.
    """
    if application.kind not in (ApplicationKind.NEW, ApplicationKind.CHANGE):
        return application.decisions
    if chosen_optional is None:
        chosen_optional = [d["item_id"] for d in application.decisions if d.get("chosen")]
    business_format = BusinessFormat.objects.with_items().get(pk=application.business_format_id)
    decisions = decisions_snapshot(business_format, answers, chosen_optional)
    if application.kind == ApplicationKind.CHANGE:
        held = {item["permit"] for item in application.licence.items}
        decisions = [
            {**d, "chosen": d["chosen"] or (tickable(d) and d["permit"] in held)} for d in decisions
        ]
    return decisions


def prefill(entity: MarketEntity) -> dict:
    """The form as the register already knows it (一表申请: nothing asked twice)."""
    return {
        "premises_address": entity.address,
        "contact_name": entity.legal_person_name,
        "contact_phone": "",
    }


def register_facts(entity: MarketEntity) -> dict:
    """What the government holds, shown read-only on the form and frozen into the signature."""
    food = entity.food_licences.in_force(timezone.localdate()).first()
    return {
        "uscc": entity.uscc,
        "name": entity.name,
        "legal_person_name": entity.legal_person_name,
        "address": entity.address,
        "entity_type": entity.get_entity_type_display(),
        "food_licence_number": food.number if food else "",
    }


def _clean_form(form_data: dict) -> dict:
    """The given form fields, stripped and bounded, the phone number checked and normalised
    (fields not given are left alone; a blank one is for ``missing()`` to report)."""
    cleaned = {}
    for field, label in FORM_FIELDS.items():
        if field not in form_data:
            continue
        value = str(form_data.get(field) or "").strip()
        if len(value) > MAX_FIELD_LENGTH:
            raise ValidationError({field: f"“{label}”不能超过{MAX_FIELD_LENGTH}个字。"})
        if field == "contact_phone" and value:
            try:
                value = normalise_phone(value)
            except ValidationError as error:
                raise ValidationError({field: error.messages}) from None
        cleaned[field] = value
    return cleaned


def new_draft(
    *,
    entity,
    business_format,
    applicant,
    answers,
    chosen_optional=(),
    assisted_by=None,
    form_data=None,
) -> Application:
    """The new draft (新办) row itself, for the applicant's own start and for the window's
    帮办代办: the current catalogue only, the district answered from the register, the
    version pinned, the decisions frozen, the form pre-filled. No audit: the callers write
    their own event."""
    if business_format.version != CatalogueVersion.current():
        raise ValidationError("该经营业态不属于现行目录，请重新进行问卷。")
    cleaned = clean_answers(business_format, answers)
    if "district" not in cleaned and any(
        q.key == "district" for q in questions_for(business_format)
    ):
        cleaned["district"] = entity.district.code  # the register knows it: not asked twice
    return Application.objects.create(
        number=numbering.application_number(timezone.localdate()),
        kind=ApplicationKind.NEW,
        catalogue_version=business_format.version,
        business_format=business_format,
        entity=entity,
        entity_uscc=entity.uscc,
        entity_name=entity.name,
        district=entity.district,
        applicant=applicant,
        assisted_by=assisted_by,
        answers=cleaned,
        form_data={**prefill(entity), **(form_data or {})},
        decisions=decisions_snapshot(business_format, cleaned, chosen_optional),
    )  # fmt: skip


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
    application = new_draft(
        entity=entity,
        business_format=business_format,
        applicant=acting_user,
        answers=answers,
        chosen_optional=chosen_optional,
    )
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_CREATED,
        obj=application,
        changes={
            "kind": application.kind,
            "format": business_format.seq,
            "answers": application.answers,
        },
    )
    return application


def _require_editable(application: Application) -> None:
    if not application.is_editable():
        raise ValidationError(f"申请{application.get_status_display()}，不能修改。")


def _require_not_with_the_window(application: Application) -> None:
    """帮办代办: while the window fills the draft, the applicant waits for the hand-over."""
    if application.is_with_the_window():
        raise ValidationError("窗口正在为您代为填写该申请，请在窗口交您确认后再修改或签署。")


def facts_editable(application: Application) -> bool:
    """The facts (and so the items) may change on a new or change application the applicant
    still holds; once accepted, the departments review what was accepted."""
    return application.kind in (ApplicationKind.NEW, ApplicationKind.CHANGE) and (
        application.is_unsubmitted()
    )


def _merged_answers(application: Application, answers) -> dict[str, str]:
    """The stored facts with those given replacing them (a blank one clears it), checked as
    the questionnaire checks them; facts not given are kept."""
    keys = [q.key for q in questions_for(application.business_format)]
    given = {key: answers[key] for key in keys if key in answers}
    return clean_answers(application.business_format, {**application.answers, **given})


@transaction.atomic
def save_draft(
    *, acting_user, application: Application, form_data: dict, answers=None, chosen_optional=None
) -> Application:
    """Save the applicant's form, the facts of the business (those ``answers`` gives) and the
    optional items ticked, on a draft or returned application; or the form alone while a
    department awaits a correction.

    The items are decided again from the facts on every save, so a changed area re-decides
    and a required item is chosen whatever the post says. Writes ``yyz_application.saved``.
    """
    application = lock(application)
    require_applicant(acting_user, application.entity_uscc)
    _require_editable(application)
    _require_not_with_the_window(application)
    before_form, before_answers = dict(application.form_data), dict(application.answers)
    before_chosen = [d["permit"] for d in application.chosen_items()]
    application.form_data = {**application.form_data, **_clean_form(form_data)}
    changes = diff(before_form, application.form_data)
    if facts_editable(application):
        if answers is not None:
            application.answers = _merged_answers(application, answers)
        application.decisions = redecide(
            application,
            application.answers,
            None if chosen_optional is None else _item_ids(chosen_optional),
        )
        changes.update(diff(before_answers, application.answers))
        chosen = [d["permit"] for d in application.chosen_items()]
        if chosen != before_chosen:
            changes["items"] = [before_chosen, chosen]
    elif answers is not None and _merged_answers(application, answers) != application.answers:
        raise ValidationError("申请已受理，经营情况（面积、场所、经营活动等）不能再修改。")
    application.save(update_fields=["form_data", "answers", "decisions"])
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_SAVED,
        obj=application,
        changes=changes,
    )
    return application


def signing_data(application: Application) -> dict:
    """The canonical data the entity signs: who, what, which items, the facts, the form, the
    files; and, for an application the window filled (帮办代办), who filled it."""
    data = {
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
            for a in application.attachments.order_by("pk")
        ],
    }
    if application.assisted_by_id:
        clerk = application.assisted_by
        data["assisted_by"] = clerk.full_name or clerk.get_username()
    return data


@dataclass(frozen=True)
class SigningSummary:
    """What signing would sign now: the data, its SHA-256 (the signed document's ``digest``),
    and what still stops it."""

    data: dict
    digest: str
    problems: list[str]

    @property
    def canonical(self) -> str:
        return canonical_bytes(self.data).decode()


def digest_of(data: dict) -> str:
    """SHA-256 of the canonical JSON: what ``sign_document`` stores as the document's digest."""
    return hashlib.sha256(canonical_bytes(data)).hexdigest()


def _redecide_stored(application: Application) -> None:
    """Decide the items again from the stored facts, in memory, while the facts may change.
    Stored facts that can no longer be true (written before today's checks) keep the old
    decisions: ``missing()`` names those facts and refuses the signature anyway."""
    if not facts_editable(application):
        return
    try:
        application.decisions = redecide(application, application.answers)
    except ValidationError:
        return


def signing_summary(application: Application) -> SigningSummary:
    """The summary the signing page shows; reads only (the items are decided again from the
    facts in memory, exactly as ``submit_application`` will before it signs)."""
    _redecide_stored(application)
    data = signing_data(application)
    return SigningSummary(
        data=data,
        digest=digest_of(data),
        problems=application.missing(),
    )


def _sign(acting_user, application: Application, *, title: str, shown_digest: str | None):
    """Sign what the applicant was shown; refuse if the data changed since (another tab,
    another user, an upload)."""
    data = signing_data(application)
    if shown_digest is not None and digest_of(data) != shown_digest:
        raise ValidationError("申请内容在您核对之后有变化，请重新核对签署内容后再签署。")
    matter = SIGNING_MATTER if is_agent(acting_user) else ""
    return sign_document(acting_user=acting_user, title=title, data=data, matter=matter)


@transaction.atomic
def submit_application(
    *, acting_user, application: Application, shown_digest: str | None = None
) -> Application:
    """Decide the items again from the facts, sign the canonical application data with the
    entity's electronic signature, then submit (提交): the district's window is told.

    Refused while anything is missing or impossible (``Application.missing``), and, given
    ``shown_digest`` (the signing page's), when the data is no longer what was shown.
    Writes ``yyz_application.submitted``.
    """
    from yiyeyizheng.services.assistance import confirm_signed

    application = lock(application)
    require_applicant(acting_user, application.entity_uscc)
    _require_editable(application)
    _require_not_with_the_window(application)
    _redecide_stored(application)
    problems = application.missing()
    if problems:
        raise ValidationError(f"申请尚不完整：{'；'.join(problems)}。")
    document = _sign(
        acting_user, application, title=f"一业一证申请 {application.number}",
        shown_digest=shown_digest,
    )  # fmt: skip
    application.signed_document = document
    previous = application.status
    application.submit(at=timezone.now())
    application.save()
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_SUBMITTED,
        obj=application,
        changes={"status": [previous, application.status], "signature": document.public_id},
    )
    confirm_signed(acting_user=acting_user, application=application)
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
        action=YiyeyizhengAction.YYZ_APPLICATION_WITHDRAWN,
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
        action=YiyeyizhengAction.YYZ_APPLICATION_RETURNED,
        obj=application,
        changes={"status": ["submitted", "returned"], "notice": notice},
    )
    notify.applicant(application, f"一业一证申请 {application.number} 被退回补正：{notice}")
    return application


@transaction.atomic
def accept_application(*, acting_user, application: Application) -> Application:
    """一口受理: route every item to every department concerned at once (parallel reviews).

    For a change only the affected items are routed; a cancellation or reissue (and a
    change affecting nothing) has nothing to review and is decided at once. Facts that
    cannot be true (an application signed before they were checked) are refused: the clerk
    returns it for correction instead.
    """
    from yiyeyizheng.services import reviews as review_services

    application = lock(application)
    _require_clerk(acting_user, application, application.accept)
    problems = application.fact_problems()
    if problems:
        raise ValidationError(f"申请内容有误，不能受理，请退回补正：{'；'.join(problems)}。")
    now = timezone.now()
    application.accept(by=acting_user, at=now)
    application.save()
    routed = route(application, affected_items(application), today=timezone.localdate(now))
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_ACCEPTED,
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
    *, acting_user, application: Application, form_data: dict | None = None,
    shown_digest: str | None = None,
) -> Application:  # fmt: skip
    """The applicant answers departments' correction requests (补正): the form is updated and
    signed again (complete, as at submission; given ``shown_digest``, only the data shown),
    and each review that asked goes back to pending with a new time limit."""
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
    application.signed_document = _sign(
        acting_user, application, title=f"一业一证申请 {application.number}（补正）",
        shown_digest=shown_digest,
    )  # fmt: skip
    application.save(update_fields=["form_data", "signed_document"])
    due = review_due_date(timezone.localdate())
    for review in waiting:
        review.reopen(due_date=due)
        review.save()
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_CORRECTED,
        obj=application,
        changes={
            "form": diff(before, application.form_data),
            "reopened": [f"{r.permit_name}：{r.department.name}" for r in waiting],
        },
    )
    notify.departments(waiting, f"一业一证申请 {application.number} 已补正，请继续审查。")
    return application
