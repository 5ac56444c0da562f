"""Every audit action the services write has a Chinese label for the audit pages."""

import re
from pathlib import Path

from portal.audit import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "licensing", "elicense", "mingchu", "yiyeyizheng"]
ACTION = re.compile(r'\baction="([a-z_]+\.[a-z_]+)"')


def written_actions() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            found.update(ACTION.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_written_action_has_a_chinese_label():
    actions = written_actions()
    assert len(actions) > 50  # the scan found the services
    missing = sorted(a for a in actions if a not in ACTION_LABELS)
    assert missing == []
