"""The role predicates every app's permissions.py builds on (ADR 0030), on unsaved users."""

from django.contrib.auth.models import AnonymousUser

from portal.models import Role, User
from portal.permissions import (
    allows,
    has_city_wide_role,
    holds_one_of,
    is_bureau_staff,
    is_district_clerk,
    is_district_reader,
    is_enterprise_user,
    of_district,
    of_entity,
    role_of,
)


def test_the_shell_chooses_by_role_a_superuser_without_one_counts_as_administrator():
    assert role_of(AnonymousUser()) == "anonymous"
    assert role_of(User(role="", is_superuser=True)) == Role.ADMINISTRATOR
    assert role_of(User(role=Role.WINDOW_CLERK)) == Role.WINDOW_CLERK
    assert holds_one_of(User(role=Role.CITY_OFFICER), {Role.CITY_OFFICER})
    assert not holds_one_of(AnonymousUser(), {Role.CITY_OFFICER})


def test_bindings_count_clerks_need_their_district():
    clerk = User(role=Role.WINDOW_CLERK, district_id="310104")
    assert is_district_clerk(clerk) and is_district_reader(clerk)
    assert of_district(clerk, "310104") and not of_district(clerk, "310101")
    unbound = User(role=Role.WINDOW_CLERK)
    assert not is_district_clerk(unbound) and not of_district(unbound, None)
    assert not is_district_clerk(User(role=Role.DISTRICT_OFFICER, district_id="310104"))


def test_city_wide_staff_and_enterprise_users():
    assert has_city_wide_role(User(role=Role.CITY_OFFICER))
    assert has_city_wide_role(User(role="", is_superuser=True))
    assert not has_city_wide_role(User(role=Role.DISTRICT_OFFICER, district_id="310104"))
    owner = User(role=Role.ENTERPRISE, entity_uscc="91310000MA1FL0000X", is_active=True)
    assert is_enterprise_user(owner) and of_entity(owner, "91310000MA1FL0000X")
    assert not of_entity(owner, "") and not is_bureau_staff(owner)
    assert not is_enterprise_user(User(role=Role.ENTERPRISE, is_active=True))  # unbound
    assert not is_enterprise_user(AnonymousUser()) and not is_bureau_staff(AnonymousUser())


def test_a_named_rule_has_no_superuser_shortcut():
    superuser = User(role="", is_superuser=True, is_active=True)
    assert superuser.has_perm("licensing.register_entity")  # Django's shortcut
    assert not allows(superuser, "licensing.register_entity")  # the rule itself
    assert allows(User(role=Role.WINDOW_CLERK, is_active=True), "licensing.register_entity")
