"""Turning register records into electronic certificates (elicense) and ending them.

Called by the register services inside their transactions, so a licence and its
certificate always commit or roll back together.
"""

from elicense import services as elicense
from elicense.models import CertificateKind
from elicense.models.certificates import certificate_of, source_of
from licensing.models import BusinessLicence, FoodLicence

__all__ = [
    "certificate_of",  # the lookup is elicense's; named here for the register's callers
    "certify_business_licence",
    "certify_food_licence",
    "end_certificate",
    "food_face",
    "source_of",
]


def certify_business_licence(*, acting_user, licence: BusinessLicence, previous=None):
    """Issue the certificate of a business-licence version (superseding ``previous``'s)."""
    face = licence.face
    entity = licence.entity
    return elicense.issue_certificate(
        acting_user=acting_user,
        kind=CertificateKind.BUSINESS_LICENCE,
        number=entity.uscc,
        holder_uscc=entity.uscc,
        holder_name=face["name"],
        face={"title": "营业执照", "version": licence.version, **face},
        valid_from=entity.established_on,
        valid_to=entity.operating_period_to,
        issuer=face["registration_authority"],
        source=source_of(licence),
        supersedes=certificate_of(previous) if previous is not None else None,
    )


def food_face(licence: FoodLicence) -> dict:
    return {
        "title": "食品经营许可证",
        "version": licence.version,
        "number": licence.number,
        "operator_name": licence.operator_name,
        "uscc": licence.holder_uscc,
        "legal_person_name": licence.legal_person_name,
        "subject_type": licence.get_subject_type_display(),
        "business_items": licence.business_item_labels(),
        "premises_address": licence.premises_address,
        "issuing_authority": licence.issuing_authority,
        "valid_from": licence.valid_from.isoformat(),
        "valid_to": licence.valid_to.isoformat(),
    }


def certify_food_licence(*, acting_user, licence: FoodLicence, previous=None):
    """Issue the certificate of a food-licence version (superseding ``previous``'s)."""
    return elicense.issue_certificate(
        acting_user=acting_user,
        kind=CertificateKind.FOOD_LICENCE,
        number=licence.number,
        holder_uscc=licence.holder_uscc,
        holder_name=licence.operator_name,
        face=food_face(licence),
        valid_from=licence.valid_from,
        valid_to=licence.valid_to,
        issuer=licence.issuing_authority,
        source=source_of(licence),
        supersedes=certificate_of(previous) if previous is not None else None,
    )


def end_certificate(*, licence, how: str, acting_user, reason: str = "") -> None:
    """End the certificate of ``licence``: how is cancel, revoke, supersede or expire."""
    certificate = certificate_of(licence)
    if certificate is None:
        return
    if how == "expire":
        elicense.expire_certificate(certificate=certificate)
        return
    end = {
        "cancel": elicense.cancel_certificate,
        "revoke": elicense.revoke_certificate,
        "supersede": elicense.supersede_certificate,
    }[how]
    end(certificate=certificate, acting_user=acting_user, reason=reason)
