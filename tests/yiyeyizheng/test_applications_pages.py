"""The enterprise and window pages, driven through the test client."""

import pytest
from django.urls import reverse

from tests.yiyeyizheng.conftest import STORE_ANSWERS, STORE_SEQ, pdf_upload, submitted
from yiyeyizheng.models import Application, ApplicationStatus

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_catalogue")


def test_the_whole_application_on_the_pages(client, owner, shop, catalogue, xuhui_clerk):
    client.force_login(owner)
    start_url = reverse("yiyeyizheng:application_start", args=[STORE_SEQ])
    page = client.get(start_url, STORE_ANSWERS).content.decode()
    assert "食品经营许可" in page and "烟草专卖零售许可" in page
    response = client.post(start_url, STORE_ANSWERS)
    application = Application.objects.get()
    edit_url = reverse("yiyeyizheng:application_edit", args=[application.number])
    assert response.url == edit_url
    page = client.get(edit_url).content.decode()
    assert f'data-fact="uscc">{shop.uscc}<' in page and f'data-fact="name">{shop.name}<' in page
    assert 'name="uscc"' not in page
    form = {
        "premises_address": shop.address,
        "contact_name": "王伟",
        "contact_phone": "13800000000",
    }
    client.post(edit_url, form)
    client.post(
        reverse("yiyeyizheng:attachment_upload", args=[application.number]),
        {"purpose": "premises_proof", "file": pdf_upload()},
    )
    summary = client.get(reverse("yiyeyizheng:application_sign", args=[application.number]))
    digest = summary.context["summary"].digest
    page = client.post(
        reverse("yiyeyizheng:application_submit", args=[application.number]),
        {"digest": digest},
        follow=True,
    ).content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.signed_document.digest == digest
    assert application.verification_code in page
    client.force_login(xuhui_clerk)
    queue = client.get(reverse("yiyeyizheng:clerk_queue")).content.decode()
    assert f'data-queue="{application.number}"' in queue
    client.post(reverse("yiyeyizheng:application_accept", args=[application.number]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.reviews.count() == 2


def test_start_with_bad_answers_shows_the_error_and_creates_nothing(client, owner, catalogue):
    client.force_login(owner)
    url = reverse("yiyeyizheng:application_start", args=[STORE_SEQ])
    response = client.post(url, {"sells_food": "perhaps"})
    assert "须为 true 或 false" in response.content.decode()
    assert not Application.objects.exists()


def test_a_tampered_optional_item_is_refused_in_chinese(client, owner, catalogue):
    client.force_login(owner)
    url = reverse("yiyeyizheng:application_start", args=[STORE_SEQ])
    response = client.post(url, {**STORE_ANSWERS, "chosen_optional": "abc"})
    assert response.status_code == 200 and "所选的可选事项无效" in response.content.decode()
    assert not Application.objects.exists()


def test_an_agent_without_authorisation_is_told_so_on_the_page(client, owner, shop, catalogue):
    from tests.factories import enterprise_user
    from tests.yiyeyizheng.conftest import start

    application = start(owner, catalogue.formats.get(seq=STORE_SEQ))
    client.force_login(enterprise_user(shop, capacity="agent", username="agent_no_scope"))
    upload = reverse("yiyeyizheng:attachment_upload", args=[application.number])
    response = client.post(upload, {"purpose": "premises_proof", "file": pdf_upload()}, follow=True)
    page = response.content.decode()
    assert response.status_code == 403
    assert "电子政务/市场监管/一业一证" in page and "您尚未获得授权" in page
    assert not application.attachments.exists()


def test_the_pages_are_for_their_roles(client, owner, xuhui_clerk, catalogue):
    client.force_login(xuhui_clerk)
    assert client.get(reverse("yiyeyizheng:application_list")).status_code == 404
    client.force_login(owner)
    assert client.get(reverse("yiyeyizheng:clerk_queue")).status_code == 404
    assert client.get(reverse("yiyeyizheng:review_list")).status_code == 404


def test_the_clerk_returns_with_one_notice(client, owner, store_format, xuhui_clerk):
    application = submitted(owner, store_format)
    client.force_login(xuhui_clerk)
    client.post(
        reverse("yiyeyizheng:application_return", args=[application.number]),
        {"notice": "场所证明模糊，请重新上传。"},
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    client.force_login(owner)
    page = client.get(
        reverse("yiyeyizheng:application_detail", args=[application.number])
    ).content.decode()
    assert "场所证明模糊，请重新上传。" in page


def test_list_pages_run_a_constant_number_of_queries(
    client, owner, store_format, xuhui_clerk, django_assert_max_num_queries
):
    for _ in range(3):
        submitted(owner, store_format)
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        client.get(reverse("yiyeyizheng:application_list"))
    client.force_login(xuhui_clerk)
    with django_assert_max_num_queries(8):
        client.get(reverse("yiyeyizheng:clerk_queue"))


def test_change_cancellation_and_reissue_start_from_the_licence(
    client, owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer
):
    from tests.yiyeyizheng.conftest import licensed
    from yiyeyizheng.models import ApplicationKind

    licence = licensed(owner, xuhui_clerk, store_format, [samr_reviewer, tobacco_reviewer]).licence
    client.force_login(owner)
    listing = client.get(reverse("yiyeyizheng:application_list")).content.decode()
    assert f'data-licence="{licence.number}"' in listing
    response = client.post(reverse("yiyeyizheng:licence_cancel", args=[licence.pk]), {})
    assert "请填写事由" in response.content.decode()
    client.post(reverse("yiyeyizheng:licence_reissue", args=[licence.pk]), {"reason": "正本损毁"})
    reissue = Application.objects.get(kind=ApplicationKind.REISSUE)
    assert reissue.licence == licence and reissue.reason == "正本损毁"
    response = client.post(
        reverse("yiyeyizheng:licence_change", args=[licence.pk]),
        {**STORE_ANSWERS, "sells_drugs": "true"},
    )
    assert "正在办理" in response.content.decode()
    client.post(reverse("yiyeyizheng:application_withdraw", args=[reissue.number]))
    client.post(
        reverse("yiyeyizheng:licence_change", args=[licence.pk]),
        {**STORE_ANSWERS, "sells_drugs": "true"},
    )
    change = Application.objects.get(kind=ApplicationKind.CHANGE)
    assert change.form_data["premises_address"] == licence.premises_address
    assert [d["permit"] for d in change.chosen_items()][-1] == "药品零售企业经营许可"


def test_the_change_page_starts_from_the_licences_answers(
    client, owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer
):
    from tests.yiyeyizheng.conftest import licensed

    licence = licensed(owner, xuhui_clerk, store_format, [samr_reviewer, tobacco_reviewer]).licence
    client.force_login(owner)

    page = client.get(reverse("yiyeyizheng:licence_change", args=[licence.pk]))

    form = page.context["answers"]
    assert {key: str(form[key].value()) for key in licence.answers} == licence.answers
    assert f'value="{licence.premises_address}"' in page.content.decode()


def test_another_entitys_licence_answers_404(client, owner, store_format, xuhui_clerk):
    from tests.factories import enterprise_user, register
    from tests.yiyeyizheng.conftest import licensed, reviewer

    licence = licensed(
        owner, xuhui_clerk, store_format,
        [reviewer("samr_district", username="s1"), reviewer("tobacco_district", username="t1")],
    ).licence  # fmt: skip
    other = enterprise_user(register(xuhui_clerk, name="上海隔壁有限公司"), username="next_door")
    client.force_login(other)
    assert client.get(reverse("yiyeyizheng:licence_cancel", args=[licence.pk])).status_code == 404
