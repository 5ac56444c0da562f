"""The verification log partitioned by month on PostgreSQL (ADR 0026): checks in two months
land in two partitions and the holder's log reads across them newest first; a month with
no partition yet lands in DEFAULT and moves when beat makes its partition; partitions past
the retention window are detached, rows intact, not deleted; the holder's log within a
month reads one partition's index only."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction

from elicense import services
from elicense.models import Certificate, Verification
from elicense.services import verification_partitions
from elicense.tasks import maintain_verification_partitions
from elicense.verification import check_certificate
from portal.models import AuditEvent
from tests.conftest import require
from tests.factories import register, verification_log_rows

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _postgresql():
    require(connection.vendor == "postgresql", "needs PostgreSQL (partitioned table)")
    assert verification_partitions.partitioned()


@pytest.fixture
def certificate(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海分区餐饮有限公司")
    pending = Certificate.objects.get(holder_uscc=entity.uscc)
    return services.sign_certificate(certificate_id=pending.pk)


def _check_at(certificate, moment: datetime.datetime) -> Verification:
    with time_machine.travel(moment, tick=False):
        check_certificate(certificate, channel="public_page")
    return Verification.objects.of_holder(certificate.holder_uscc).first()


def _partition_of(verification: Verification) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM elicense_verification WHERE id = %s",
            [verification.pk],
        )
        return cursor.fetchone()[0]


def test_checks_in_two_months_land_in_two_partitions_and_the_log_reads_across_them(
    certificate,
):
    made = services.ensure_verification_partitions(today=datetime.date(2030, 1, 15), months_ahead=1)
    assert made == ["elicense_verification_y2030m01", "elicense_verification_y2030m02"]

    january = _check_at(certificate, datetime.datetime(2030, 1, 31, 23, 30, tzinfo=SHANGHAI))
    # 2030-02-01 00:10 in Shanghai is still 31 January in UTC: months are Shanghai's.
    february = _check_at(certificate, datetime.datetime(2030, 2, 1, 0, 10, tzinfo=SHANGHAI))

    assert _partition_of(january) == "elicense_verification_y2030m01"
    assert _partition_of(february) == "elicense_verification_y2030m02"
    log = list(Verification.objects.of_holder(certificate.holder_uscc))
    assert [v.pk for v in log] == [february.pk, january.pk]


def test_a_month_without_its_partition_waits_in_default_and_moves_when_it_is_made(
    certificate,
):
    early = _check_at(certificate, datetime.datetime(2031, 5, 10, 9, 0, tzinfo=SHANGHAI))
    assert _partition_of(early) == "elicense_verification_default"

    result = maintain_verification_partitions.apply().get()  # today: nothing for 2031
    assert "elicense_verification_y2031m05" not in result["created"]
    made = services.ensure_verification_partitions(today=datetime.date(2031, 5, 1), months_ahead=0)

    assert made == ["elicense_verification_y2031m05"]
    assert _partition_of(early) == "elicense_verification_y2031m05"
    assert Verification.objects.of_holder(certificate.holder_uscc).get().pk == early.pk
    event = AuditEvent.objects.get(
        action="verification_log.partition_created", object_id="elicense_verification_y2031m05"
    )
    assert event.changes["rows_moved_from_default"] == 1 and event.actor is None
    # Made already: a second run makes nothing.
    assert (
        services.ensure_verification_partitions(today=datetime.date(2031, 5, 1), months_ahead=0)
        == []
    )


def test_partitions_past_the_retention_window_are_detached_with_their_rows(certificate):
    services.ensure_verification_partitions(today=datetime.date(2030, 1, 1), months_ahead=2)
    old = _check_at(certificate, datetime.datetime(2030, 1, 20, 12, 0, tzinfo=SHANGHAI))
    kept = _check_at(certificate, datetime.datetime(2030, 3, 20, 12, 0, tzinfo=SHANGHAI))

    detached = services.detach_old_verification_partitions(
        today=datetime.date(2033, 3, 5), retention_months=36
    )

    assert "elicense_verification_y2030m01" in detached
    assert "elicense_verification_y2030m02" in detached
    assert "elicense_verification_y2030m03" not in detached
    attached = {p.name for p in verification_partitions.partitions()}
    assert "elicense_verification_y2030m01" not in attached
    assert "elicense_verification_y2030m03" in attached
    assert [v.pk for v in Verification.objects.of_holder(certificate.holder_uscc)] == [kept.pk]
    with connection.cursor() as cursor:  # detached, not deleted: the archive is intact
        cursor.execute("SELECT id FROM elicense_verification_y2030m01")
        assert cursor.fetchall() == [(old.pk,)]
    assert AuditEvent.objects.filter(
        action="verification_log.partition_detached", object_id="elicense_verification_y2030m01"
    ).exists()
    # Retention 0 keeps everything.
    assert (
        services.detach_old_verification_partitions(
            today=datetime.date(2040, 1, 1), retention_months=0
        )
        == []
    )


def test_the_holders_log_within_a_month_reads_one_partitions_index_only(certificate):
    services.ensure_verification_partitions(today=datetime.date(2030, 1, 1), months_ahead=1)
    _check_at(certificate, datetime.datetime(2030, 1, 20, 12, 0, tzinfo=SHANGHAI))
    start = datetime.datetime(2030, 1, 1, tzinfo=SHANGHAI)
    end = datetime.datetime(2030, 2, 1, tzinfo=SHANGHAI)
    verification_log_rows(start, holders=300, per_holder=2)  # a month of other holders
    month = (
        Verification.objects.of_holder(certificate.holder_uscc)
        .filter(created_at__gte=start, created_at__lt=end)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # A handful of test rows would be read by a sequential scan whatever the indexes;
        # without that choice the plan shows what a full partition gets.
        cursor.execute("ANALYZE elicense_verification_y2030m01")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = month.explain()
    assert month.count() == 1
    scans = [line.strip() for line in plan.splitlines() if " Scan " in line]
    # One partition read, through the holder's (holder_uscc, -created_at) index, no heap.
    assert len(scans) == 1, plan
    assert scans[0].startswith("Index Only Scan using elicense_verification_y2030m01_holder")
    assert " on elicense_verification_y2030m01 " in scans[0]
