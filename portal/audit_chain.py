"""The tamper-evident audit trail: an HMAC-SM3 chain over the audit events (ADR 0023).

``seal`` gives every event not yet in the chain the next sequence number and the chain value
``HMAC-SM3(key, previous value || content)``, in one transaction; ``verify`` walks the chain
and names the first broken link. The key (``AUDIT_CHAIN_KEY``) is held outside the database,
so someone who can only write the database cannot make an edited, removed or inserted event
fit the chain. Each run logs the head (sequence, value) as an anchor, so that a chain
rewritten with the key can still be caught against the log kept elsewhere.

Sealing runs after the events' transactions (Celery beat, every ``AUDIT_SEAL_SECONDS``),
never inside ``record_event``: chaining there would serialise every audited transaction on
the chain head and invite deadlocks. An event is unprotected until it is sealed.
"""

import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from portal.models import AuditEvent

logger = logging.getLogger("portal.audit_chain")

#: What the chain value covers, in this order (``chain_value`` itself excluded).
FIELDS = (
    "id",
    "chain_seq",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "client_address",
)
BATCH = 5000
UPDATE_BATCH = 1000


def _store(updates: list[tuple[int, str, int]]) -> None:
    """Write (seq, value, id) triples, a thousand per UPDATE … FROM (VALUES …) statement
    (PostgreSQL and SQLite both name a VALUES list's columns column1…): bulk_update's CASE
    expressions, or one statement per row, take minutes per 100,000 events."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(updates), UPDATE_BATCH):
            chunk = updates[start : start + UPDATE_BATCH]
            rows = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET chain_seq = v.column1, chain_value = v.column2 "  # noqa: S608 - the model's table; values are parameters
                f"FROM (VALUES {rows}) AS v WHERE {table}.id = v.column3",
                [value for triple in chunk for value in triple],
            )


def chain_key() -> bytes:
    """``AUDIT_CHAIN_KEY`` from the environment; with LOCAL_SECRETS a development key under var/."""
    if settings.AUDIT_CHAIN_KEY:
        return settings.AUDIT_CHAIN_KEY.encode()
    if not settings.LOCAL_SECRETS:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEY must be set outside LOCAL_SECRETS.")
    path = Path(settings.VAR_DIR) / "audit_chain_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def content(row: tuple) -> bytes:
    """The canonical bytes of one event (a ``values_list(*FIELDS)`` row)."""
    values = list(row)
    values[2] = values[2].isoformat()
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def link(key: bytes, previous: str, row: tuple) -> str:
    return hmac.digest(key, previous.encode("ascii") + content(row), "sm3").hex()


@dataclass(frozen=True)
class Anchor:
    seq: int
    value: str

    def __str__(self):
        return f"seq={self.seq} value={self.value}"


def _head() -> Anchor:
    row = (
        AuditEvent.objects.filter(chain_seq__isnull=False)
        .order_by("-chain_seq")
        .values_list("chain_seq", "chain_value")
        .first()
    )
    return Anchor(*row) if row else Anchor(0, "")


@transaction.atomic
def seal() -> int:
    """Chain every event not yet sealed, in id order after the head; returns how many.

    Concurrent sealers cannot fork the chain: ``chain_seq`` is unique, so the second one's
    transaction fails and its events are sealed by the next run. Logs the new head.
    """
    key = chain_key()
    head = _head()
    seq, previous, count = head.seq, head.value, 0
    while True:
        rows = list(
            AuditEvent.objects.filter(chain_seq__isnull=True)
            .order_by("id")
            .values_list(*FIELDS)[:BATCH]
        )
        if not rows:
            break
        updates = []
        for row in rows:
            seq += 1
            previous = link(key, previous, (row[0], seq, *row[2:]))
            updates.append((seq, previous, row[0]))
        _store(updates)
        count += len(updates)
    logger.info("audit chain anchor %s (sealed %d)", Anchor(seq, previous), count)
    return count


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head: Anchor
    unsealed: int
    broken_at: int | None = None  # the event id, or None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def verify(*, anchor: Anchor | None = None) -> ChainReport:
    """Walk the chain in sequence order and report the first broken link.

    An edited event fails its own link; a removed one leaves a gap in the sequence; an
    inserted one either has no place in the sequence (a duplicate number is refused by the
    database) or, numbered in, fails its link. With ``anchor`` (from the log), the chain must
    still hold that value at that sequence number.
    """
    key = chain_key()
    rows = (
        AuditEvent.objects.filter(chain_seq__isnull=False)
        .order_by("chain_seq")
        .values_list(*FIELDS, "chain_value")
        .iterator(chunk_size=BATCH)
    )
    expected, previous, checked = 1, "", 0
    for row in rows:
        event_id, seq, value = row[0], row[1], row[-1]
        if seq != expected:
            problem = (
                f"序号 {expected}–{seq - 1} 的审计记录缺失（被删除），缺口在记录 #{event_id} 之前"
            )
            return _broken(checked, event_id, problem)
        if not hmac.compare_digest(link(key, previous, row[:-1]), value):
            problem = f"审计记录 #{event_id}（序号 {seq}）与链值不符：被改动或插入"
            return _broken(checked, event_id, problem)
        if anchor is not None and seq == anchor.seq and value != anchor.value:
            problem = f"序号 {seq} 的链值与日志中的锚点不符：链被整体重写"
            return _broken(checked, event_id, problem)
        previous, expected, checked = value, expected + 1, checked + 1
    if anchor is not None and anchor.seq >= expected:
        return _broken(checked, None, f"锚点序号 {anchor.seq} 之后的审计记录缺失（被删除）")
    unsealed = AuditEvent.objects.filter(chain_seq__isnull=True).count()
    return ChainReport(checked=checked, head=Anchor(expected - 1, previous), unsealed=unsealed)


def _broken(checked: int, event_id: int | None, problem: str) -> ChainReport:
    return ChainReport(
        checked=checked, head=Anchor(0, ""), unsealed=0, broken_at=event_id, problem=problem
    )
