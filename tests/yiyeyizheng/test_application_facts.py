"""一业一证 applications: the facts in the form are the answers the items are decided on.

A 饭店 (format 10) needs 公众聚集场所投入使用、营业前消防安全检查 from 300 m². The applicant
answers the questionnaire without the area, then states it in the form; the items follow the
facts, a required item cannot be left out, impossible numbers and phone numbers are refused in
Chinese, and the signing page shows exactly what is signed.
"""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from elicense.services.signatures import canonical_bytes
from tests.yiyeyizheng.conftest import complete, pdf_upload, start, submitted
from yiyeyizheng.models import Application, ApplicationStatus
from yiyeyizheng.services import applications as services
from yiyeyizheng.services.attachments import add_attachment

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_catalogue")

RESTAURANT_SEQ = 10
FIRE = "公众聚集场所投入使用、营业前消防安全检查"
#: Everything the 饭店 questionnaire asks except the area.
NO_AREA = {"discharges_sewage": "false", "sells_tobacco": "false", "boiler": "none"}


@pytest.fixture
def restaurant(catalogue):
    return catalogue.formats.get(seq=RESTAURANT_SEQ)


@pytest.fixture
def draft(owner, restaurant):
    return start(owner, restaurant, NO_AREA)


def decision_of(application, permit=FIRE) -> dict:
    return next(d for d in application.decisions if d["permit"] == permit)


def chosen(application) -> list[str]:
    return [d["permit"] for d in application.chosen_items()]


def edit(client, application, **fields):
    """Post the edit page as the browser would: the form as it stands, with ``fields`` changed."""
    data = {
        "premises_address": application.form_data["premises_address"],
        "contact_name": application.form_data["contact_name"],
        "contact_phone": application.form_data.get("contact_phone") or "13800000000",
        **application.answers,
        **fields,
    }
    url = reverse("yiyeyizheng:application_edit", args=[application.number])
    return client.post(url, data, follow=True)


# --- the area decides ------------------------------------------------------------------
def test_an_unstated_area_leaves_the_fire_check_waiting_not_optional(owner, draft):
    fire = decision_of(draft)
    assert fire["decision"] == "optional" and fire["awaiting"] == ["area_m2"]
    assert not services.tickable(fire) and FIRE not in chosen(draft)
    complete(owner, draft)
    with pytest.raises(ValidationError, match="未填写“经营面积（平方米）”") as error:
        services.submit_application(acting_user=owner, application=draft)
    assert FIRE in str(error.value)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.signed_document is None


def test_a_ticked_box_cannot_stand_in_for_the_area(owner, draft):
    fire_id = decision_of(draft)["item_id"]
    services.save_draft(
        acting_user=owner, application=draft, form_data={}, chosen_optional=[fire_id]
    )
    draft.refresh_from_db()
    assert FIRE not in chosen(draft)


def test_stating_350_square_metres_makes_the_fire_check_required_and_chosen(owner, draft):
    services.save_draft(
        acting_user=owner, application=draft, form_data={}, answers={"area_m2": "350"}
    )
    draft.refresh_from_db()
    assert draft.answers["area_m2"] == "350"
    fire = decision_of(draft)
    assert fire["decision"] == "required" and fire["chosen"] and fire["awaiting"] == []
    assert "经营面积 350 平方米" in fire["reason"]


def test_changing_the_area_on_the_page_re_decides_the_items(client, owner, draft):
    client.force_login(owner)
    page = edit(client, draft, area_m2="350")
    draft.refresh_from_db()
    assert FIRE in chosen(draft)
    html = page.content.decode()
    assert f'data-decision="required" data-permit="{FIRE}"' in html

    edit(client, draft, area_m2="120")
    draft.refresh_from_db()
    assert decision_of(draft)["decision"] == "not_required"
    assert FIRE not in chosen(draft)


def test_a_tampered_post_cannot_untick_a_required_item(client, owner, restaurant):
    undecided_tobacco = {k: v for k, v in NO_AREA.items() if k != "sells_tobacco"}
    draft = start(owner, restaurant, undecided_tobacco)
    client.force_login(owner)
    edit(client, draft, area_m2="350")
    draft.refresh_from_db()
    fire_id, tobacco_id = (
        decision_of(draft)["item_id"],
        decision_of(draft, "烟草专卖零售许可")["item_id"],
    )
    html = client.get(reverse("yiyeyizheng:application_edit", args=[draft.number])).content
    assert f'value="{tobacco_id}"'.encode() in html and f'value="{fire_id}"'.encode() not in html

    # A post ticking only the optional item, or none, leaves the required one chosen …
    edit(client, draft, chosen_optional=str(tobacco_id))
    draft.refresh_from_db()
    assert chosen(draft) == ["食品经营许可", "烟草专卖零售许可", FIRE]
    services.save_draft(acting_user=owner, application=draft, form_data={}, chosen_optional=[])
    draft.refresh_from_db()
    assert chosen(draft) == ["食品经营许可", FIRE]
    # … and one naming the required item as if it were optional is refused.
    page = edit(client, draft, chosen_optional=str(fire_id))
    assert "有效的选项" in page.content.decode()
    draft.refresh_from_db()
    assert chosen(draft) == ["食品经营许可", FIRE]


def test_a_required_item_left_out_of_a_stored_snapshot_is_chosen_again_at_submission(owner, draft):
    complete(owner, draft)
    services.save_draft(
        acting_user=owner, application=draft, form_data={}, answers={"area_m2": "350"}
    )
    draft.refresh_from_db()
    tampered = [{**d, "chosen": False} if d["permit"] == FIRE else d for d in draft.decisions]
    Application.objects.filter(pk=draft.pk).update(decisions=tampered)

    services.submit_application(acting_user=owner, application=draft)

    draft.refresh_from_db()
    assert FIRE in chosen(draft)
    assert {"permit": FIRE, "kind": "licence"} in draft.signed_document.data["items"]


def test_the_start_page_offers_no_box_for_an_item_waiting_on_the_area(client, owner, restaurant):
    client.force_login(owner)
    url = reverse("yiyeyizheng:application_start", args=[RESTAURANT_SEQ])
    page = client.get(url, NO_AREA).content.decode()
    assert "待填写经营面积（平方米）后确定" in page
    fire_id = restaurant.items.get(permit__name=FIRE).pk
    assert f'name="chosen_optional" value="{fire_id}"' not in page
    client.post(url, {**NO_AREA, "chosen_optional": str(fire_id)})
    assert FIRE not in chosen(Application.objects.get())


# --- numbers and phone numbers -----------------------------------------------------------
@pytest.mark.parametrize(
    ("area", "message"),
    [("-20", "经营面积不能为负数。"), ("0", "经营面积须大于 0 平方米。"), ("lots", "请输入数字")],
)
def test_an_impossible_area_is_refused_and_nothing_written(owner, draft, area, message):
    services.save_draft(
        acting_user=owner, application=draft, form_data={}, answers={"area_m2": "80"}
    )
    with pytest.raises(ValidationError, match=message):
        services.save_draft(
            acting_user=owner, application=draft, form_data={}, answers={"area_m2": area}
        )
    draft.refresh_from_db()
    assert draft.answers["area_m2"] == "80"


def test_the_questionnaire_refuses_a_zero_area_too(owner, restaurant):
    with pytest.raises(ValidationError, match="经营面积须大于 0 平方米。"):
        start(owner, restaurant, {**NO_AREA, "area_m2": "0"})
    assert not Application.objects.exists()


def test_the_edit_page_shows_the_area_error_on_its_field(client, owner, draft):
    client.force_login(owner)
    page = edit(client, draft, area_m2="-20")
    assert page.context["form"].errors["area_m2"] == ["经营面积不能为负数。"]
    draft.refresh_from_db()
    assert "area_m2" not in draft.answers


@pytest.mark.parametrize("phone", ["abc", "1380000", "23800000000", "138-0000-0000x"])
def test_a_phone_number_that_is_not_one_is_refused(owner, draft, phone):
    with pytest.raises(ValidationError) as error:
        services.save_draft(
            acting_user=owner, application=draft, form_data={"contact_phone": phone}
        )
    assert error.value.message_dict["contact_phone"][0].startswith("联系电话格式不正确")
    draft.refresh_from_db()
    assert draft.form_data["contact_phone"] == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("１３８００１３８０００", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("021-64381234", "021-64381234"),
        ("64381234", "64381234"),
        ("400-820-8820", "400-820-8820"),
    ],
)
def test_real_phone_numbers_are_kept_in_half_width(owner, draft, typed, stored):
    services.save_draft(acting_user=owner, application=draft, form_data={"contact_phone": typed})
    draft.refresh_from_db()
    assert draft.form_data["contact_phone"] == stored


def test_the_edit_page_shows_the_phone_error_on_its_field(client, owner, draft):
    client.force_login(owner)
    page = edit(client, draft, contact_phone="abc")
    assert page.context["form"].errors["contact_phone"][0].startswith("联系电话格式不正确")


def test_impossible_facts_already_stored_stop_the_submission(owner, store_format):
    """A row written before these checks (area −20, phone "abc") cannot be signed."""
    application = complete(owner, start(owner, store_format))
    Application.objects.filter(pk=application.pk).update(
        answers={**application.answers, "area_m2": "-20"},
        form_data={**application.form_data, "contact_phone": "abc"},
    )
    with pytest.raises(ValidationError) as error:
        services.submit_application(acting_user=owner, application=application)
    assert "经营面积不能为负数" in str(error.value) and "联系电话格式不正确" in str(error.value)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_facts_are_fixed_while_a_department_awaits_a_correction(
    owner, store_format, xuhui_clerk, samr_reviewer
):
    from yiyeyizheng.services.reviews import request_item_correction

    application = submitted(owner, store_format)
    services.accept_application(acting_user=xuhui_clerk, application=application)
    food = application.reviews.get(department__code="samr_district")
    request_item_correction(acting_user=samr_reviewer, review=food, reason="补充平面图")
    application.refresh_from_db()
    with pytest.raises(ValidationError, match="不能再修改"):
        services.save_draft(
            acting_user=owner,
            application=application,
            form_data={},
            answers={"sells_tobacco": "false"},
        )


# --- the signing step --------------------------------------------------------------------
def test_the_signing_page_shows_exactly_what_is_signed(client, owner, draft):
    complete(owner, draft)
    services.save_draft(
        acting_user=owner, application=draft, form_data={}, answers={"area_m2": "350"}
    )
    client.force_login(owner)
    url = reverse("yiyeyizheng:application_sign", args=[draft.number])

    page = client.get(url)

    summary = page.context["summary"]
    html = page.content.decode()
    assert summary.data == services.signing_data(Application.objects.get(pk=draft.pk))
    assert summary.digest == hashlib.sha256(canonical_bytes(summary.data)).hexdigest()
    assert f"data-sign-digest>{summary.digest}<" in html
    assert 'data-signed="经营面积（平方米）">350 平方米<' in html
    assert 'data-signed="联系电话">13800000000<' in html
    assert f'data-signed="{FIRE}">许可<' in html
    assert 'data-signed="食品经营许可">许可<' in html
    assert 'data-signed="经营场所使用证明">场所证明.pdf' in html

    client.post(
        reverse("yiyeyizheng:application_submit", args=[draft.number]), {"digest": summary.digest}
    )

    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    assert draft.signed_document.digest == summary.digest
    assert draft.signed_document.data == summary.data


def test_data_changed_after_the_summary_is_not_signed(client, owner, draft):
    complete(owner, draft)
    services.save_draft(
        acting_user=owner, application=draft, form_data={}, answers={"area_m2": "350"}
    )
    client.force_login(owner)
    shown = client.get(reverse("yiyeyizheng:application_sign", args=[draft.number]))
    add_attachment(
        acting_user=owner, application=draft, purpose="floor_plan", upload=pdf_upload("平面图.pdf")
    )

    page = client.post(
        reverse("yiyeyizheng:application_submit", args=[draft.number]),
        {"digest": shown.context["summary"].digest},
        follow=True,
    )

    assert "申请内容在您核对之后有变化" in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.signed_document is None


def test_submitting_without_seeing_the_summary_leads_to_it(client, owner, draft):
    complete(owner, draft)
    client.force_login(owner)
    response = client.post(reverse("yiyeyizheng:application_submit", args=[draft.number]))
    assert response.url == reverse("yiyeyizheng:application_sign", args=[draft.number])
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_the_signing_page_names_what_stops_signing_and_offers_no_button(client, owner, draft):
    complete(owner, draft)
    client.force_login(owner)
    html = client.get(reverse("yiyeyizheng:application_sign", args=[draft.number])).content.decode()
    assert "data-sign-problems" in html and "未填写“经营面积（平方米）”" in html
    assert "以企业电子签名签署并提交" not in html


def test_another_entitys_signing_page_is_404(client, draft, xuhui_clerk):
    from tests.factories import enterprise_user, register

    client.force_login(enterprise_user(register(xuhui_clerk, name="上海隔壁饭店有限公司")))
    assert (
        client.get(reverse("yiyeyizheng:application_sign", args=[draft.number])).status_code == 404
    )


def test_an_agent_without_a_current_authorisation_sees_no_signing_summary(
    client, shop, owner, draft
):
    import datetime

    from django.utils import timezone

    from elicense.models import Matter
    from elicense.services.authorisations import grant_authorisation
    from tests.factories import enterprise_user

    complete(owner, draft)
    agent = enterprise_user(shop, capacity="agent", username="restaurant_agent")
    url = reverse("yiyeyizheng:application_sign", args=[draft.number])
    client.force_login(agent)
    refused = client.get(url)
    page = refused.content.decode()
    assert refused.status_code == 403
    assert "data-sign-digest" not in page and "data-signed=" not in page  # nothing of the summary

    now = timezone.now()
    grant_authorisation(
        acting_user=owner,
        agent=agent,
        scope=Matter.objects.get(path="电子政务/市场监管/一业一证"),
        valid_from=now,
        valid_to=now + datetime.timedelta(days=30),
    )
    assert client.get(url).status_code == 200


# --- a change decides from its facts too -------------------------------------------------
def test_a_change_keeps_the_held_items_and_follows_its_new_facts(
    owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer
):
    from tests.yiyeyizheng.conftest import STORE_ANSWERS, licensed
    from yiyeyizheng.services.changes import start_change

    licence = licensed(owner, xuhui_clerk, store_format, [samr_reviewer, tobacco_reviewer]).licence
    change = start_change(
        acting_user=owner,
        licence=licence,
        answers={**STORE_ANSWERS, "sells_drugs": "true"},
        form_data={},
    )
    assert chosen(change) == ["食品经营许可", "烟草专卖零售许可", "药品零售企业经营许可"]

    services.save_draft(
        acting_user=owner, application=change, form_data={}, answers={"sells_drugs": "false"}
    )

    change.refresh_from_db()
    assert change.answers["sells_drugs"] == "false"
    assert chosen(change) == ["食品经营许可", "烟草专卖零售许可"]


def test_a_correction_is_signed_from_its_summary_too(
    client, owner, store_format, xuhui_clerk, samr_reviewer
):
    from yiyeyizheng.models import ReviewStatus
    from yiyeyizheng.services.reviews import request_item_correction

    application = submitted(owner, store_format)
    services.accept_application(acting_user=xuhui_clerk, application=application)
    food = application.reviews.get(department__code="samr_district")
    request_item_correction(acting_user=samr_reviewer, review=food, reason="补充平面图")
    add_attachment(
        acting_user=owner, application=application, purpose="floor_plan", upload=pdf_upload()
    )
    client.force_login(owner)

    page = client.get(reverse("yiyeyizheng:application_sign", args=[application.number]))

    assert "签名并提交补正" in page.content.decode()
    assert 'data-signed="经营场所平面图"' in page.content.decode()
    digest = page.context["summary"].digest
    client.post(
        reverse("yiyeyizheng:application_correct", args=[application.number]), {"digest": digest}
    )
    application.refresh_from_db()
    food.refresh_from_db()
    assert food.status == ReviewStatus.PENDING
    assert application.signed_document.digest == digest


def test_the_window_is_warned_and_cannot_accept_impossible_facts(
    client, owner, store_format, xuhui_clerk
):
    """Signed before the checks existed: area −20 m², phone "abc"."""
    application = submitted(owner, store_format)
    Application.objects.filter(pk=application.pk).update(
        answers={**application.answers, "area_m2": "-20"},
        form_data={**application.form_data, "contact_phone": "abc"},
    )
    client.force_login(xuhui_clerk)
    url = reverse("yiyeyizheng:application_detail", args=[application.number])
    html = client.get(url).content.decode()
    assert "data-wrong-facts" in html and "经营面积不能为负数" in html

    page = client.post(
        reverse("yiyeyizheng:application_accept", args=[application.number]), follow=True
    )

    assert "不能受理，请退回补正" in page.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not application.reviews.exists()
