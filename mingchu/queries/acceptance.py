"""Reads of the acceptance (评估总结): a year's districts with their assessments."""

from dataclasses import dataclass

from mingchu.models import DistrictAssessment, DistrictQuota, YearAcceptance


@dataclass(frozen=True)
class DistrictLine:
    """One district of the year on the acceptance page."""

    district_code: str
    district_name: str
    assessment: DistrictAssessment | None


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
