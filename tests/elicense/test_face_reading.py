"""照面信息获取 (济宁通知 二（二）2): a scanned e-licence fills a form's entity fields.

"企业办理业务需要采集营业执照照面信息时，可以通过自行扫码登录或线下窗口扫码枪扫描后从电子营业
执照中直接获取照面信息，减少人工录入操作，提高数据准确性。"
"""

import pytest
from django.urls import reverse

from elicense import services
from elicense.models import Certificate, Verification
from portal.models import AuditEvent
from tests.factories import enterprise_user, issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(xuhui_clerk, signing_key):
    entity = register(
        xuhui_clerk, name="上海照面测试餐饮有限公司", legal_person_name="赵敏",
        address="上海市徐汇区漕溪北路88号",
    )  # fmt: skip
    services.sign_certificate(certificate_id=Certificate.objects.get(holder_uscc=entity.uscc).pk)
    return entity


def _read(client, token, **extra):
    return client.post(
        reverse("elicense:face_read"), {"token": token, "purpose": "变更登记", **extra}
    )


def test_a_presented_code_gives_the_face_and_is_audited_as_a_scan(client, xuhui_clerk, holder):
    code, _ = services.issue_presentation_code(acting_user=enterprise_user(holder))
    client.force_login(xuhui_clerk)

    response = _read(client, code, expected_uscc=holder.uscc)

    assert response.status_code == 200
    assert response.json()["face"] == {
        "uscc": holder.uscc,
        "name": "上海照面测试餐饮有限公司",
        "legal_person_name": "赵敏",
        "address": "上海市徐汇区漕溪北路88号",
    }
    event = AuditEvent.objects.get(action="certificate.face_read")
    assert event.actor == xuhui_clerk and event.changes["purpose"] == "变更登记"
    assert Verification.objects.get().channel == "face_read"


def test_a_replayed_code_or_another_entitys_licence_fills_nothing(client, xuhui_clerk, holder):
    other = register(xuhui_clerk, name="上海另一家餐饮有限公司")
    code, _ = services.issue_presentation_code(acting_user=enterprise_user(holder))
    client.force_login(xuhui_clerk)

    wrong = _read(client, code, expected_uscc=other.uscc)
    replayed = _read(client, code)

    assert wrong.status_code == 403 and "不是本次办理的主体" in wrong.json()["error"]
    assert replayed.status_code == 422 and "只能查验一次" in replayed.json()["error"]
    assert not AuditEvent.objects.filter(action="certificate.face_read").exists()
    assert list(Verification.objects.values_list("result", flat=True).order_by("pk")) == [
        "valid",
        "replayed",
    ]  # both scans are on record


def test_only_a_business_licence_has_a_face_to_give(client, xuhui_clerk, holder):
    food = issue_food(xuhui_clerk, holder)
    certificate = Certificate.objects.get(holder_uscc=holder.uscc, kind="food_licence")
    services.sign_certificate(certificate_id=certificate.pk)
    client.force_login(xuhui_clerk)

    response = _read(client, f"/v/{certificate.public_id}/")
    garbage = _read(client, "not a licence")

    assert food.number and response.status_code == 422
    assert "请扫描电子营业执照" in response.json()["error"]
    assert garbage.status_code == 422 and "无法识别" in garbage.json()["error"]


def test_the_public_cannot_read_faces(client, holder):
    response = _read(client, "ANYTHING")
    assert response.status_code == 302  # to the login page


def test_the_forms_carry_the_scan_field(client, xuhui_clerk, holder):
    client.force_login(xuhui_clerk)
    change = client.get(reverse("licensing:entity_change", args=[holder.pk])).content.decode()
    client.force_login(enterprise_user(holder))
    suppliers = client.get(reverse("licensing:supplier_list")).content.decode()

    for page in (change, suppliers):
        assert "照面信息获取：扫描企业出示的电子营业执照" in page
        assert "elicense/face_fill" in page
    assert f'data-face-expected="{holder.uscc}"' in change
    assert "name:id_name legal_person_name:id_legal_person_name address:id_address" in change
    assert "uscc:id_identifier" in suppliers
