"""Department pages: each department sees and acts on its own items only (others: 404)."""

import pytest
from django.urls import reverse

from tests.yiyeyizheng.conftest import reviewer, submitted
from yiyeyizheng.models import ReviewStatus
from yiyeyizheng.services.applications import accept_application

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_catalogue")


def accepted(owner, store_format, clerk):
    application = submitted(owner, store_format)
    accept_application(acting_user=clerk, application=application)
    return application


def test_a_reviewer_sees_only_its_departments_items(
    client, owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer,
    django_assert_max_num_queries,
):  # fmt: skip
    accepted(owner, store_format, xuhui_clerk)
    accepted(owner, store_format, xuhui_clerk)
    client.force_login(tobacco_reviewer)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("yiyeyizheng:review_list")).content.decode()
    assert page.count('data-review="烟草专卖零售许可"') == 2
    assert 'data-review="食品经营许可"' not in page


def test_another_departments_item_answers_404_and_stays_pending(
    client, owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer
):
    application = accepted(owner, store_format, xuhui_clerk)
    tobacco = application.reviews.get(department__code="tobacco_district")
    url = reverse("yiyeyizheng:review_detail", args=[tobacco.pk])
    client.force_login(samr_reviewer)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "approve"}).status_code == 404
    tobacco.refresh_from_db()
    assert tobacco.status == ReviewStatus.PENDING


def test_the_reviewer_reads_the_form_and_the_answers_in_chinese(
    client, owner, store_format, xuhui_clerk, tobacco_reviewer
):
    application = accepted(owner, store_format, xuhui_clerk)
    tobacco = application.reviews.get(department__code="tobacco_district")
    client.force_login(tobacco_reviewer)

    page = client.get(reverse("yiyeyizheng:review_detail", args=[tobacco.pk])).content.decode()

    form = page[page.index("data-application-form") : page.index("data-application-answers")]
    assert "经营场所" in form and "联系电话" in form and "premises_address" not in form
    answers = page[page.index("data-application-answers") :]
    assert '是否销售烟草制品？</dt><dd class="col-sm-6">是' in answers
    assert '是否零售药品？</dt><dd class="col-sm-6">否' in answers


def test_a_reviewer_approves_its_item_on_the_page(
    client, owner, store_format, xuhui_clerk, samr_reviewer
):
    application = accepted(owner, store_format, xuhui_clerk)
    food = application.reviews.get(department__code="samr_district")
    client.force_login(samr_reviewer)
    url = reverse("yiyeyizheng:review_detail", args=[food.pk])
    response = client.post(url, {"action": "reject"})
    assert "请填写理由" in response.content.decode()
    food.refresh_from_db()
    assert food.status == ReviewStatus.PENDING
    client.post(url, {"action": "approve"})
    food.refresh_from_db()
    assert food.status == ReviewStatus.APPROVED
    desk = client.get(reverse("yiyeyizheng:review_list")).content.decode()
    assert f'<a href="{url}">{application.number} 食品经营许可</a>：准予' in desk


def test_the_lead_department_finds_the_applications_it_leads_on_its_desk(
    client, owner, store_format, xuhui_clerk, samr_reviewer, django_assert_max_num_queries
):
    application = accepted(owner, store_format, xuhui_clerk)
    lead = reviewer(store_format.lead_department.code, None, username="lead_city")
    client.force_login(lead)
    with django_assert_max_num_queries(10):
        desk = client.get(reverse("yiyeyizheng:review_list")).content.decode()
    detail = reverse("yiyeyizheng:application_detail", args=[application.number])
    assert desk.count("data-led-application") == 1 and detail in desk
    client.force_login(samr_reviewer)  # a district department that leads nothing here
    assert (
        "data-led-application"
        not in client.get(reverse("yiyeyizheng:review_list")).content.decode()
    )


def test_the_lead_department_sees_the_whole_application_read_only(
    client, owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer
):
    application = accepted(owner, store_format, xuhui_clerk)
    lead = reviewer(store_format.lead_department.code, None, username="lead_city")
    url = reverse("yiyeyizheng:application_detail", args=[application.number])
    client.force_login(lead)
    page = client.get(url).content.decode()
    assert "食品经营许可" in page and "烟草专卖零售许可" in page
    assert "办理</a>" not in page
    client.force_login(tobacco_reviewer)
    page = client.get(url).content.decode()
    assert page.count("办理</a>") == 1
    outsider = reviewer("fire_district", username="fire_xh")
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_home_pages_count_the_window_queue_and_the_departments_items(
    client, owner, store_format, xuhui_clerk, samr_reviewer
):
    application = submitted(owner, store_format)
    client.force_login(xuhui_clerk)
    assert "待受理申请：<strong>1</strong> 件" in client.get("/").content.decode()
    accept_application(acting_user=xuhui_clerk, application=application)
    client.force_login(samr_reviewer)
    assert "待办事项：<strong>1</strong> 件" in client.get("/").content.decode()


def test_overdue_items_are_flagged_on_the_department_list(
    client, owner, store_format, xuhui_clerk, samr_reviewer
):
    import datetime

    from django.utils import timezone

    application = accepted(owner, store_format, xuhui_clerk)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    application.reviews.filter(department__code="samr_district").update(due_date=yesterday)
    client.force_login(samr_reviewer)
    page = client.get(reverse("yiyeyizheng:review_list")).content.decode()
    assert "有 1 个事项已超过办理时限" in page
    assert page.count("逾期</span>") == 1


def test_overdue_reviews_are_reminded_once_a_day(
    owner, store_format, xuhui_clerk, samr_reviewer, django_capture_on_commit_callbacks, eager_tasks
):
    import datetime

    from django.core import mail

    from portal.models import AuditEvent
    from yiyeyizheng.services.reviews import remind_overdue_reviews

    application = accepted(owner, store_format, xuhui_clerk)
    food = application.reviews.get(department__code="samr_district")
    late = food.due_date + datetime.timedelta(days=1)
    assert remind_overdue_reviews(today=food.due_date) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue_reviews(today=late) == 2
    assert remind_overdue_reviews(today=late) == 0
    assert [m.to for m in mail.outbox if "食品经营许可" in m.body] == [["samr@example.com"]]
    events = AuditEvent.objects.for_object(application).filter(action="yyz_review.overdue_reminded")
    assert events.count() == 2
