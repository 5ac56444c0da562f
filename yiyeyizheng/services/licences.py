"""Composite licences (行业综合许可证) and their electronic certificates.

Issued, versioned and ended only from an application's conclusion (``reviews.conclude``), in
its transaction, so a licence and its certificate commit or roll back together; the
certificate is signed by the elicense task after the commit, as for business licences.
Validity is unified: five years from the first issue, kept by every later version.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from elicense import services as elicense
from elicense.models import Certificate, CertificateKind
from elicense.models.certificates import certificate_of, source_of
from licensing.models import FoodBusinessItem, FoodSubjectType
from licensing.services import food
from licensing.services.common import authority_name
from licensing.services.food import five_year_validity_end
from portal.audit import record_event
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import ApplicationKind, CompositeLicence, LicenceStatus
from yiyeyizheng.services import numbering

APPROVED = {"licence": "准予许可", "filing": "已备案"}
#: The catalogue's name of the food permit that a composite licence may carry.
FOOD_PERMIT = "食品经营许可"
#: 主体业态 and 经营项目 of a carried food permit, by the format's 行业分类 (ADR 0018).
FOOD_SUBJECT = {"餐饮业": (FoodSubjectType.CATERING, [FoodBusinessItem.HOT_FOOD])}
FOOD_SUBJECT_DEFAULT = (FoodSubjectType.SALES, [FoodBusinessItem.PREPACKAGED])


def licence_items(application, previous: CompositeLicence | None) -> list[dict]:
    """The integrated items with their results: reviewed ones from this application, the
    others (unaffected by a change, or a reissue) carried over from the previous version."""
    carried = {item["permit"]: item for item in previous.items} if previous else {}
    reviews = {}
    for review in application.reviews.select_related("department"):
        reviews.setdefault(review.permit_name, []).append(review)
    items = []
    for decision in sorted(application.chosen_items(), key=lambda d: d["position"]):
        permit = decision["permit"]
        if permit in reviews:
            done = max(r.decided_at for r in reviews[permit])
            items.append(
                {
                    "permit": permit,
                    "kind": decision["kind"],
                    "departments": "、".join(r.department.name for r in reviews[permit]),
                    "result": APPROVED.get(decision["kind"], "准予许可"),
                    "decided_on": timezone.localdate(done).isoformat(),
                }
            )
        elif permit in carried:
            items.append(carried[permit])
    return items


def face(licence: CompositeLicence) -> dict:
    """The certificate face: each integrated item with its status and department."""
    return {
        "title": "行业综合许可证",
        "version": licence.version,
        "number": licence.number,
        "name": licence.entity_name,
        "uscc": licence.entity_uscc,
        "business_format": licence.business_format.name,
        "premises_address": licence.premises_address,
        "items": [
            {
                "permit": item["permit"],
                "kind": "备案" if item["kind"] == "filing" else "许可",
                "department": item["departments"],
                "status": item["result"],
            }
            for item in licence.items
        ],
        "issuing_authority": authority_name(licence.district),
        "valid_from": licence.valid_from.isoformat(),
        "valid_to": licence.valid_to.isoformat(),
    }


def _certify(acting_user, licence: CompositeLicence, supersedes=None) -> Certificate:
    return elicense.issue_certificate(
        acting_user=acting_user,
        kind=CertificateKind.COMPOSITE_LICENCE,
        number=licence.number,
        holder_uscc=licence.entity_uscc,
        holder_name=licence.entity_name,
        face=face(licence),
        valid_from=licence.valid_from,
        valid_to=licence.valid_to,
        issuer=authority_name(licence.district),
        source=source_of(licence),
        supersedes=supersedes,
    )


def issue_licence(*, acting_user, application) -> CompositeLicence:
    """Issue the licence of a new application, or the next version for a change or reissue.

    A change supersedes the previous certificate; a reissue (after loss or damage) revokes
    it, so the lost copy's QR reads 已吊销, and issues a fresh one.
    """
    now = timezone.now()
    previous = None
    if application.licence_id:
        previous = CompositeLicence.objects.select_for_update().get(pk=application.licence_id)
        if previous.status != LicenceStatus.ACTIVE:
            raise ValidationError(f"许可证{previous.get_status_display()}，不能变更或补办。")
    if previous is None:
        valid_from = timezone.localdate(now)
        number = numbering.licence_number(
            district_code=application.district_id, year=valid_from.year
        )
        version, valid_to = 1, five_year_validity_end(valid_from)
    else:
        number, version = previous.number, previous.version + 1
        valid_from, valid_to = previous.valid_from, previous.valid_to
        old_certificate = certificate_of(previous)
        previous.supersede(at=now)
        previous.save()
    licence = CompositeLicence.objects.create(
        number=number,
        version=version,
        entity=application.entity,
        entity_uscc=application.entity_uscc,
        entity_name=application.entity.name,
        business_format=application.business_format,
        district=application.district,
        premises_address=application.form_data.get("premises_address", ""),
        items=licence_items(application, previous),
        answers=application.answers,
        valid_from=valid_from,
        valid_to=valid_to,
        issued_at=now,
    )
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_LICENCE_ISSUED,
        obj=licence,
        changes={
            "number": number,
            "version": version,
            "application": application.number,
            "items": [item["permit"] for item in licence.items],
        },
    )
    supersedes = None
    if previous is not None and old_certificate is not None:
        if application.kind == ApplicationKind.REISSUE:
            elicense.revoke_certificate(
                certificate=old_certificate, acting_user=acting_user, reason="遗失（损毁）补办"
            )
        else:
            supersedes = old_certificate
    _certify(acting_user, licence, supersedes=supersedes)
    _carry_food_permit(acting_user, licence)
    return licence


def _carry_food_permit(acting_user, licence: CompositeLicence) -> None:
    """Every version that includes an approved 食品经营许可 records it as a food licence under
    this licence's number, so platforms, bulk checks, supplier lists and 明厨亮灶 see it; a
    version without it ends the food permit of the previous one."""
    approved = any(
        item["permit"] == FOOD_PERMIT and item["result"] == APPROVED["licence"]
        for item in licence.items
    )
    if not approved:
        food.end_carried_food_permit(
            acting_user=acting_user,
            number=licence.number,
            reason="行业综合许可证不再载明食品经营许可",
        )
        return
    subject_type, business_items = FOOD_SUBJECT.get(
        licence.business_format.category, FOOD_SUBJECT_DEFAULT
    )
    food.carry_food_permit(
        acting_user=acting_user,
        entity=licence.entity,
        number=licence.number,
        subject_type=subject_type,
        business_items=business_items,
        premises_address=licence.premises_address or licence.entity.address,
        valid_from=licence.valid_from,
        valid_to=licence.valid_to,
        issuing_authority=authority_name(licence.district),
        reason=f"行业综合许可证第{licence.version}版",
    )


#: The composite licence's audit action by the status ``_end`` leaves it in.
LICENCE_ENDED = {
    LicenceStatus.CANCELLED: YiyeyizhengAction.YYZ_LICENCE_CANCELLED,
    LicenceStatus.REVOKED: YiyeyizhengAction.YYZ_LICENCE_REVOKED,
}


def _end(*, acting_user, licence: CompositeLicence, how: str, reason: str, changes: dict):
    """End ``licence`` (``how`` is cancel or revoke) with its certificate and food permit."""
    getattr(licence, how)(at=timezone.now())
    licence.save()
    record_event(
        actor=acting_user,
        action=LICENCE_ENDED[licence.status],
        obj=licence,
        changes={"status": ["active", licence.status], **changes},
    )
    certificate = certificate_of(licence)
    if certificate is not None and certificate.is_live:
        end = elicense.revoke_certificate if how == "revoke" else elicense.cancel_certificate
        end(certificate=certificate, acting_user=acting_user, reason=reason)
    food.end_carried_food_permit(acting_user=acting_user, number=licence.number, reason=reason)
    return licence


def cancel_licence(*, acting_user, application) -> CompositeLicence:
    """注销: the licence and every integrated item end; its certificate is cancelled."""
    licence = CompositeLicence.objects.select_for_update().get(pk=application.licence_id)
    if licence.status != LicenceStatus.ACTIVE:
        raise ValidationError(f"许可证{licence.get_status_display()}，不能注销。")
    return _end(
        acting_user=acting_user,
        licence=licence,
        how="cancel",
        reason=application.reason or "申请注销",
        changes={"application": application.number},
    )


def end_licences_of_entity(event) -> None:
    """The holder was cancelled or revoked (``portal.hooks.EntityEnded``): its composite
    licences end with it in the same transaction (目录：注销协同营业执照注销程序)."""
    licences = CompositeLicence.objects.select_for_update().filter(
        entity_uscc=event.uscc, status=LicenceStatus.ACTIVE
    )
    for licence in licences:
        _end(
            acting_user=event.acting_user,
            licence=licence,
            how=event.how,
            reason=event.reason,
            changes={"reason": event.reason},
        )
