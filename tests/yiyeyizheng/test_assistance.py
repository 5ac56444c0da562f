"""帮办代办: "落实“两个免于提交”要求，提供帮办代办服务" (shanghai-yiyeyizheng 2023). The
applicant asks, the window fills the application on their behalf (the window form takes the
entity from the presented licence: 照面信息获取), the applicant confirms and signs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from elicense import services as elicense_services
from elicense.models import Certificate
from portal.models import AuditEvent
from tests.factories import clerk
from tests.yiyeyizheng.conftest import STORE_ANSWERS, pdf_upload
from yiyeyizheng.models import AssistanceRequest
from yiyeyizheng.services import assistance as services
from yiyeyizheng.services.applications import save_draft, submit_application
from yiyeyizheng.services.attachments import add_attachment

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]


def _ask(owner, store_format):
    return services.request_assistance(
        acting_user=owner, business_format=store_format, note="不会网上填报，请窗口帮忙",
        contact_phone="13800000000",
    )  # fmt: skip


def _draft(xuhui_clerk, assistance, **overrides):
    data = {
        "acting_user": xuhui_clerk,
        "assistance": assistance,
        "uscc": assistance.entity_uscc,
        "form_data": {"premises_address": "上海市徐汇区天钥桥路1号", "contact_name": "王芳",
                      "contact_phone": "13800000000"},
        "answers": STORE_ANSWERS,
    }  # fmt: skip
    data.update(overrides)
    return services.draft_on_behalf(**data)


def test_the_window_fills_and_the_applicant_confirms_and_signs(
    owner, xuhui_clerk, store_format, signing_key
):
    assistance = _ask(owner, store_format)
    application = _draft(xuhui_clerk, assistance)

    assert application.applicant == owner and application.assisted_by == xuhui_clerk
    assert application.status == "draft"
    assert [d["permit"] for d in application.chosen_items()] == ["食品经营许可", "烟草专卖零售许可"]
    add_attachment(
        acting_user=owner, application=application, purpose="premises_proof", upload=pdf_upload()
    )
    with pytest.raises(ValidationError, match="窗口正在为您代为填写"):
        submit_application(acting_user=owner, application=application)
    services.hand_over(acting_user=xuhui_clerk, assistance=assistance)

    submit_application(acting_user=owner, application=application)

    assistance.refresh_from_db()
    application.refresh_from_db()
    assert assistance.status == "signed" and application.status == "submitted"
    signed_by_window = application.signed_document.data["assisted_by"]
    assert signed_by_window == (xuhui_clerk.full_name or xuhui_clerk.username)
    assert [
        e.action
        for e in AuditEvent.objects.filter(action__startswith="yyz_assistance.").order_by("pk")
    ] == [
        "yyz_assistance.requested",
        "yyz_assistance.drafted",
        "yyz_assistance.handed_over",
        "yyz_assistance.signed",
    ]


def test_the_window_form_refuses_another_entitys_uscc(owner, xuhui_clerk, store_format):
    from tests.factories import register

    other = register(xuhui_clerk, name="上海别家便利店有限公司")
    assistance = _ask(owner, store_format)

    with pytest.raises(ValidationError, match="与申请帮办的主体不一致"):
        _draft(xuhui_clerk, assistance, uscc=other.uscc)
    assert not assistance.__class__.objects.get(pk=assistance.pk).application_id


def test_only_the_districts_window_assists_and_the_applicant_waits(
    owner, xuhui_clerk, store_format
):
    assistance = _ask(owner, store_format)
    with pytest.raises(PermissionDenied):
        _draft(clerk("310101", username="huangpu_window"), assistance)
    application = _draft(xuhui_clerk, assistance)
    with pytest.raises(ValidationError, match="窗口正在为您代为填写"):
        save_draft(acting_user=owner, application=application, form_data={"contact_name": "李"})
    services.hand_over(acting_user=xuhui_clerk, assistance=assistance)
    with pytest.raises(ValidationError, match="不能办理此操作"):
        _draft(xuhui_clerk, assistance)


def test_hand_over_needs_a_draft_and_the_request_needs_a_reason(owner, xuhui_clerk, store_format):
    with pytest.raises(ValidationError, match="请写明需要窗口帮您办理的事项"):
        services.request_assistance(
            acting_user=owner, business_format=store_format, note=" ", contact_phone="13800000000"
        )
    assistance = _ask(owner, store_format)
    with pytest.raises(ValidationError, match="不能办理此操作"):
        services.hand_over(acting_user=xuhui_clerk, assistance=assistance)


def test_the_pages_quote_the_source_and_scope_by_district(client, owner, xuhui_clerk, store_format):
    client.force_login(owner)
    page = client.get(reverse("yiyeyizheng:assistance_list")).content.decode()
    assert "落实“两个免于提交”要求，提供帮办代办服务" in page
    client.post(
        reverse("yiyeyizheng:assistance_list"),
        {"business_format": store_format.pk, "note": "请窗口代填", "contact_phone": "13800000000"},
    )
    assistance = AssistanceRequest.objects.get()

    client.force_login(xuhui_clerk)
    window = client.get(reverse("yiyeyizheng:assistance_detail", args=[assistance.pk]))
    assert "照面信息获取：扫描企业出示的电子营业执照" in window.content.decode()
    assert "uscc:id_uscc address:id_premises_address" in window.content.decode()
    client.force_login(clerk("310101", username="huangpu_window"))
    assert (
        client.get(reverse("yiyeyizheng:assistance_detail", args=[assistance.pk])).status_code
        == 404
    )


def test_the_window_form_takes_the_scanned_licence(
    client, owner, shop, xuhui_clerk, store_format, signing_key
):
    """The scan field's answer is what the window form posts: the face of the presented
    licence fills the USCC, and the service accepts it for the entity that asked."""
    elicense_services.sign_certificate(
        certificate_id=Certificate.objects.get(holder_uscc=shop.uscc, kind="business_licence").pk
    )
    assistance = _ask(owner, store_format)
    code, _ = elicense_services.issue_presentation_code(acting_user=owner)
    client.force_login(xuhui_clerk)
    face = client.post(
        reverse("elicense:face_read"),
        {"token": code, "purpose": "一业一证帮办代办", "expected_uscc": assistance.entity_uscc},
    ).json()["face"]

    client.post(
        reverse("yiyeyizheng:assistance_detail", args=[assistance.pk]),
        {"uscc": face["uscc"], "premises_address": face["address"],
         "contact_name": face["legal_person_name"], "contact_phone": "13800000000",
         **STORE_ANSWERS},
    )  # fmt: skip

    assistance.refresh_from_db()
    assert assistance.status == "drafting"
    assert assistance.application.form_data["premises_address"] == shop.address


def test_the_window_cannot_draft_against_a_catalogue_superseded_since_the_request(
    owner, xuhui_clerk, store_format
):
    from portal.models import Role
    from tests.factories import UserFactory
    from yiyeyizheng.services.catalogue import copy_version, publish_version

    assistance = _ask(owner, store_format)
    admin = UserFactory(role=Role.ADMINISTRATOR)
    publish_version(
        acting_user=admin, version=copy_version(acting_user=admin, version=store_format.version)
    )

    with pytest.raises(ValidationError, match="不属于现行目录"):
        _draft(xuhui_clerk, assistance)
    assert AssistanceRequest.objects.get(pk=assistance.pk).application is None
