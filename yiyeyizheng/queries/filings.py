"""执照存档: the clerk's open applications of a holder (for the scan page, through
``portal.hooks``) and the licences filed with an application (for the case pages)."""

from dataclasses import dataclass

from django.urls import reverse

from elicense.models import CertificateKind, VerificationResult
from portal.hooks import HolderCase
from yiyeyizheng.models import Application, AttachmentPurpose, LicenceFiling
from yiyeyizheng.models.applications import OPEN_STATUSES
from yiyeyizheng.permissions import is_window_clerk


def open_cases_for_holder(user, holder_uscc: str) -> list[HolderCase]:
    """The holder's applications at the clerk's district window not yet concluded (one
    query); none for anyone but a window clerk with a district."""
    if not is_window_clerk(user) or not holder_uscc:
        return []
    applications = (
        Application.objects.visible_to(user)
        .filter(entity_uscc=holder_uscc, district_id=user.district_id, status__in=OPEN_STATUSES)
        .select_related("business_format")
        .order_by("-submitted_at", "-pk")
    )
    return [
        HolderCase(
            kind="一业一证申请",
            reference=application.number,
            title=f"{application.business_format.name}（{application.get_kind_display()}）",
            status=application.get_status_display(),
            url=reverse("yiyeyizheng:application_detail", args=[application.number]),
            file_url=reverse("yiyeyizheng:licence_file", args=[application.number]),
        )
        for application in applications
    ]


@dataclass(frozen=True)
class FiledLicence:
    """One filed licence as the case pages show it."""

    kind: str
    number: str
    holder_name: str
    version_issued_at: object
    check_id: str
    checked_at: object
    check_result: str
    verifier_label: str
    filed_by: str
    filed_at: object
    attachment_id: int | None


def filed_licences(application) -> list[FiledLicence]:
    """The licences filed with ``application``, oldest first (one query)."""
    filings = LicenceFiling.objects.filter(application=application).select_related("filed_by")
    return [
        FiledLicence(
            kind=CertificateKind(filing.certificate_kind).label,
            number=filing.certificate_number,
            holder_name=filing.holder_name,
            version_issued_at=filing.certificate_issued_at,
            check_id=str(filing.check_id),
            checked_at=filing.checked_at,
            check_result=VerificationResult(filing.check_result).label,
            verifier_label=filing.verifier_label,
            filed_by=str(filing.filed_by),
            filed_at=filing.filed_at,
            attachment_id=filing.attachment_id,
        )
        for filing in filings
    ]


def uploaded_attachments(application):
    """The applicant's uploads (the filed licences are listed with their checks instead)."""
    return application.attachments.exclude(purpose=AttachmentPurpose.SCANNED_LICENCE)
