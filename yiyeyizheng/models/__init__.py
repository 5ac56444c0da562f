from yiyeyizheng.models.applications import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    AttachmentPurpose,
    ReviewStatus,
)
from yiyeyizheng.models.assistance import AssistanceRequest, AssistanceStatus
from yiyeyizheng.models.attachments import Attachment, LicenceFiling
from yiyeyizheng.models.catalogue import (
    BusinessFormat,
    CatalogueVersion,
    FormatItem,
    ItemKind,
    PermitItem,
    VersionStatus,
)
from yiyeyizheng.models.composite import CompositeLicence, LicenceStatus
from yiyeyizheng.models.guides import ComplianceGuide
from yiyeyizheng.models.ratings import RatingGrade, ServiceRating
from yiyeyizheng.models.reviews import ItemReview

__all__ = [
    "Application",
    "ApplicationKind",
    "ApplicationStatus",
    "AssistanceRequest",
    "AssistanceStatus",
    "Attachment",
    "AttachmentPurpose",
    "BusinessFormat",
    "CatalogueVersion",
    "ComplianceGuide",
    "CompositeLicence",
    "FormatItem",
    "ItemKind",
    "ItemReview",
    "LicenceFiling",
    "LicenceStatus",
    "PermitItem",
    "RatingGrade",
    "ReviewStatus",
    "ServiceRating",
    "VersionStatus",
]
