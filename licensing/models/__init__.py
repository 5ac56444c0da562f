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

__all__ = [
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
    "UsccAllowlistEntry",
]
