"""Who may do what in the 明厨亮灶 project: named ``rules`` predicates, asked by views,
services and templates alike (``user.has_perm``, ``{% has_perm %}``). Scoping stays with
``visible_to``: a rule says what a user may do within what they may see."""

import rules

from portal.models import Role


@rules.predicate
def is_district_officer(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.DISTRICT_OFFICER
        and user.district_id
    )


@rules.predicate
def is_city_officer(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.CITY_OFFICER)


@rules.predicate
def is_city_wide(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_city_wide)


@rules.predicate
def of_own_district(user, obj) -> bool:
    """The object (a store, a report, an assessment) belongs to the officer's district."""
    return obj is not None and obj.district_id == user.district_id


#: 对接上线期限: a city officer sets a year's deadline (实施方案 四（二）2).
rules.add_perm("mingchu.set_deadline", is_city_officer)
#: 评估总结: everyone who works on the project reads the acceptance pages (scoped).
rules.add_perm("mingchu.view_acceptance", is_city_wide | is_district_officer)
#: 区级验收评估: the district's own officers write, attach and submit it.
rules.add_perm("mingchu.self_assess", is_district_officer & of_own_district)
#: 市级验收评估 and 总结报告: the city bureau.
rules.add_perm("mingchu.assess_districts", is_city_officer)
rules.add_perm("mingchu.conclude_acceptance", is_city_officer)

#: 下一阶段: the district records its own stores' progress.
rules.add_perm("mingchu.advance_store_stage", is_district_officer)
#: 更正建设进度: the city bureau puts a stage recorded in error back, with a reason.
rules.add_perm("mingchu.correct_store_stage", is_city_officer)
