"""Who may do what in the bright-kitchen project: named ``rules`` predicates (DESIGN.md §2)."""

import rules

from portal.models import Role


@rules.predicate
def is_district_officer(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.DISTRICT_OFFICER)


@rules.predicate
def is_city_officer(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.CITY_OFFICER)


#: 下一阶段: the district records its own stores' progress.
rules.add_perm("mingchu.advance_store_stage", is_district_officer)
#: 更正建设进度: the city bureau puts a stage recorded in error back, with a reason.
rules.add_perm("mingchu.correct_store_stage", is_city_officer)
