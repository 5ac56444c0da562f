"""Double submit: the same form posted twice (at once or later) creates once.

Each form page carries a one-time token; the create claims it in its own transaction, so a
repeated post — a double click, a reload, a retry — is sent to the first result instead.
"""

import csv
import io
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from elicense.services.relying_parties import create_relying_party
from licensing.models import BulkCheck, FoodLicence, MarketEntity, Supplier
from licensing.services.bulk import HEADER
from portal import ratelimit
from tests.conftest import require
from tests.double_submit import form_token
from tests.factories import RegistrationFactory, enterprise_user, register

FOOD_FORM = {
    "subject_type": 2,
    "business_items": ["hot_food"],
    "premises_address": "上海市徐汇区漕溪北路88号",
}


def _food_url(entity):
    return reverse("licensing:food_licence_create", args=[entity.pk])


@pytest.mark.django_db
def test_a_food_licence_form_posted_three_times_issues_one_licence(client, xuhui_clerk):
    entity = register(xuhui_clerk)
    client.force_login(xuhui_clerk)
    data = {**FOOD_FORM, "form_token": form_token(client, _food_url(entity))}

    first = client.post(_food_url(entity), data)
    second = client.post(_food_url(entity), data)
    later = client.post(_food_url(entity), data, follow=True)

    licence = FoodLicence.objects.get()
    assert first.url == second.url == reverse("licensing:entity_detail", args=[entity.pk])
    assert later.redirect_chain[-1][0] == first.url
    assert "该表单已经提交过" in later.content.decode()
    assert licence.entity == entity


@pytest.mark.django_db
def test_a_new_form_page_issues_another_licence(client, xuhui_clerk):
    entity = register(xuhui_clerk)
    client.force_login(xuhui_clerk)

    for _ in range(2):
        client.post(
            _food_url(entity), {**FOOD_FORM, "form_token": form_token(client, _food_url(entity))}
        )

    assert FoodLicence.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_post_leaves_its_token_unused(client, xuhui_clerk):
    """Nothing was created under a token whose post was refused: it may be sent again."""
    entity = register(xuhui_clerk)
    client.force_login(xuhui_clerk)
    token = form_token(client, _food_url(entity))

    refused = client.post(
        _food_url(entity), {**FOOD_FORM, "business_items": [], "form_token": token}
    )
    assert refused.status_code == 200 and 'name="form_token"' in refused.content.decode()
    client.post(_food_url(entity), {**FOOD_FORM, "form_token": token})
    client.post(_food_url(entity), {**FOOD_FORM, "form_token": token})

    assert FoodLicence.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_posts_at_the_same_moment_issue_one_licence(xuhui_clerk):
    require(connection.vendor == "postgresql", "concurrent transactions need PostgreSQL")
    entity = register(xuhui_clerk)
    setup = Client()
    setup.force_login(xuhui_clerk)
    data = {**FOOD_FORM, "form_token": form_token(setup, _food_url(entity))}
    barrier, answers, errors = threading.Barrier(2), [], []

    def post():
        try:
            browser = Client()
            browser.force_login(xuhui_clerk)
            barrier.wait(timeout=30)
            answers.append(browser.post(_food_url(entity), data))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [answer.status_code for answer in answers] == [302, 302]
    assert {answer.url for answer in answers} == {
        reverse("licensing:entity_detail", args=[entity.pk])
    }
    assert FoodLicence.objects.count() == 1


def _registration(**overrides):
    data = RegistrationFactory(**overrides)
    data["established_on"] = data["established_on"].isoformat()
    data["operating_period_to"] = ""
    return data


@pytest.mark.django_db
def test_a_registration_posted_again_shows_the_first_entity(client, xuhui_clerk):
    client.force_login(xuhui_clerk)
    url = reverse("licensing:entity_create")
    data = {**_registration(), "form_token": form_token(client, url)}

    first = client.post(url, data)
    again = client.post(url, data)

    entity = MarketEntity.objects.get()
    assert first.url == again.url == reverse("licensing:entity_detail", args=[entity.pk])


def _upload(rows=()):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [list(HEADER), ["91310104MA1FL8KQ5B", "某店", "JY1", "某路"], *rows]
    )
    return buffer.getvalue().encode()


@pytest.mark.django_db
def test_a_bulk_check_uploaded_twice_from_one_page_runs_once(client, xuhui_clerk):
    platform = enterprise_user(register(xuhui_clerk, name="上海某外卖平台有限公司"))
    client.force_login(platform)
    url = reverse("licensing:bulkcheck_list")
    token = form_token(client, url)

    answers = []
    for _ in range(2):
        upload = io.BytesIO(_upload())
        upload.name = "merchants.csv"
        answers.append(client.post(url, {"file": upload, "form_token": token}))

    check = BulkCheck.objects.get()
    assert {a.url for a in answers} == {reverse("licensing:bulkcheck_detail", args=[check.pk])}


@pytest.fixture
def party_key(db):
    party, key = create_relying_party(name="美团外卖", peak_qps=100)
    ratelimit.reset(party.pk)
    return key


def _api_upload(client, key, data, idempotency_key=None):
    headers = {"Authorization": f"Bearer {key}"}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    upload = io.BytesIO(data)
    upload.name = "merchants.csv"
    return client.post("/api/v1/bulk-checks", {"file": upload}, headers=headers)


@pytest.mark.django_db
def test_the_api_answers_a_repeated_idempotency_key_with_the_first_check(client, party_key):
    first = _api_upload(client, party_key, _upload(), "order-2026-12-01")
    again = _api_upload(client, party_key, _upload(), "order-2026-12-01")

    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert BulkCheck.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_file_is_422_in_chinese(client, party_key):
    _api_upload(client, party_key, _upload(), "order-1")

    response = _api_upload(client, party_key, _upload([["x", "y", "z", "w"]]), "order-1")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert "内容不同" in response.json()["message"]
    assert BulkCheck.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_party_and_no_key_means_no_replay(client, party_key):
    other_party, other_key = create_relying_party(name="饿了么", peak_qps=100)
    ratelimit.reset(other_party.pk)

    mine = _api_upload(client, party_key, _upload(), "same-key")
    theirs = _api_upload(client, other_key, _upload(), "same-key")
    _api_upload(client, party_key, _upload())
    _api_upload(client, party_key, _upload())

    assert mine.json()["id"] != theirs.json()["id"]
    assert BulkCheck.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize("bad_key", ["", "x" * 256, "键"])
def test_a_malformed_key_is_422_in_chinese(client, party_key, bad_key):
    response = _api_upload(client, party_key, _upload(), bad_key)

    assert response.status_code == 422 and response.json()["code"] == "invalid_idempotency_key"
    assert not BulkCheck.objects.exists()


@pytest.mark.django_db
def test_a_supplier_added_twice_from_one_page_is_listed_once_without_an_error(client, xuhui_clerk):
    canteen = enterprise_user(register(xuhui_clerk, name="上海某学校后勤服务有限公司"))
    supplier = register(xuhui_clerk, name="上海新鲜蔬菜配送有限公司")
    client.force_login(canteen)
    url = reverse("licensing:supplier_list")
    data = {"identifier": supplier.uscc, "note": "", "form_token": form_token(client, url)}

    client.post(url, data)
    again = client.post(url, data, follow=True)

    assert Supplier.objects.count() == 1
    assert "已在清单中" not in again.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_api_calls_with_one_key_at_the_same_moment_start_one_check(party_key):
    require(connection.vendor == "postgresql", "concurrent transactions need PostgreSQL")
    barrier, answers, errors = threading.Barrier(2), [], []

    def call():
        try:
            barrier.wait(timeout=30)
            answers.append(_api_upload(Client(), party_key, _upload(), "retry-42"))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert BulkCheck.objects.count() == 1
