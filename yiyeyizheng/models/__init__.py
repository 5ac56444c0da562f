from yiyeyizheng.models.applications import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    AttachmentPurpose,
    NumberCounter,
    ReviewStatus,
)
from yiyeyizheng.models.attachments import Attachment
from yiyeyizheng.models.catalogue import (
    BusinessFormat,
    CatalogueVersion,
    FormatItem,
    ItemKind,
    PermitItem,
    VersionStatus,
)
from yiyeyizheng.models.composite import CompositeLicence, LicenceStatus
from yiyeyizheng.models.reviews import ItemReview

__all__ = [
    "Application",
    "ApplicationKind",
    "ApplicationStatus",
    "Attachment",
    "AttachmentPurpose",
    "BusinessFormat",
    "CatalogueVersion",
    "CompositeLicence",
    "FormatItem",
    "ItemKind",
    "ItemReview",
    "LicenceStatus",
    "NumberCounter",
    "PermitItem",
    "ReviewStatus",
    "VersionStatus",
]
