"""Who is who: the role predicates every app's ``permissions.py`` builds on (ADR 0030).

This is the one place that looks at ``user.role``, ``is_staff`` or ``is_superuser`` (apps
look at roles only in their own ``permissions.py``; ``tests/portal/test_house_plan.py``
fails on a role check anywhere else). Predicates are ``rules`` predicates: call them
(``is_city_wide(user)``), combine them (``is_window_clerk & is_district_bound``) or name
them as rules with ``add_rule``, which views and services ask with ``rules.has_perm`` and
templates with ``{% test_rule %}``.

A named rule is asked through ``rules`` rather than ``user.has_perm`` where a superuser
must not pass by Django's shortcut (a superuser is nobody's window clerk); rules that a
superuser should pass say so with ``is_superuser`` in their predicate.
"""

import rules

from portal.models.accounts import Role

#: The role name the shell shows to someone not signed in (nav and public panels).
ANONYMOUS = "anonymous"


def role_of(user) -> str:
    """The role the portal shell chooses nav items and home panels by: ``anonymous`` for
    visitors, ``administrator`` for a superuser made without a role, else ``user.role``."""
    if not user.is_authenticated:
        return ANONYMOUS
    if user.is_superuser and not user.role:
        return Role.ADMINISTRATOR.value
    return user.role


def holds_one_of(user, roles) -> bool:
    """Whether the shell shows ``user`` something declared for ``roles`` (``role_of``)."""
    return role_of(user) in roles


def has_role(*roles: str) -> rules.Predicate:
    """A predicate: the user's role is one of ``roles`` (no other condition)."""

    @rules.predicate(name=f"has_role({'|'.join(roles)})")
    def predicate(user) -> bool:
        return getattr(user, "role", None) in roles

    return predicate


is_enterprise = has_role(Role.ENTERPRISE)
is_window_clerk = has_role(Role.WINDOW_CLERK)
is_department_reviewer = has_role(Role.DEPARTMENT_REVIEWER)
is_district_officer = has_role(Role.DISTRICT_OFFICER)
is_city_officer = has_role(Role.CITY_OFFICER)
has_administrator_role = has_role(Role.ADMINISTRATOR)


@rules.predicate
def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_signed_in_and_active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


@rules.predicate
def is_district_bound(user) -> bool:
    """The account names its district (clerks, district officers, district reviewers)."""
    return bool(getattr(user, "district_id", None))


@rules.predicate
def is_department_bound(user) -> bool:
    return bool(getattr(user, "department_id", None))


@rules.predicate
def is_entity_bound(user) -> bool:
    """The account names its market entity by USCC (enterprise users)."""
    return bool(getattr(user, "entity_uscc", ""))


@rules.predicate
def of_district(user, district) -> bool:
    """The account's district is ``district`` (a District or its code)."""
    code = getattr(district, "pk", district)
    return bool(getattr(user, "district_id", None)) and user.district_id == code


@rules.predicate
def of_entity(user, uscc) -> bool:
    """The account is bound to the entity with this USCC."""
    return bool(uscc) and getattr(user, "entity_uscc", None) == uscc


#: City officers and administrators (and a superuser) read every district
#: (``User.is_city_wide`` asks this).
has_city_wide_role = has_role(Role.CITY_OFFICER, Role.ADMINISTRATOR) | is_superuser

#: An enterprise user bound to an entity (what enterprise scoping needs).
is_bound_enterprise = is_enterprise & is_entity_bound

#: An enterprise user bound to an entity, signed in and active.
is_enterprise_user = is_signed_in_and_active & is_bound_enterprise

#: Clerks and district officers bound to a district read that district's register.
is_district_reader = has_role(Role.WINDOW_CLERK, Role.DISTRICT_OFFICER) & is_district_bound

#: A department reviewer bound to a department (一业一证 并联审批).
is_bound_reviewer = is_department_reviewer & is_department_bound

#: Anyone signed in but an enterprise user: they read through their own scoping.
is_bureau_staff = is_signed_in_and_active & ~is_enterprise

#: City-wide staff, signed in and active.
is_city_wide = is_signed_in_and_active & has_city_wide_role

#: The administrator role or a superuser, signed in and active.
is_administrator = is_signed_in_and_active & (has_administrator_role | is_superuser)

#: A window clerk bound to a district: the clerk desk's pages.
is_district_clerk = is_window_clerk & is_district_bound

#: A district officer bound to a district: 明厨亮灶 stores, imports and reports.
is_district_bound_officer = is_district_officer & is_district_bound


def add_rule(name: str, predicate: rules.Predicate) -> None:
    """Name ``predicate`` as a rule (``rules.has_perm`` and ``{% has_perm %}``) and in the
    default rule set (``rules.test_rule`` and ``{% test_rule %}``, no superuser shortcut)."""
    rules.add_perm(name, predicate)
    rules.add_rule(name, predicate)


def allows(user, rule: str, obj=None) -> bool:
    """Whether ``rule`` allows ``user`` (on ``obj``), without Django's superuser shortcut."""
    return rules.has_perm(rule, user, obj)
