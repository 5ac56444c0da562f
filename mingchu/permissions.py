"""明厨亮灶: who may read the project's pages and who may change what (ADR 0030).

The pages are for city-wide staff and district officers bound to a district; district
officers keep their district's stores and file its monthly reports; city officers set
quotas and return reports; city officers and administrators build the city roll-up.
Rows are scoped by ``DistrictScopedQuerySet.visible_to``; these say what a user may do.
Views and services ask ``portal.permissions.allows(user, rule)`` or the predicate itself.
"""

import rules

from portal.models import Role
from portal.permissions import (
    add_rule,
    has_city_wide_role,
    has_role,
    is_city_officer,
    is_city_wide,
    is_district_bound_officer,
    is_district_officer,
    is_signed_in_and_active,
    is_superuser,
    of_district,
)

#: Reads the project's pages (quotas, stores, reports, dashboards); anyone else gets 404.
is_reader: rules.Predicate = has_city_wide_role | is_district_bound_officer

#: The district officer of ``district`` (a District or its code): its dashboard and reports.
is_officer_of_district: rules.Predicate = is_district_officer & of_district

#: Reads a district's dashboard: city-wide staff, or that district's officer.
reads_district: rules.Predicate = has_city_wide_role | is_officer_of_district

#: Who may build a roll-up by hand; the monthly beat run has no acting user.
is_rollup_builder: rules.Predicate = has_role(Role.CITY_OFFICER, Role.ADMINISTRATOR) | is_superuser

add_rule("mingchu.read", is_reader)
add_rule("mingchu.read_district", reads_district)
add_rule("mingchu.set_quotas", is_city_officer)
add_rule("mingchu.return_report", is_city_officer)
add_rule("mingchu.file_report", is_officer_of_district)
add_rule("mingchu.build_rollup", is_rollup_builder)
#: Registering and importing stores need the officer's district; stage changes and a store's
#: details are further scoped by ``DemoStore.objects.visible_to``.
add_rule("mingchu.register_stores", is_district_bound_officer)
add_rule("mingchu.maintain_stores", is_district_officer)


# --- 对接上线期限 and 评估总结 (ADR 0027) -------------------------------------------------
@rules.predicate
def of_own_district(user, obj) -> bool:
    """The object (a store, a report, an assessment) belongs to the officer's district."""
    return obj is not None and obj.district_id == user.district_id


#: 对接上线期限: a city officer sets a year's deadline (实施方案 四（二）2).
add_rule("mingchu.set_deadline", is_city_officer & is_signed_in_and_active)
#: 评估总结: everyone who works on the project reads the acceptance pages (scoped).
add_rule("mingchu.view_acceptance", is_city_wide | is_district_bound_officer)
#: 区级验收评估: the district's own officers write, attach and submit it.
add_rule(
    "mingchu.self_assess", is_district_bound_officer & is_signed_in_and_active & of_own_district
)
#: 市级验收评估 and 总结报告: the city bureau.
add_rule("mingchu.assess_districts", is_city_officer & is_signed_in_and_active)
add_rule("mingchu.conclude_acceptance", is_city_officer & is_signed_in_and_active)
#: 下一阶段: the district records its own stores' progress.
add_rule("mingchu.advance_store_stage", is_district_bound_officer & is_signed_in_and_active)
#: 更正建设进度: the city bureau puts a stage recorded in error back, with a reason.
add_rule("mingchu.correct_store_stage", is_city_officer & is_signed_in_and_active)
