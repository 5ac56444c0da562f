"""The city roll-up: figures equal to the raw registry, kept revisions, reporting status."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from mingchu.models import CityRollup, DemoStore, DistrictQuota, PlatformConnection
from mingchu.queries.reports import SHANGHAI
from mingchu.services.reports import open_report, return_report, save_report, submit_report
from mingchu.services.rollups import build_city_rollup
from mingchu.tasks import build_monthly_rollup
from portal.models import AuditEvent
from tests.conftest import require
from tests.mingchu.rollup_data import HUANGPU, JINGAN, PUDONG, XUHUI, demo_stores, officer_of

pytestmark = pytest.mark.django_db

CONTACT = {"reporting_unit": "区市场监管局", "statistician": "李强", "phone": "021-64870000"}


@pytest.fixture
def registry(quotas, time_machine):
    """Stores at every stage in three districts, made on 20 September 2022; one Xuhui store
    is on a platform early."""
    _at(time_machine, 2022, 9, 20, 10, 0)
    demo_stores(XUHUI, [0, 1, 2, 2, 3], connect_early=1)
    demo_stores(HUANGPU, [3, 3])
    demo_stores(JINGAN, [1])


def _at(time_machine, *args):
    time_machine.move_to(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


def _expected_by_district() -> dict[str, dict[str, int]]:
    """The registry counted in plain Python from the raw rows, not through the roll-up."""
    connected = set(PlatformConnection.objects.values_list("store_id", flat=True))
    expected = {}
    for store_id, district, stage in DemoStore.objects.values_list("pk", "district_id", "stage"):
        counts = expected.setdefault(
            district,
            {"stores_selected": 0, "video_installed": 0, "platform_connected": 0, "completed": 0},
        )
        counts["stores_selected"] += 1
        counts["video_installed"] += stage in ("video_link", "completed")
        counts["platform_connected"] += store_id in connected
        counts["completed"] += stage == "completed"
    return expected


def test_figures_equal_the_registry_counted_by_hand(registry, city):
    rollup = build_city_rollup(acting_user=city, year=2022, month=9)

    expected = _expected_by_district()
    quotas = list(DistrictQuota.objects.for_year(2022))
    assert [row["district_code"] for row in rollup.rows] == [q.district_id for q in quotas]
    zero = dict.fromkeys(expected[XUHUI], 0)
    for row, quota in zip(rollup.rows, quotas, strict=True):
        figures = {key: row[key] for key in zero}
        assert figures == expected.get(row["district_code"], zero), row["district_name"]
        assert (row["quota_food_court"], row["quota_other"], row["quota_total"]) == (
            quota.food_court, quota.other_areas, quota.total,
        )  # fmt: skip

    xuhui = next(row for row in rollup.rows if row["district_code"] == XUHUI)
    assert expected[XUHUI] == {
        "stores_selected": 5, "video_installed": 3, "platform_connected": 2, "completed": 1,
    }  # fmt: skip
    assert (xuhui["stores_selected_pct"], xuhui["completed_pct"]) == (6.3, 1.3)  # of 80

    for key in zero:
        assert rollup.totals[key] == sum(counts[key] for counts in expected.values())
    assert rollup.totals["quota_total"] == 1000 and rollup.totals["completed"] == 3
    assert rollup.totals["completed_pct"] == 0.3 and rollup.totals["districts"] == 16


def test_every_build_is_a_new_revision_and_earlier_ones_stay_as_they_were(registry, city):
    first = build_city_rollup(acting_user=city, year=2022, month=9)
    stored_rows, stored_totals = first.rows, first.totals

    demo_stores(PUDONG, [3])
    second = build_city_rollup(acting_user=city, year=2022, month=9)
    other_month = build_city_rollup(acting_user=city, year=2022, month=10)

    first.refresh_from_db()
    assert (first.revision, second.revision, other_month.revision) == (1, 2, 1)
    assert (first.rows, first.totals) == (stored_rows, stored_totals)
    assert (first.totals["completed"], second.totals["completed"]) == (3, 4)
    events = AuditEvent.objects.filter(action="rollup.built", actor=city)
    assert events.count() == 3


def _wait_until_a_query_waits_for_a_lock():
    with connection.cursor() as cursor:
        for _ in range(1000):
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh view in a transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    pytest.fail("the concurrent build never waited for the first one")


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_build_takes_the_next_revision(quotas, city):
    """Another build inserts revision 1 and has not committed: ours waits on the unique
    constraint, fails, and retries with revision 2 instead of failing the user."""
    require(connection.vendor == "postgresql", "concurrent transactions need PostgreSQL")
    built = {}

    def build_beside():
        try:
            built["rollup"] = build_city_rollup(acting_user=city, year=2022, month=9)
        finally:
            connection.close()

    with transaction.atomic():
        CityRollup.objects.create(
            year=2022, month=9, revision=1, rows=[], totals={}, built_at=timezone.now()
        )
        beside = threading.Thread(target=build_beside)
        beside.start()
        _wait_until_a_query_waits_for_a_lock()
    beside.join()

    assert built["rollup"].revision == 2
    assert sorted(CityRollup.objects.values_list("revision", flat=True)) == [1, 2]


def test_only_city_officers_build_and_a_bad_month_writes_nothing(registry, city):
    officer = officer_of(XUHUI)
    with pytest.raises(PermissionDenied):
        build_city_rollup(acting_user=officer, year=2022, month=9)
    with pytest.raises(ValidationError, match="月份"):
        build_city_rollup(acting_user=city, year=2022, month=13)
    assert not CityRollup.objects.exists()
    assert not AuditEvent.objects.filter(action="rollup.built").exists()


def _submit(officer, *, month=9, **fields):
    report = open_report(acting_user=officer, year=2022, month=month)
    report = save_report(
        acting_user=officer, report=report, expected_version=report.version, **CONTACT, **fields
    )
    return submit_report(acting_user=officer, report=report, expected_version=report.version)


@pytest.fixture
def officers(quotas, time_machine):
    """One store at 设备安装 in each of three districts, made on 20 September 2022; their
    officers file reports."""
    _at(time_machine, 2022, 9, 20, 10, 0)
    for code in (XUHUI, HUANGPU, JINGAN):
        demo_stores(code, [1])
    return {code: officer_of(code) for code in (XUHUI, HUANGPU, JINGAN)}


def test_reports_are_on_time_late_returned_pending_or_missing(officers, city, time_machine):
    _at(time_machine, 2022, 9, 30, 23, 59, 58)
    _submit(officers[XUHUI], funds_wan=Decimal("12.5"), stores_selected=2, explanation="一家待录入")
    returned = _submit(officers[JINGAN], funds_wan=Decimal("99"))
    return_report(acting_user=city, report=returned, reason="资金数额有误")

    before_deadline = build_city_rollup(acting_user=city, year=2022, month=9)

    _at(time_machine, 2022, 10, 1, 0, 0, 1)
    _submit(officers[HUANGPU], funds_wan=Decimal("3.25"))
    after_deadline = build_city_rollup(acting_user=city, year=2022, month=9)

    def status(rollup, code):
        return next(r["report"] for r in rollup.rows if r["district_code"] == code)["status"]

    assert [status(before_deadline, code) for code in (XUHUI, HUANGPU, JINGAN, PUDONG)] == [
        "on_time", "pending", "returned", "pending",
    ]  # fmt: skip
    assert [status(after_deadline, code) for code in (XUHUI, HUANGPU, JINGAN, PUDONG)] == [
        "on_time", "late", "returned", "missing",
    ]  # fmt: skip
    assert after_deadline.totals["reporting"] == {
        "on_time": 1, "late": 1, "returned": 1, "pending": 0, "missing": 13,
    }  # fmt: skip

    xuhui = next(r for r in after_deadline.rows if r["district_code"] == XUHUI)["report"]
    assert xuhui["funds_wan"] == "12.50"
    assert xuhui["reported"] == {
        "stores_selected": 2,
        "video_installed": 0,
        "platform_connected": 0,
    }
    assert xuhui["differences"] == {"stores_selected": [1, 2]}
    assert datetime.datetime.fromisoformat(xuhui["submitted_at"]) == datetime.datetime(
        2022, 9, 30, 23, 59, 58, tzinfo=SHANGHAI
    )
    jingan = next(r for r in after_deadline.rows if r["district_code"] == JINGAN)["report"]
    assert jingan["funds_wan"] is None and jingan["reported"] is None
    assert after_deadline.totals["funds_wan"] == "15.75"  # the returned 99 is not counted


def test_the_monthly_beat_run_builds_last_month_without_a_user(registry, eager_tasks, time_machine):
    _at(time_machine, 2022, 10, 1, 6, 0)
    revision = build_monthly_rollup.delay().get()

    rollup = CityRollup.objects.get()
    assert (rollup.year, rollup.month, rollup.revision, revision) == (2022, 9, 1, 1)
    assert rollup.built_by is None
    event = AuditEvent.objects.get(action="rollup.built")
    assert (event.actor, event.actor_label) == (None, "系统")


def test_the_task_builds_a_chosen_period_for_a_user(registry, city, eager_tasks):
    build_monthly_rollup.delay(2022, 6, city.pk)
    assert build_monthly_rollup.delay(2022, 6, city.pk).get() == 2
    assert set(CityRollup.objects.values_list("built_by", flat=True)) == {city.pk}


def test_the_beat_schedule_runs_on_the_first_after_the_deadline():
    entry = settings.CELERY_BEAT_SCHEDULE["build-monthly-rollup"]
    assert entry["task"] == "mingchu.tasks.build_monthly_rollup"
    schedule = entry["schedule"]
    assert (schedule.day_of_month, schedule.hour, schedule.minute) == ({1}, {6}, {0})
