from licensing.models.bulk_checks import BulkCheck, BulkCheckStatus, Verdict
from licensing.models.entities import EntityStatus, EntityType, MarketEntity, UsccAllowlistEntry
from licensing.models.licences import (
    BusinessLicence,
    BusinessLicenceStatus,
    FoodBusinessItem,
    FoodLicence,
    FoodLicenceSerial,
    FoodLicenceStatus,
    FoodSubjectType,
)
from licensing.models.suppliers import Supplier, SupplierState

__all__ = [
    "BulkCheck",
    "BulkCheckStatus",
    "Verdict",
    "BusinessLicence",
    "BusinessLicenceStatus",
    "EntityStatus",
    "EntityType",
    "FoodBusinessItem",
    "FoodLicence",
    "FoodLicenceSerial",
    "FoodLicenceStatus",
    "FoodSubjectType",
    "MarketEntity",
    "Supplier",
    "SupplierState",
    "UsccAllowlistEntry",
]
