"""Reads of the acceptance (评估总结): a year's districts with their assessments."""

import dataclasses
from dataclasses import dataclass

from mingchu.models import DistrictAssessment, DistrictQuota, YearAcceptance
from mingchu.queries.rollups import Figures, RegistryRow


@dataclass(frozen=True)
class DistrictLine:
    """One district of the year on the acceptance page."""

    district_code: str
    district_name: str
    assessment: DistrictAssessment | None


@dataclass(frozen=True)
class CityAssessmentResult:
    """A district's self-assessment and the city's result, as the summary report keeps it."""

    self_assessment: str
    submitted_at: str
    attachments: int
    result: str
    result_label: str
    remarks: str


@dataclass
class SummaryRow(RegistryRow):
    """A district's registry row in the year's summary report, with its assessment."""

    assessment: CityAssessmentResult | None = None

    def as_stored(self) -> dict:
        assessment = None if self.assessment is None else dataclasses.asdict(self.assessment)
        return super().as_stored() | {"assessment": assessment}

    @classmethod
    def from_stored(cls, stored: dict) -> "SummaryRow":
        row = super().from_stored({k: v for k, v in stored.items() if k != "assessment"})
        if stored.get("assessment"):
            row.assessment = CityAssessmentResult(**stored["assessment"])
        return row


@dataclass(frozen=True)
class AcceptanceSummary:
    """The figures the year's summary report keeps (stored as JSON on the acceptance)."""

    rows: list[SummaryRow]
    totals: Figures

    def as_stored(self) -> dict:
        return {
            "rows": [row.as_stored() for row in self.rows],
            "totals": self.totals.as_stored(),
        }

    @classmethod
    def from_stored(cls, stored: dict) -> "AcceptanceSummary":
        return cls(
            rows=[SummaryRow.from_stored(row) for row in stored["rows"]],
            totals=Figures.from_stored(stored["totals"]),
        )


def acceptance_for(year: int) -> YearAcceptance:
    """The year's acceptance, unsaved (phase 区级验收评估) until someone acts on it."""
    return YearAcceptance.objects.filter(year=year).first() or YearAcceptance(year=year)


def district_lines(acceptance: YearAcceptance, user) -> list[DistrictLine]:
    """The year's districts (those with a quota) the user may see, in 附件1 order, each with
    its assessment if one was started. Two queries."""
    assessments = {}
    if acceptance.pk:
        assessments = {
            a.district_id: a
            for a in DistrictAssessment.objects.visible_to(user)
            .filter(acceptance=acceptance)
            .select_related("acceptance")
        }
    quotas = DistrictQuota.objects.visible_to(user).for_year(acceptance.year)
    return [
        DistrictLine(q.district_id, q.district.short_name, assessments.get(q.district_id))
        for q in quotas
    ]
