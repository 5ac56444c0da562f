"""合规经营指南: "从经营主体视角探索制定合规经营指南，实现“一册告知”" (shanghai-yiyeyizheng
2023): one page per format, edited in the admin, linked from the questionnaire."""

import pytest
from django.urls import reverse

from portal.models import AuditEvent
from yiyeyizheng.models import ComplianceGuide

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]

BODY = (
    "一、亮证经营：在经营场所显著位置公示行业综合许可证。\n\n二、食品安全：落实进货查验记录制度。"
)


def test_the_administrator_writes_a_guide_in_the_admin_and_the_questionnaire_links_it(
    client, administrator, store_format
):
    questionnaire = reverse("yiyeyizheng:questionnaire", args=[store_format.seq])
    assert "data-guide-link" not in client.get(questionnaire).content.decode()
    assert client.get(reverse("yiyeyizheng:guide", args=[store_format.seq])).status_code == 404
    client.force_login(administrator)

    client.post(
        reverse("admin:yiyeyizheng_complianceguide_add"),
        {"business_format": store_format.pk, "body": BODY},
    )

    guide = ComplianceGuide.objects.get(business_format=store_format)
    assert guide.updated_by == administrator
    assert AuditEvent.objects.filter(action="yyz_guide.saved").count() == 1
    client.logout()
    page = client.get(questionnaire).content.decode()
    assert f"{store_format.name}合规经营指南（一册告知）" in page
    guide_page = client.get(reverse("yiyeyizheng:guide", args=[store_format.seq])).content.decode()
    assert "实现“一册告知”" in guide_page
    assert "<p>一、亮证经营：在经营场所显著位置公示行业综合许可证。</p>" in guide_page


def test_a_rewrite_is_audited_with_what_changed(client, administrator, store_format):
    from yiyeyizheng.services.guides import save_guide

    guide = save_guide(acting_user=administrator, business_format=store_format, body=BODY)
    client.force_login(administrator)
    client.post(
        reverse("admin:yiyeyizheng_complianceguide_change", args=[guide.pk]),
        {"body": BODY + "\n\n三、每年自查一次。"},
    )

    guide.refresh_from_db()
    assert guide.body.endswith("三、每年自查一次。")
    last = AuditEvent.objects.filter(action="yyz_guide.saved").latest("pk")
    assert last.changes["body"][0] == BODY


def test_a_copied_catalogue_version_keeps_each_formats_guide(
    administrator, catalogue, store_format
):
    from yiyeyizheng.services.catalogue import copy_version
    from yiyeyizheng.services.guides import save_guide

    save_guide(acting_user=administrator, business_format=store_format, body=BODY)

    draft = copy_version(acting_user=administrator, version=catalogue)

    copied = ComplianceGuide.objects.get(business_format__version=draft)
    assert copied.business_format.seq == store_format.seq and copied.body == BODY
    assert ComplianceGuide.objects.count() == 2
