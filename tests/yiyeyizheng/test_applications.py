"""一业一证 applications: from a questionnaire result to the composite licence, every guard."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from elicense.models import Certificate, CertificateKind
from portal.models import AuditEvent, Notification
from tests.factories import UserFactory, enterprise_user, register
from tests.yiyeyizheng.conftest import (
    complete,
    licensed,
    reviewer,
    start,
    submitted,
)
from yiyeyizheng.models import (
    Application,
    ApplicationStatus,
    CompositeLicence,
    ItemReview,
    LicenceStatus,
    ReviewStatus,
)
from yiyeyizheng.services import applications as services
from yiyeyizheng.services import reviews

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_catalogue")


@pytest.fixture
def application(owner, store_format):
    return start(owner, store_format)


def test_a_draft_is_numbered_pinned_and_prefilled_from_the_register(application, shop, catalogue):
    assert re.fullmatch(r"YYZ\d{8}\d{5}", application.number)
    assert application.catalogue_version == catalogue
    assert application.entity_uscc == shop.uscc and application.entity_name == shop.name
    assert application.form_data["premises_address"] == shop.address
    assert application.form_data["contact_name"] == shop.legal_person_name
    chosen = [(d["permit"], d["departments"]) for d in application.chosen_items()]
    assert chosen == [
        ("食品经营许可", ["区市场监督管理局"]),
        ("烟草专卖零售许可", ["区烟草专卖局"]),
    ]
    assert application.status == ApplicationStatus.DRAFT
    assert AuditEvent.objects.for_object(application).get().action == "yyz_application.created"


def test_numbers_are_consecutive_within_a_day(owner, store_format):
    first, second = start(owner, store_format), start(owner, store_format)
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


def test_bad_answers_are_refused_with_a_chinese_message(owner, store_format):
    with pytest.raises(ValidationError, match="须为 true 或 false"):
        start(owner, store_format, {"sells_food": "maybe"})


def test_answers_are_checked_as_the_questionnaire_checks_them(owner, catalogue):
    supermarket = catalogue.formats.get(seq=1)  # 超市: area and activity questions
    with pytest.raises(ValidationError) as caught:
        start(owner, supermarket, {"area_m2": "-1", "sells_food": "maybe"})
    assert caught.value.messages == [
        "“经营面积（平方米）”：经营面积不能为负数。",
        "“是否销售食品或提供餐饮服务？”：“maybe”不是可选的值：须为 true 或 false。",
    ]
    assert not Application.objects.exists()


def test_stored_answers_read_as_the_questionnaire_link(owner, catalogue):
    supermarket = catalogue.formats.get(seq=1)
    application = start(owner, supermarket, {"area_m2": "300.00", "sells_food": "true", "x": "1"})
    assert application.answers == {"area_m2": "300", "sells_food": "true"}


def test_only_the_entitys_legal_representative_or_an_authorised_agent_may_apply(
    shop, store_format, xuhui_clerk
):
    agent = enterprise_user(shop, capacity="agent", username="agent_without_scope")
    with pytest.raises(PermissionDenied, match="授权"):
        start(agent, store_format)
    other = register(xuhui_clerk, name="上海别家商贸有限公司")
    outsider = enterprise_user(other, username="other_owner")
    application = start(outsider, store_format)
    with pytest.raises(PermissionDenied):
        services.save_draft(
            acting_user=enterprise_user(shop, username="shop_owner2"),
            application=application,
            form_data={},
        )


def test_submit_needs_every_field_and_attachment(owner, application):
    services.save_draft(acting_user=owner, application=application, form_data={"contact_phone": ""})
    with pytest.raises(ValidationError) as error:
        services.submit_application(acting_user=owner, application=application)
    assert "联系电话" in str(error.value) and "经营场所使用证明" in str(error.value)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.signed_document is None


def test_submit_signs_the_application_with_the_entitys_signature(owner, application, shop):
    from elicense.services.signatures import verify_signature

    complete(owner, application)
    services.submit_application(acting_user=owner, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    document = application.signed_document
    assert document.holder_uscc == shop.uscc and document.signer == owner
    assert document.data["application"] == application.number
    assert document.data["entity"]["uscc"] == shop.uscc
    assert verify_signature(
        holder_uscc=shop.uscc, data=document.data, signature=document.signature
    )[0]


def test_only_a_clerk_of_the_district_may_accept(owner, store_format, huangpu_clerk, xuhui_clerk):
    application = submitted(owner, store_format)
    with pytest.raises(PermissionDenied, match="本区窗口"):
        services.accept_application(acting_user=huangpu_clerk, application=application)
    with pytest.raises(PermissionDenied):
        services.accept_application(acting_user=owner, application=application)
    services.accept_application(acting_user=xuhui_clerk, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    with pytest.raises(ValidationError, match="已受理"):
        services.accept_application(acting_user=xuhui_clerk, application=application)


def test_a_draft_cannot_be_accepted(owner, application, xuhui_clerk):
    with pytest.raises(ValidationError):
        services.accept_application(acting_user=xuhui_clerk, application=application)


def test_accept_routes_every_item_to_every_department_at_once(
    owner,
    store_format,
    xuhui_clerk,
    samr_reviewer,
    tobacco_reviewer,
    django_capture_on_commit_callbacks,
    eager_tasks,
):
    application = submitted(owner, store_format)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_application(acting_user=xuhui_clerk, application=application)
    routed = list(
        application.reviews.values_list("permit_name", "department__code", "district_id", "status")
    )
    assert routed == [
        ("食品经营许可", "samr_district", "310104", ReviewStatus.PENDING),
        ("烟草专卖零售许可", "tobacco_district", "310104", ReviewStatus.PENDING),
    ]
    due = application.reviews.first().due_date
    assert due.weekday() < 5
    assert [m.to for m in mail.outbox if "待审查" in m.body] == [["samr@example.com"]]
    assert Notification.objects.filter(
        recipient_uscc=application.entity_uscc, message__contains="已受理"
    ).exists()
    assert set(
        Notification.objects.filter(link=reverse("yiyeyizheng:review_list")).values_list(
            "recipient", flat=True
        )
    ) == {samr_reviewer.pk, tobacco_reviewer.pk}
    assert Notification.objects.filter(
        recipient=xuhui_clerk, link=reverse("yiyeyizheng:clerk_queue")
    ).exists()


def test_return_sends_one_consolidated_notice_and_the_applicant_resubmits(
    owner, store_format, xuhui_clerk
):
    application = submitted(owner, store_format)
    with pytest.raises(ValidationError, match="一次性"):
        services.return_application(acting_user=xuhui_clerk, application=application, notice=" ")
    notice = "1. 场所证明不清晰；2. 联系电话无法接通。"
    services.return_application(acting_user=xuhui_clerk, application=application, notice=notice)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    assert application.correction_notice == notice
    assert application.signed_document is None
    assert Notification.objects.filter(message__contains=notice).exists()
    services.save_draft(
        acting_user=owner, application=application, form_data={"contact_phone": "13900000000"}
    )
    services.submit_application(acting_user=owner, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.signed_document.data["form"]["contact_phone"] == "13900000000"


def test_withdraw_only_before_acceptance(owner, store_format, application, xuhui_clerk):
    services.withdraw_application(acting_user=owner, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    other = submitted(owner, store_format)
    with pytest.raises(ValidationError, match="撤回"):
        services.withdraw_application(acting_user=owner, application=other)


def test_a_department_cannot_act_on_another_departments_item(
    owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer
):
    from django.http import Http404

    application = submitted(owner, store_format)
    services.accept_application(acting_user=xuhui_clerk, application=application)
    tobacco = application.reviews.get(department__code="tobacco_district")
    with pytest.raises(Http404):
        reviews.approve_item(acting_user=samr_reviewer, review=tobacco)
    other_district = reviewer("tobacco_district", "310101", username="tobacco_hp")
    with pytest.raises(Http404):
        reviews.approve_item(acting_user=other_district, review=tobacco)
    tobacco.refresh_from_db()
    assert tobacco.status == ReviewStatus.PENDING


def test_approval_needs_every_item_approved(
    owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer
):
    application = submitted(owner, store_format)
    services.accept_application(acting_user=xuhui_clerk, application=application)
    food = application.reviews.get(department__code="samr_district")
    reviews.approve_item(acting_user=samr_reviewer, review=food)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert not CompositeLicence.objects.exists()
    with pytest.raises(ValidationError, match="准予许可"):
        reviews.approve_item(acting_user=samr_reviewer, review=food)


def test_the_last_approval_issues_the_composite_licence_and_its_certificate(
    owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer, shop
):
    application = licensed(owner, xuhui_clerk, store_format, [samr_reviewer, tobacco_reviewer])
    assert application.status == ApplicationStatus.LICENSED
    licence = application.licence
    assert re.fullmatch(r"沪综许310104\d{4}\d{5}", licence.number)
    assert licence.version == 1 and licence.status == LicenceStatus.ACTIVE
    assert (licence.valid_to - licence.valid_from).days in (1825, 1826)
    assert [(i["permit"], i["departments"], i["result"]) for i in licence.items] == [
        ("食品经营许可", "区市场监督管理局", "准予许可"),
        ("烟草专卖零售许可", "区烟草专卖局", "准予许可"),
    ]
    certificate = Certificate.objects.get(kind=CertificateKind.COMPOSITE_LICENCE)
    assert certificate.number == licence.number and certificate.holder_uscc == shop.uscc
    assert [(i["permit"], i["department"], i["status"]) for i in certificate.face["items"]] == [
        ("食品经营许可", "区市场监督管理局", "准予许可"),
        ("烟草专卖零售许可", "区烟草专卖局", "准予许可"),
    ]
    assert Certificate.objects.shown_for_holder(shop.uscc).filter(pk=certificate.pk).exists()


def test_one_rejection_rejects_the_application(
    owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer
):
    application = submitted(owner, store_format)
    services.accept_application(acting_user=xuhui_clerk, application=application)
    tobacco = application.reviews.get(department__code="tobacco_district")
    with pytest.raises(ValidationError, match="理由"):
        reviews.reject_item(acting_user=tobacco_reviewer, review=tobacco, reason="")
    reviews.reject_item(acting_user=tobacco_reviewer, review=tobacco, reason="距离学校过近")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    food = application.reviews.get(department__code="samr_district")
    with pytest.raises(ValidationError):
        reviews.approve_item(acting_user=samr_reviewer, review=food)
    assert Notification.objects.filter(message__contains="距离学校过近").exists()


def test_a_correction_request_pauses_the_item_until_the_applicant_corrects(
    owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer
):
    application = submitted(owner, store_format)
    services.accept_application(acting_user=xuhui_clerk, application=application)
    with pytest.raises(ValidationError, match="无需"):
        services.correct_application(acting_user=owner, application=application)
    food = application.reviews.get(department__code="samr_district")
    reviews.request_item_correction(acting_user=samr_reviewer, review=food, reason="补充平面图")
    food.refresh_from_db()
    assert food.status == ReviewStatus.CORRECTION_REQUESTED
    with pytest.raises(ValidationError):
        reviews.approve_item(acting_user=samr_reviewer, review=food)
    from yiyeyizheng.services.attachments import remove_attachment

    proof = application.attachments.get(purpose="premises_proof")
    remove_attachment(acting_user=owner, attachment=proof)
    with pytest.raises(ValidationError, match="仍不完整"):
        services.correct_application(acting_user=owner, application=application)
    from tests.yiyeyizheng.conftest import pdf_upload
    from yiyeyizheng.services.attachments import add_attachment

    add_attachment(
        acting_user=owner, application=application, purpose="premises_proof", upload=pdf_upload()
    )
    services.correct_application(
        acting_user=owner, application=application, form_data={"contact_phone": "13700000000"}
    )
    food.refresh_from_db()
    assert food.status == ReviewStatus.PENDING
    application.refresh_from_db()
    assert application.signed_document.data["form"]["contact_phone"] == "13700000000"


def test_overdue_reviews_are_flagged(
    owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer
):
    import datetime

    application = submitted(owner, store_format)
    services.accept_application(acting_user=xuhui_clerk, application=application)
    food = application.reviews.get(department__code="samr_district")
    assert not ItemReview.objects.overdue().exists()
    later = food.due_date + datetime.timedelta(days=1)
    assert list(ItemReview.objects.overdue(today=later).visible_to(samr_reviewer)) == [food]


@pytest.mark.django_db
def test_working_days_skip_weekends():
    import datetime

    from portal.workdays import add_working_days

    friday = datetime.date(2026, 11, 20)
    assert add_working_days(friday, 5) == datetime.date(2026, 11, 27)
    assert add_working_days(friday, 1) == datetime.date(2026, 11, 23)


def test_a_review_routed_the_day_before_a_holiday_week_is_due_after_the_holidays(
    owner, store_format, xuhui_clerk, administrator, time_machine
):
    import datetime
    import zoneinfo

    from portal.services import set_calendar_year

    # test data shaped like a State Council notice, not the real 2026 schedule
    set_calendar_year(
        acting_user=administrator,
        year=2026,
        text="2026-10-01..2026-10-07 国庆节\n2026-10-10 调休上班",
    )
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    time_machine.move_to(datetime.datetime(2026, 9, 30, 10, 0, tzinfo=shanghai), tick=False)
    application = submitted(owner, store_format)
    services.accept_application(acting_user=xuhui_clerk, application=application)
    # five working days after Wed 30 September: 8, 9, 10 (调休上班, a Saturday), 12, 13 October
    assert {r.due_date for r in application.reviews.all()} == {datetime.date(2026, 10, 13)}


def test_a_clerk_of_another_district_and_other_entities_cannot_see_the_application(
    owner, store_format, huangpu_clerk, xuhui_clerk, samr_reviewer
):
    from yiyeyizheng.models import Application

    application = submitted(owner, store_format)
    assert application in Application.objects.visible_to(xuhui_clerk)
    assert application not in Application.objects.visible_to(huangpu_clerk)
    outsider = enterprise_user(register(xuhui_clerk, name="上海他人有限公司"), username="x")
    assert application not in Application.objects.visible_to(outsider)
    assert application not in Application.objects.visible_to(samr_reviewer)
    services.accept_application(acting_user=xuhui_clerk, application=application)
    assert application in Application.objects.visible_to(samr_reviewer)
    city = UserFactory(username="city_reader")
    assert application in Application.objects.visible_to(city)


def test_numbers_stay_distinct_for_applications_started_at_once(owner, store_format):
    numbers = {start(owner, store_format).number for _ in range(5)}
    assert len(numbers) == 5


def test_the_model_guards_refuse_what_the_state_does_not_allow(owner, store_format, xuhui_clerk):
    from django_fsm import can_proceed, has_transition_perm

    application = complete(owner, start(owner, store_format))
    assert application.is_complete() and not can_proceed(application.submit)  # not signed
    assert not has_transition_perm(application.accept, xuhui_clerk)  # still a draft
    application = services.submit_application(acting_user=owner, application=application)
    assert has_transition_perm(application.accept, xuhui_clerk)
    assert not has_transition_perm(application.accept, owner)
    assert not has_transition_perm(application.withdraw, owner)  # submitted
    services.accept_application(acting_user=xuhui_clerk, application=application)
    application.refresh_from_db()
    assert not can_proceed(application.approve)  # reviews pending
    assert not can_proceed(application.reject)  # nothing rejected
    assert not can_proceed(application.license)  # not approved yet
    assert not application.ends_licence()  # a new application is never completed


def test_an_agent_authorised_for_yiyeyizheng_applies_and_signs(shop, store_format, owner):
    import datetime

    from django.utils import timezone

    from elicense.models import Matter
    from elicense.services.authorisations import grant_authorisation

    agent = enterprise_user(shop, capacity="agent", username="shop_agent")
    now = timezone.now()
    grant_authorisation(
        acting_user=owner,
        agent=agent,
        scope=Matter.objects.get(path="电子政务/市场监管/一业一证"),
        valid_from=now,
        valid_to=now + datetime.timedelta(days=30),
    )
    application = complete(agent, start(agent, store_format))
    services.submit_application(acting_user=agent, application=application)
    application.refresh_from_db()
    assert application.signed_document.signer == agent
    assert application.signed_document.authorisation.agent == agent


def test_during_a_correction_the_applicant_may_add_files_but_not_items(
    owner, store_format, xuhui_clerk, samr_reviewer
):
    from tests.yiyeyizheng.conftest import pdf_upload
    from yiyeyizheng.services.attachments import add_attachment

    application = submitted(owner, store_format)
    services.accept_application(acting_user=xuhui_clerk, application=application)
    with pytest.raises(ValidationError, match="不能修改"):
        add_attachment(
            acting_user=owner, application=application, purpose="floor_plan", upload=pdf_upload()
        )
    food = application.reviews.get(department__code="samr_district")
    reviews.request_item_correction(acting_user=samr_reviewer, review=food, reason="补充平面图")
    add_attachment(
        acting_user=owner, application=application, purpose="floor_plan", upload=pdf_upload()
    )
    before = application.decisions
    services.save_draft(
        acting_user=owner, application=application, form_data={}, chosen_optional=[1, 2, 3]
    )
    application.refresh_from_db()
    assert application.decisions == before
    assert application.attachments.filter(purpose="floor_plan").exists()


def test_mail_can_be_switched_off(
    owner, store_format, xuhui_clerk, samr_reviewer, settings, django_capture_on_commit_callbacks
):
    settings.YIYEYIZHENG_EMAIL_NOTIFICATIONS = False
    application = submitted(owner, store_format)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_application(acting_user=xuhui_clerk, application=application)
    assert mail.outbox == []
    assert Notification.objects.filter(message__contains="已受理").exists()
