from yiyeyizheng.models.catalogue import (
    BusinessFormat,
    CatalogueVersion,
    FormatItem,
    ItemKind,
    PermitItem,
    VersionStatus,
)

__all__ = [
    "BusinessFormat",
    "CatalogueVersion",
    "FormatItem",
    "ItemKind",
    "PermitItem",
    "VersionStatus",
]
