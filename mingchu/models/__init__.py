"""互联网＋明厨亮灶: quotas, demo stores, monthly reports and city roll-ups."""

from mingchu.models.acceptance import (
    AcceptancePhase,
    AssessmentAttachment,
    AssessmentStatus,
    CityResult,
    DistrictAssessment,
    YearAcceptance,
)
from mingchu.models.quotas import (
    DistrictQuota,
    DistrictQuotaQuerySet,
    ProjectDeadline,
    QuotaChange,
)
from mingchu.models.reports import (
    MonthlyReport,
    MonthlyReportQuerySet,
    ReportReminder,
    ReportStatus,
    ReportVersion,
)
from mingchu.models.rollups import CityRollup
from mingchu.models.stores import (
    REGISTRY_FIGURES,
    STAGE_FIGURES,
    STAGE_ORDER,
    Camera,
    ControlPoint,
    DeliveryPlatform,
    DemoStore,
    DemoStoreQuerySet,
    LocationType,
    PlatformConnection,
    Stage,
    StageChange,
)

__all__ = [
    "AcceptancePhase",
    "AssessmentAttachment",
    "AssessmentStatus",
    "CityResult",
    "DeliveryPlatform",
    "DistrictAssessment",
    "ProjectDeadline",
    "YearAcceptance",
    "REGISTRY_FIGURES",
    "STAGE_FIGURES",
    "STAGE_ORDER",
    "Camera",
    "CityRollup",
    "ControlPoint",
    "DemoStore",
    "DemoStoreQuerySet",
    "DistrictQuota",
    "DistrictQuotaQuerySet",
    "LocationType",
    "MonthlyReport",
    "MonthlyReportQuerySet",
    "PlatformConnection",
    "QuotaChange",
    "ReportReminder",
    "ReportStatus",
    "ReportVersion",
    "Stage",
    "StageChange",
]
