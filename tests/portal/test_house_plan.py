"""One house plan (ADR 0020): every app is built on the same skeleton, so a newcomer knows
where a change goes. These tests read the source tree; they fail on a module outside the
skeleton, a form class defined in a view module, or an import from a higher layer."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The layers, bottom up (DESIGN.md §3). An app may import its own layer's core and below,
#: never above; yiyeyizheng and mingchu sit side by side and know nothing of each other.
#: The project package (config) sits on top and may import any app; no app imports it.
LAYERS = {
    "portal": 0,
    "elicense": 1,
    "licensing": 2,
    "yiyeyizheng": 3,
    "mingchu": 3,
    "config": 4,
    "demo": 4,
}
#: ``demo`` (the demo seeding, ``seed_demo``) is an app on top with ``config``: it may
#: import every app below it, and no app imports it.
APPS = ("portal", "elicense", "licensing", "yiyeyizheng", "mingchu", "demo")

#: What every app may hold at its top level.
SKELETON = {
    "__init__.py",
    "models",
    "services",
    "queries",
    "views",
    "forms",
    "permissions.py",
    "audit.py",
    "urls.py",
    "api.py",
    "api",
    "tasks.py",
    "admin.py",
    "admin",
    "apps.py",
    "management",
    "migrations",
    "templatetags",
}

#: Top-level modules that cannot move yet, each with the reason and where it goes.
#: Keep this short: a new entry needs a line in docs/decisions/0020-app-skeleton.md.
NOT_YET_MOVED = {
    # The core's shared contracts (DESIGN.md §3: 'portal/ the core app ... hooks registry,
    # identifiers, tabular reading, rate limiter, sequences') and its request plumbing.
    "portal/access.py": "shared view guards (require_enterprise ...)",
    "portal/audit_chain.py": "the audit trail's HMAC-SM3 chain: sealing and verifying",
    "portal/checks.py": "Django system checks of the core (the audit chain key)",
    "portal/context_processors.py": "template context of every page",
    "portal/forks.py": "per-process state renewed in a forked child (ADR 0041)",
    "portal/health.py": "health checks (django-health-check backends)",
    "portal/hooks.py": "the hooks registry: the seam lower layers ask through (ADR 0020)",
    "portal/idempotency.py": "one-answer-per-form-token for every app's creates",
    "portal/identifiers.py": "USCC and food-licence numbers, used by every app",
    "portal/log_filters.py": "logging filters named in settings",
    "portal/login_throttle.py": "sign-in lockout",
    "portal/middleware.py": "request middleware named in settings",
    "portal/migration_operations.py": "migration operations the apps share (ADR 0043)",
    "portal/outbox.py": "the transactional outbox every app's services write to",
    "portal/outbox_health.py": "the outbox backlog readiness check",
    "portal/ratelimit.py": "the one rate limiter (token bucket per key, Redis or per process)",
    "portal/tabular.py": "tabular reading of uploads (CSV, .xlsx), bounded (ADR 0011)",
    "portal/taskbase.py": "the one Celery task base",
    "portal/workdays.py": "the working-day calendar every deadline asks",
    # The credential layer's own machinery; crypto.py is owned by the SM2 work.
    "elicense/checks.py": "Django system checks of the signing keys",
    "elicense/crypto.py": "JWS signing and verification primitives",
    "elicense/sm.py": "SM2/SM3/SM4 primitives beside crypto.py (ADR 0023)",
    "elicense/health.py": "health checks of keys and the rate limiter",
    "elicense/pdf.py": "certificate PDF rendering, used by services/documents.py",
    "elicense/qr.py": "QR rendering, used by pages and PDFs",
    "elicense/verification.py": "the one verification service (reads and logs)",
    # Contracts issue 14 re-homes in other apps; moving them is a rewrite, not a move.
}


def _python_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_every_app_holds_only_the_skeleton_at_its_top_level():
    strays = []
    for app in APPS:
        for entry in sorted((ROOT / app).iterdir()):
            if entry.name == "__pycache__" or (entry.is_file() and entry.suffix != ".py"):
                continue
            name = _relative(entry)
            if entry.name not in SKELETON and name not in NOT_YET_MOVED:
                strays.append(name)
    assert strays == [], (
        "modules outside the app skeleton (put them in models/, services/, queries/, views/ "
        f"or forms/ under a topic name, see docs/architecture.md): {strays}"
    )


def test_the_allow_list_names_only_modules_that_still_exist():
    gone = [name for name in NOT_YET_MOVED if not (ROOT / name).exists()]
    assert gone == [], f"moved at last: take them off NOT_YET_MOVED: {gone}"


def _is_form_base(base: ast.expr) -> bool:
    name = ast.unparse(base)
    return name.endswith(("Form", "FormSet"))


def test_no_view_module_defines_a_form_class():
    found = []
    for app in APPS:
        for path in _python_files(app):
            parts = path.relative_to(ROOT / app).parts
            if "views" not in parts and not parts[-1].startswith("views"):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [
                f"{_relative(path)}:{node.lineno} {node.name}"
                for node in ast.walk(tree)
                if isinstance(node, ast.ClassDef) and any(map(_is_form_base, node.bases))
            ]
    assert found == [], f"form classes belong in the app's forms/<topic>.py: {found}"


def test_no_app_imports_from_a_higher_layer():
    upward = []
    for app in APPS:
        for path in _python_files(app):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for module in _imported_modules(tree):
                other = module.split(".")[0]
                if other in LAYERS and other != app and LAYERS[other] >= LAYERS[app]:
                    upward.append(f"{_relative(path)} imports {module}")
    assert upward == [], (
        "an app imports only from lower layers (portal <- elicense <- licensing <- "
        f"yiyeyizheng, mingchu; config and demo on top); ask through portal.hooks instead: "
        f"{upward}"
    )


#: Attributes that say who a user is; only a ``permissions.py`` reads them (ADR 0030).
ROLE_FLAGS = {"is_staff", "is_superuser"}


def _is_role_attribute(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr == "role"
    return (
        isinstance(node, ast.Call)
        and ast.unparse(node.func) == "getattr"
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value in {"role", *ROLE_FLAGS}
    )


def role_checks(source: str) -> list[str]:
    """Where ``source`` compares a user's role or reads ``is_staff`` / ``is_superuser``
    (setting them, as a seeder does, is not a check)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(
            map(_is_role_attribute, [node.left, *node.comparators])
        ):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ROLE_FLAGS
            and isinstance(node.ctx, ast.Load)
        ):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_role_check_finder_finds_role_checks():
    source = (
        "if user.role == Role.CITY_OFFICER: pass\n"
        "ok = request.user.role in SCANNERS\n"
        "ok = getattr(user, 'role', None) != 'x'\n"
        "ok = user.is_superuser or user.is_staff\n"
        "user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR\n"
        "User.objects.filter(role=Role.ENTERPRISE)\n"
    )
    assert [line.split(":")[0] for line in role_checks(source)] == ["1", "2", "3", "4", "4"]


#: A role compared in a template: ``{% if user.role == "window_clerk" %}``, ``user.is_staff``.
TEMPLATE_ROLE_CHECK = re.compile(r"\.role\b(?!_)|\.is_staff\b|\.is_superuser\b")


def test_only_permissions_modules_look_at_roles():
    """Views, services, models (their visible_to included) and templates ask the named
    predicates of the apps' permissions.py; no other module compares ``user.role``."""
    found = []
    for app in (*APPS, "config"):
        for path in _python_files(app):
            if path.name == "permissions.py":
                continue
            found += [f"{_relative(path)}:{hit}" for hit in role_checks(path.read_text("utf-8"))]
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if TEMPLATE_ROLE_CHECK.search(line):
                found.append(f"{_relative(path)}:{number}: {line.strip()}")
    assert found == [], (
        "role checks belong in the app's permissions.py as named predicates (ADR 0030); "
        f"ask them with portal.permissions.allows, the predicate, or {{% test_rule %}}: {found}"
    )


#: A workflow status compared with a string literal in a template (``report.status ==
#: "returned"``, ``state != 'valid'``, ``"draft" == a.status``): templates ask the transition
#: (``obj|can_proceed:"submit"``, ``{% has_perm %}``) or a named property
#: (``report.is_returned``, ``state.badge_class``) instead (issue 14). Nothing is allow-listed.
TEMPLATE_STATUS_LITERAL = re.compile(
    r"""\b(?:status|state)\s*(?:==|!=)\s*["']|["'][^"'{}]*["']\s*(?:==|!=)\s*[\w.]*\b(?:status|state)\b"""
)


def test_the_status_literal_finder_finds_them():
    found = [
        line
        for line in (
            '{% if report.status == "returned" %}',
            "{% if check.status != 'done' %}",
            "{% elif state == 'expiring' %}",
            '{% if "draft" == a.status %}',
            "{% if report.is_returned %}",
            '{% if a|can_proceed:"assess" %}',
            '<span data-status="{{ report.status }}">',
        )
        if TEMPLATE_STATUS_LITERAL.search(line)
    ]
    assert len(found) == 4 and all("status" in line or "state" in line for line in found)


def test_templates_ask_the_workflow_not_status_literals():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if TEMPLATE_STATUS_LITERAL.search(line):
                found.append(f"{_relative(path)}:{number}: {line.strip()[:120]}")
    assert found == [], (
        'ask the transition ({% load workflow %} obj|can_proceed:"name") or a named property '
        f"of the model or its choices, not a status literal: {found}"
    )
