"""The working-day calendar (工作日历): public holidays and make-up workdays (调休上班日).

The dates below are test data shaped like a State Council notice, not the real schedule.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal import services
from portal.models import AuditEvent, CalendarDay, Role
from portal.workdays import add_working_days, is_working_day
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date

SCHEDULE_2026 = """
# 国务院办公厅关于2026年部分节假日安排的通知（测试数据）
2026-01-01 元旦

2026-10-01..2026-10-07 国庆节
2026-10-10 调休上班
"""


@pytest.fixture
def administrator(db):
    return UserFactory(
        username="calendar_admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )


@pytest.fixture
def schedule(administrator):
    return services.set_calendar_year(acting_user=administrator, year=2026, text=SCHEDULE_2026)


def _error_lines(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- the model ------------------------------------------------------------------------------


def test_a_workday_must_fall_on_a_weekend():
    monday = CalendarDay(date=D(2026, 10, 12), kind=CalendarDay.Kind.WORKDAY, name="")
    with pytest.raises(ValidationError, match="调休上班日必须是周六或周日。"):
        monday.full_clean()
    CalendarDay(date=D(2026, 10, 10), kind=CalendarDay.Kind.WORKDAY, name="").full_clean()


def test_a_holiday_may_fall_on_a_weekend():
    sunday = D(2026, 10, 4)
    CalendarDay(date=sunday, kind=CalendarDay.Kind.HOLIDAY, name="国庆节").full_clean()


# --- working days ---------------------------------------------------------------------------


def test_without_entries_only_weekends_are_skipped():
    friday = D(2026, 11, 20)
    assert add_working_days(friday, 5) == D(2026, 11, 27)
    assert add_working_days(friday, 1) == D(2026, 11, 23)
    assert add_working_days(friday, 0) == friday


def test_is_working_day(schedule):
    assert is_working_day(D(2026, 9, 30))  # Wednesday
    assert not is_working_day(D(2026, 10, 1))  # 国庆节, Thursday
    assert not is_working_day(D(2026, 10, 4))  # 国庆节 on a Sunday
    assert is_working_day(D(2026, 10, 10))  # 调休上班, Saturday
    assert not is_working_day(D(2026, 10, 11))  # an ordinary Sunday
    assert not is_working_day(D(2026, 1, 1))


def test_add_working_days_skips_a_holiday_week_and_counts_a_make_up_saturday(schedule):
    wednesday_before = D(2026, 9, 30)
    # 10-08 Thu, 10-09 Fri, 10-10 Sat (调休上班), 10-12 Mon, 10-13 Tue
    assert add_working_days(wednesday_before, 5) == D(2026, 10, 13)
    assert add_working_days(wednesday_before, 1) == D(2026, 10, 8)
    # from inside the holidays
    assert add_working_days(D(2026, 10, 3), 2) == D(2026, 10, 9)


def test_the_make_up_saturday_counts_even_right_after_a_friday(schedule):
    friday = D(2026, 10, 9)
    assert add_working_days(friday, 1) == D(2026, 10, 10)
    assert add_working_days(friday, 2) == D(2026, 10, 12)


def test_across_the_new_year(administrator, schedule):
    services.set_calendar_year(acting_user=administrator, year=2027, text="2027-01-01 元旦")
    # 2026-12-31 Thu; 2027-01-01 Fri is 元旦; 01-04 Mon
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_a_constant_number_of_queries(schedule, django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(D(2026, 9, 30), 5)
    with django_assert_num_queries(1):
        add_working_days(D(2026, 1, 1), 120)
    with django_assert_num_queries(1):
        is_working_day(D(2026, 10, 1))


def test_a_holiday_block_longer_than_the_window_is_still_skipped(administrator):
    # 1 working day after 2026-03-01: the first window (1 * 3 + 30 days) is all holidays.
    services.set_calendar_year(
        acting_user=administrator, year=2026, text="2026-03-01..2026-05-31 测试长假"
    )
    assert add_working_days(D(2026, 3, 1), 1) == D(2026, 6, 1)


# --- the yearly import ----------------------------------------------------------------------


def test_set_calendar_year_writes_ranges_singles_and_workdays(schedule):
    assert schedule == {"year": 2026, "holidays": 8, "workdays": 1, "replaced": 0}
    rows = {d.date: (d.kind, d.name) for d in CalendarDay.objects.all()}
    assert rows[D(2026, 10, 1)] == ("holiday", "国庆节")
    assert rows[D(2026, 10, 7)] == ("holiday", "国庆节")
    assert rows[D(2026, 10, 10)] == ("workday", "调休上班")
    assert len(rows) == 9


def test_a_line_ending_with_shangban_is_a_workday(administrator):
    text = "2026-10-10 国庆节调休上班"
    services.set_calendar_year(acting_user=administrator, year=2026, text=text)
    day = CalendarDay.objects.get()
    assert day.kind == CalendarDay.Kind.WORKDAY and day.name == "国庆节调休上班"


def test_the_import_writes_one_audit_event_with_counts(administrator, schedule):
    event = AuditEvent.objects.get(action="calendar.year_set")
    assert event.actor == administrator
    assert event.changes == {"year": 2026, "holidays": 8, "workdays": 1, "replaced": 0}
    assert event.object_type == "portal.calendaryear" and event.object_id == "2026"
    assert event.action_label == "导入年度节假日安排"


def test_replacing_a_year_keeps_the_other_years(administrator, schedule):
    services.set_calendar_year(acting_user=administrator, year=2027, text="2027-01-01 元旦")
    result = services.set_calendar_year(
        acting_user=administrator, year=2026, text="2026-05-01..2026-05-05 劳动节"
    )
    assert result == {"year": 2026, "holidays": 5, "workdays": 0, "replaced": 9}
    assert sorted(CalendarDay.objects.values_list("date", flat=True)) == [
        D(2026, 5, d) for d in range(1, 6)
    ] + [D(2027, 1, 1)]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2026-1-01 元旦", "第2行：日期格式应为 YYYY-MM-DD。"),
        ("2026-02-30 节日", "第2行：日期 2026-02-30 不存在。"),
        ("国庆节", "第2行：日期格式应为 YYYY-MM-DD。"),
        ("2027-01-01 元旦", "第2行：日期 2027-01-01 不在 2026 年内。"),
        ("2026-10-07..2026-10-01 国庆节", "第2行：结束日期 2026-10-01 早于开始日期 2026-10-07。"),
        ("2026-10-12 调休上班", "第2行：2026-10-12 调休上班日必须是周六或周日。"),
        ("2026-05-01", "第2行：请写明节假日名称"),
        ("2026-05-01 " + "长" * 21, "第2行：名称最多 20 个字。"),
        ("2026-01-01 又一个元旦", "第2行：日期 2026-01-01 与第1行重复。"),
    ],
)
def test_each_kind_of_bad_line_is_named_and_nothing_is_written(administrator, line, message):
    CalendarDay.objects.create(date=D(2026, 6, 1), kind="holiday", name="旧数据")
    with pytest.raises(ValidationError) as caught:
        text = f"2026-01-01 元旦\n{line}"
        services.set_calendar_year(acting_user=administrator, year=2026, text=text)
    assert any(m.startswith(message) for m in _error_lines(caught.value)), caught.value.messages
    assert list(CalendarDay.objects.values_list("name", flat=True)) == ["旧数据"]
    assert not AuditEvent.objects.filter(action="calendar.year_set").exists()


def test_every_bad_line_is_listed(administrator):
    text = "\n".join(
        [
            "2026-10-01..2026-10-07 国庆节",
            "# 注释",
            "2026/10/10 调休上班",
            "",
            "2026-10-05 国庆节",
            "2026-10-12 调休上班",
        ]
    )
    with pytest.raises(ValidationError) as caught:
        services.set_calendar_year(acting_user=administrator, year=2026, text=text)
    messages = _error_lines(caught.value)
    assert [m[: m.index("：")] for m in messages] == ["第3行", "第5行", "第6行"]
    assert not CalendarDay.objects.exists()


def test_an_impossible_year_is_refused(administrator):
    with pytest.raises(ValidationError, match="年份"):
        services.set_calendar_year(acting_user=administrator, year=1900, text="")


def test_format_calendar_year_gives_back_the_text(schedule):
    from portal.workdays import format_calendar_year

    assert format_calendar_year(2026).splitlines() == [
        "2026-01-01 元旦",
        "2026-10-01..2026-10-07 国庆节",
        "2026-10-10 调休上班",
    ]


# --- the admin ------------------------------------------------------------------------------

IMPORT_URL = "admin:portal_calendarday_import"


def test_the_changelist_is_read_only_and_links_the_import(client, administrator, schedule):
    client.force_login(administrator)
    response = client.get(reverse("admin:portal_calendarday_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "按年导入节假日安排" in page and reverse(IMPORT_URL) in page
    assert "国庆节" in page
    assert reverse("admin:portal_calendarday_add") not in page
    day = CalendarDay.objects.get(date=D(2026, 10, 1))
    change = client.post(reverse("admin:portal_calendarday_change", args=[day.pk]), {"name": "x"})
    assert change.status_code in (403, 200)
    day.refresh_from_db()
    assert day.name == "国庆节"
    assert client.get(reverse("admin:portal_calendarday_delete", args=[day.pk])).status_code == 403


def test_the_admin_import_page_sets_a_year(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse(IMPORT_URL)).status_code == 200
    response = client.post(
        reverse(IMPORT_URL), {"year": "2026", "text": SCHEDULE_2026}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("admin:portal_calendarday_changelist")
    assert "已导入 2026 年节假日安排" in response.content.decode()
    assert CalendarDay.objects.count() == 9
    assert AuditEvent.objects.get(action="calendar.year_set").actor == administrator


def test_the_admin_import_page_shows_every_bad_line_in_chinese(client, administrator, schedule):
    client.force_login(administrator)
    response = client.post(
        reverse(IMPORT_URL), {"year": "2026", "text": "2026-13-01 x\n2026-10-12 调休上班"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "第1行：日期 2026-13-01 不存在。" in page
    assert "第2行：2026-10-12 调休上班日必须是周六或周日。" in page
    assert CalendarDay.objects.count() == 9  # the old schedule is untouched


def test_the_import_page_prefills_a_year_for_editing(client, administrator, schedule):
    client.force_login(administrator)
    response = client.get(reverse(IMPORT_URL), {"year": "2026"})
    assert "2026-10-01..2026-10-07 国庆节" in response.content.decode()
    assert client.get(reverse(IMPORT_URL), {"year": "99999"}).status_code == 200


def test_the_import_page_is_refused_to_non_staff(client, administrator):
    officer = UserFactory(username="plain_officer", role=Role.CITY_OFFICER)
    client.force_login(officer)
    response = client.post(reverse(IMPORT_URL), {"year": "2026", "text": SCHEDULE_2026})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not CalendarDay.objects.exists()


def test_the_import_page_is_refused_to_staff_without_the_permission(client):
    staff = UserFactory(username="staff_only", role=Role.CITY_OFFICER, is_staff=True)
    client.force_login(staff)
    response = client.post(reverse(IMPORT_URL), {"year": "2026", "text": SCHEDULE_2026})
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()
