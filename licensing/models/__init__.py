from licensing.models.bulk_checks import BulkCheck, BulkCheckRow, BulkCheckStatus, Verdict
from licensing.models.entities import EntityStatus, EntityType, MarketEntity, UsccAllowlistEntry
from licensing.models.licences import (
    BusinessLicence,
    BusinessLicenceStatus,
    FoodBusinessItem,
    FoodLicence,
    FoodLicenceStatus,
    FoodSubjectType,
)
from licensing.models.suppliers import Supplier, SupplierState

__all__ = [
    "BulkCheck",
    "BulkCheckRow",
    "BulkCheckStatus",
    "Verdict",
    "BusinessLicence",
    "BusinessLicenceStatus",
    "EntityStatus",
    "EntityType",
    "FoodBusinessItem",
    "FoodLicence",
    "FoodLicenceStatus",
    "FoodSubjectType",
    "MarketEntity",
    "Supplier",
    "SupplierState",
    "UsccAllowlistEntry",
]
