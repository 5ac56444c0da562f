"""Where apps plug into the portal shell without the portal importing them.

Apps register navigation items and home-page panels in ``AppConfig.ready()``; the portal
shows those the signed-in user's role may see. Apps also add links to the public home page,
and marks on the shop-page badge (``elicense`` asks; ``mingchu`` answers for 明厨亮灶).
Registers above ``licensing`` hear when an entity ends (注销, 吊销), so that their licences
end in the same transaction (``licensing`` asks; ``yiyeyizheng`` answers for composite
licences). After a valid window scan, the scan page lists the clerk's open cases of the
holder to file the scanned licence with (执照存档: ``elicense`` asks; ``yiyeyizheng`` answers
for its applications). This keeps the dependency direction of DESIGN.md §3: portal knows
no app above it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from portal.permissions import holds_one_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100
    #: A rule the user must also have (``user.has_perm``), declared by the app; "" for none.
    permission: str = ""


@dataclass(frozen=True)
class HomePanel:
    """A block on a role's home page: ``context(request)`` returns the panel's read model (a
    dataclass), which ``template`` reads as ``panel``; ``when(panel)`` may hide it."""

    template: str
    context: Callable
    roles: frozenset[str]
    order: int = 100
    when: Callable | None = None


@dataclass(frozen=True)
class PublicLink:
    label: str
    url_name: str
    order: int = 100
    #: Whose tile on the public home page shows it: 企业, 公众, 平台 or 工作人员.
    audience: str = "公众"
    description: str = ""


@dataclass(frozen=True)
class BadgeMark:
    """A mark in the badge's ``<g data-mark-slot=slot>``, shown when ``provider(uscc)``."""

    slot: str
    provider: Callable


@dataclass(frozen=True)
class EntityEnded:
    """A market entity was cancelled (``how="cancel"``) or revoked (``how="revoke"``)."""

    uscc: str
    how: str
    reason: str
    acting_user: object


@dataclass(frozen=True)
class HolderCase:
    """An open case of a holder that a clerk may file a scanned licence with (执照存档).

    ``file_url`` takes a POST with ``check_id`` (the scan's 查验编号); the app behind it reads
    the check back from the verification log and decides."""

    kind: str
    reference: str
    title: str
    status: str
    url: str
    file_url: str


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    panels: list[HomePanel] = field(default_factory=list)
    login_panels: list[str] = field(default_factory=list)
    public_links: list[PublicLink] = field(default_factory=list)
    badge_marks: list[BadgeMark] = field(default_factory=list)
    entity_end_handlers: list[Callable] = field(default_factory=list)
    holder_case_providers: list[Callable] = field(default_factory=list)

    def add_nav(self, *, label, url_name, roles, order=100, permission=""):
        """A navigation link for ``roles``; with ``permission``, only for users who have it
        (an agent without a current authorisation is not shown what it may not open)."""
        self.nav.append(NavItem(label, url_name, frozenset(roles), order, permission))
        self.nav.sort(key=lambda item: item.order)

    def add_panel(self, *, template, context, roles, order=100, when=None):
        """``when(context)`` false hides the panel (e.g. no unread notices); it is given what
        ``context(request)`` returned, so the panel's data is read once."""
        self.panels.append(HomePanel(template, context, frozenset(roles), order, when))
        self.panels.sort(key=lambda panel: panel.order)

    def add_login_panel(self, *, template):
        """A block beside the password form (scan-to-login, for one)."""
        self.login_panels.append(template)

    def add_public_link(self, *, label, url_name, order=100, audience="公众", description=""):
        """A link on the home page seen before login (public pages of an app), on the tile
        of its ``audience``."""
        self.public_links.append(PublicLink(label, url_name, order, audience, description))
        self.public_links.sort(key=lambda link: link.order)

    def add_badge_mark(self, *, slot, provider):
        """``provider(holder_uscc) -> bool`` says whether the holder's badge shows the mark."""
        self.badge_marks.append(BadgeMark(slot, provider))

    def badge_marks_for(self, holder_uscc: str) -> set[str]:
        return {mark.slot for mark in self.badge_marks if mark.provider(holder_uscc)}

    def add_entity_end_handler(self, handler):
        """``handler(event: EntityEnded)`` ends the app's licences of the entity; it runs
        inside the ending transaction, so it must not commit or swallow errors."""
        self.entity_end_handlers.append(handler)

    def entity_ended(self, event: EntityEnded) -> None:
        for handler in self.entity_end_handlers:
            handler(event)

    def add_holder_cases(self, provider):
        """``provider(user, holder_uscc) -> list[HolderCase]``: the user's open cases of the
        holder that the user may file a scanned licence with (none for anyone else)."""
        self.holder_case_providers.append(provider)

    def cases_for_holder(self, user, holder_uscc: str) -> list[HolderCase]:
        providers = self.holder_case_providers
        return [case for provider in providers for case in provider(user, holder_uscc)]

    def nav_for(self, user):
        return [
            item
            for item in self.nav
            if holds_one_of(user, item.roles)
            and (not item.permission or user.has_perm(item.permission))
        ]

    def panels_for(self, user):
        return [panel for panel in self.panels if holds_one_of(user, panel.roles)]


registry = Registry()
