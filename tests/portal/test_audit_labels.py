"""Every audit action the services write is a declared member with a Chinese label
(ADR 0020: one ``TextChoices`` per app in ``<app>/audit.py``, collected once)."""

import ast
import re
from pathlib import Path

from portal.audit import ACTION_LABELS, AuditAction, collect_actions

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "licensing", "elicense", "mingchu", "yiyeyizheng"]
MEMBER = re.compile(r"\b(\w+Action)\.([A-Z0-9_]+)\b")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _enums() -> dict[str, type[AuditAction]]:
    return {enum.__name__: enum for enum in AuditAction.__subclasses__()}


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def written_actions() -> set[str]:
    """The values of the action members the apps' code names (``MingchuAction.QUOTA_SET``)."""
    enums = _enums()
    found = set()
    for path in _sources():
        for enum, member in MEMBER.findall(path.read_text(encoding="utf-8")):
            if enum in enums:
                found.add(enums[enum][member].value)
    return found


def test_every_written_action_has_a_chinese_label():
    actions = written_actions()
    assert len(actions) > 50  # the scan found the services
    missing = sorted(a for a in actions if a not in ACTION_LABELS)
    assert missing == []
    assert [a for a in actions if not CHINESE.search(ACTION_LABELS[a])] == []


def test_each_app_declares_its_actions_once_with_one_naming_convention():
    enums = _enums()
    assert set(enums) == {
        "PortalAction",
        "ElicenseAction",
        "LicensingAction",
        "YiyeyizhengAction",
        "MingchuAction",
    }
    for app in APPS[1:]:
        tree = ast.parse((ROOT / app / "audit.py").read_text(encoding="utf-8"))
        classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
        assert classes == [f"{app.capitalize()}Action"], app
    values = [action.value for enum in enums.values() for action in enum]
    assert len(values) == len(set(values)), "an action value is declared twice"
    assert [v for v in values if not re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_]+", v)] == []
    assert collect_actions() == {a.value: a.label for e in enums.values() for a in e}


def _string_in(node: ast.expr) -> bool:
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "action_for":
        return False  # a name composed at run time (the admin's <model>.changed)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return any(_string_in(child) for child in ast.iter_child_nodes(node))


def test_no_code_passes_a_string_literal_action_to_record_event():
    literal = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("record_event")):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and _string_in(keyword.value):
                    rel = path.relative_to(ROOT).as_posix()
                    literal.append(f"{rel}:{node.lineno} {ast.unparse(keyword.value)}")
    assert literal == [], f"pass the app's <App>Action member from <app>/audit.py: {literal}"


def test_the_literal_finder_finds_literals():
    call = ast.parse('record_event(action="quota.set" if x else MingchuAction.QUOTA_SET)').body[0]
    assert _string_in(call.value.keywords[0].value)
    call = ast.parse("record_event(action=MingchuAction.QUOTA_SET)").body[0]
    assert not _string_in(call.value.keywords[0].value)
