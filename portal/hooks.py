"""Where apps plug into the portal shell without the portal importing them.

Apps register navigation items and home-page panels in ``AppConfig.ready()``; the portal
shows those the signed-in user's role may see. This keeps the dependency direction of
DESIGN.md §3: portal knows no app above it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """A block on a role's home page: ``context(request)`` feeds ``template``."""

    template: str
    context: Callable
    roles: frozenset[str]
    order: int = 100
    when: Callable | None = None


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    panels: list[HomePanel] = field(default_factory=list)
    login_panels: list[str] = field(default_factory=list)

    def add_nav(self, *, label, url_name, roles, order=100):
        self.nav.append(NavItem(label, url_name, frozenset(roles), order))
        self.nav.sort(key=lambda item: item.order)

    def add_panel(self, *, template, context, roles, order=100, when=None):
        """``when(request)`` false hides the panel (e.g. no unread notices)."""
        self.panels.append(HomePanel(template, context, frozenset(roles), order, when))
        self.panels.sort(key=lambda panel: panel.order)

    def add_login_panel(self, *, template):
        """A block beside the password form (scan-to-login, for one)."""
        self.login_panels.append(template)

    def nav_for(self, user):
        return [item for item in self.nav if _role_of(user) in item.roles]

    def panels_for(self, user):
        return [panel for panel in self.panels if _role_of(user) in panel.roles]


def _role_of(user):
    if not user.is_authenticated:
        return "anonymous"
    if user.is_superuser and not user.role:
        return "administrator"
    return user.role


registry = Registry()
