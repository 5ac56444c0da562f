"""The audit trail is tamper-evident: sealed into an HMAC-SM3 chain whose key is not in the
database, ``audit_verify`` names the first event that was changed, removed or inserted."""

import datetime
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from portal import audit_chain
from portal.audit import record_event
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db

CHAIN_SIZE = 100_000


@pytest.fixture(autouse=True)
def chain_key(settings):
    settings.AUDIT_CHAIN_KEY = "audit-chain-key-for-tests-only"


def _bulk_events(count: int) -> None:
    """``count`` plain events, numbered 0 to count - 1, written by the database in one
    statement: ``record_event`` one by one would take minutes here, ``bulk_create`` ~20 s."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    changes = """'{"kid": "20261202-a1b2", "n": ' || n || '}'"""
    if connection.vendor == "postgresql":
        changes = f"CAST({changes} AS jsonb)"
    sql = (
        "WITH RECURSIVE numbers(n) AS"  # noqa: S608 - the model's table, constants
        " (SELECT 0 UNION ALL SELECT n + 1 FROM numbers WHERE n + 1 < %s)"
        f" INSERT INTO {table} (created_at, actor_label, action, object_type, object_id,"
        " object_repr, changes, chain_value)"
        " SELECT %s, '系统', 'certificate.signed', 'elicense.certificate', CAST(n AS TEXT),"
        f" '证照 ' || n, {changes}, '' FROM numbers"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, timezone.now() - datetime.timedelta(days=1)])


def _verify_fails_at(event_id, words):
    with pytest.raises(CommandError, match=words) as refused:
        call_command("audit_verify")
    assert f"#{event_id}" in str(refused.value)


def test_an_edited_a_deleted_and_an_inserted_event_are_named_in_a_long_chain(capsys):
    _bulk_events(CHAIN_SIZE)
    assert audit_chain.seal() == CHAIN_SIZE
    call_command("audit_verify")
    assert f"audit chain intact: {CHAIN_SIZE} events" in capsys.readouterr().out
    ids = list(AuditEvent.objects.order_by("chain_seq").values_list("id", flat=True))

    edited = AuditEvent.objects.get(id=ids[54_321])
    AuditEvent.objects.filter(id=edited.id).update(changes={"kid": "forged", "n": 54_321})
    _verify_fails_at(edited.id, "被改动或插入")
    AuditEvent.objects.filter(id=edited.id).update(changes=edited.changes)
    call_command("audit_verify")

    removed = AuditEvent.objects.get(id=ids[77_777])
    AuditEvent.objects.filter(id=removed.id).delete()
    _verify_fails_at(ids[77_778], "被删除")
    written_at = removed.created_at
    removed.save(force_insert=True)  # put back as it was (auto_now_add stamps a new time)
    AuditEvent.objects.filter(id=removed.id).update(created_at=written_at)
    call_command("audit_verify")

    inserted = AuditEvent.objects.create(
        actor_label="系统",
        action="certificate.revoked",
        object_type="elicense.certificate",
        object_id="1",
        object_repr="证照 1",
        chain_seq=CHAIN_SIZE + 1,
        chain_value="0" * 64,
    )
    _verify_fails_at(inserted.id, "被改动或插入")


def test_events_written_by_services_are_sealed_and_the_anchor_is_logged(caplog, capsys):
    for n in range(3):
        record_event(actor=None, action="test.event", object_type="portal.test", object_id=str(n))

    with caplog.at_level(logging.INFO, logger="portal.audit_chain"):
        call_command("audit_verify", "--seal")

    head = AuditEvent.objects.order_by("-chain_seq").first()
    assert f"audit chain anchor seq=3 value={head.chain_value}" in caplog.text
    assert "3 events, head seq=3" in capsys.readouterr().out
    assert audit_chain.seal() == 0  # nothing new: sealing twice changes nothing


def test_a_chain_rewritten_with_the_key_is_caught_by_the_logged_anchor():
    _bulk_events(10)
    audit_chain.seal()
    anchor = AuditEvent.objects.get(chain_seq=10).chain_value
    AuditEvent.objects.filter(chain_seq=4).delete()
    AuditEvent.objects.update(chain_seq=None, chain_value="")
    audit_chain.seal()  # someone with the key re-chains what is left: 9 events

    call_command("audit_verify")  # consistent in itself
    with pytest.raises(CommandError, match="锚点"):
        call_command("audit_verify", "--anchor", f"10:{anchor}")


def test_the_chain_key_must_come_from_the_environment(settings):
    settings.AUDIT_CHAIN_KEY = ""
    settings.DEBUG = False
    settings.LOCAL_SECRETS = False  # production: no development secrets under var/
    with pytest.raises(ImproperlyConfigured, match="AUDIT_CHAIN_KEY"):
        audit_chain.seal()


def test_a_malformed_anchor_is_refused_in_chinese():
    with pytest.raises(CommandError, match="锚点格式"):
        call_command("audit_verify", "--anchor", "ten:abc")
