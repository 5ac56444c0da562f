"""Electronic signatures over canonical JSON with each entity's own key."""

import datetime
import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from elicense.models import EntityKey, Matter, SignedDocument
from elicense.services.authorisations import grant_authorisation
from elicense.services.signatures import (
    canonical_bytes,
    rotate_entity_key,
    sign_document,
    verify_signature,
)
from tests.factories import enterprise_user, register

APPLICATION = {"申请事项": "一业一证", "经营业态": "便利店", "面积": 120, "明细": [1, 2.5]}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53 - 1), 2**53 - 1) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=6), json_values, max_size=6), st.randoms())
def test_canonical_json_is_the_same_bytes_in_any_key_order(data, rnd):
    items = list(data.items())
    rnd.shuffle(items)
    assert canonical_bytes(dict(items)) == canonical_bytes(data)
    assert json.loads(canonical_bytes(data)) == data


def test_numbers_json_cannot_carry_exactly_are_refused_in_chinese():
    with pytest.raises(ValidationError, match="数据不能规范化为JSON"):
        canonical_bytes({"amount": 2**53})


@pytest.fixture
def entity(xuhui_clerk):
    return register(xuhui_clerk, name="上海签名测试便利店有限公司")


@pytest.fixture
def legal_rep(entity):
    return enterprise_user(entity, full_name="吴法人")


@pytest.mark.django_db
def test_the_first_certificate_gives_the_entity_its_key(entity):
    key = EntityKey.objects.get(holder_uscc=entity.uscc)
    assert key.status == "active" and key.kid.startswith(entity.uscc)
    assert "BEGIN ENCRYPTED PRIVATE KEY" in key.encrypted_private_key


@pytest.mark.django_db
def test_signed_document_records_signer_key_and_time(legal_rep, entity):
    document = sign_document(acting_user=legal_rep, title="一业一证申请", data=APPLICATION)

    assert document.signer == legal_rep and document.authorisation is None
    assert document.key == EntityKey.objects.get(holder_uscc=entity.uscc)
    assert verify_signature(
        holder_uscc=entity.uscc, data=APPLICATION, signature=document.signature
    )[0]


@pytest.mark.django_db
def test_a_signature_over_data_changed_by_one_character_fails(legal_rep, entity):
    document = sign_document(acting_user=legal_rep, title="申请", data=APPLICATION)
    changed = {**APPLICATION, "经营业态": "便利底"}

    valid, message, _ = verify_signature(
        holder_uscc=entity.uscc, data=changed, signature=document.signature
    )

    assert not valid and "数据可能已被改动" in message


@pytest.mark.django_db
def test_the_same_data_in_another_key_order_still_verifies(legal_rep, entity):
    document = sign_document(acting_user=legal_rep, title="申请", data=APPLICATION)
    reordered = dict(reversed(list(APPLICATION.items())))

    assert verify_signature(holder_uscc=entity.uscc, data=reordered, signature=document.signature)[
        0
    ]


@pytest.mark.django_db
def test_another_entitys_signature_is_not_accepted(legal_rep, entity, xuhui_clerk):
    other = register(xuhui_clerk)
    document = sign_document(acting_user=legal_rep, title="申请", data=APPLICATION)

    valid, message, _ = verify_signature(
        holder_uscc=other.uscc, data=APPLICATION, signature=document.signature
    )
    assert not valid and "不属于该主体" in message


@pytest.mark.django_db
def test_an_old_signature_verifies_after_the_key_rotates(legal_rep, entity):
    document = sign_document(acting_user=legal_rep, title="申请", data=APPLICATION)

    new_key = rotate_entity_key(acting_user=legal_rep, holder_uscc=entity.uscc)
    later = sign_document(acting_user=legal_rep, title="变更", data=APPLICATION)

    assert later.key == new_key != document.key
    for signed in (document, later):
        assert verify_signature(
            holder_uscc=entity.uscc, data=APPLICATION, signature=signed.signature
        )[0]


@pytest.mark.django_db
def test_an_agent_signs_only_within_its_scope(entity, legal_rep):
    agent = enterprise_user(entity, capacity="agent", full_name="郑经办")
    now = datetime.datetime.now(datetime.UTC)
    authorisation = grant_authorisation(
        acting_user=legal_rep,
        agent=agent,
        scope=Matter.objects.get(path="电子政务/市场监管"),
        valid_from=now - datetime.timedelta(minutes=1),
        valid_to=now + datetime.timedelta(days=1),
    )

    document = sign_document(
        acting_user=agent, title="申请", data=APPLICATION, matter="电子政务/市场监管/一业一证"
    )
    assert document.authorisation == authorisation

    with pytest.raises(ValidationError) as caught:
        sign_document(acting_user=agent, title="报税", data={}, matter="电子政务/税务/税费申报")
    assert "没有覆盖该事项的有效授权" in caught.value.message_dict["matter"][0]
    assert SignedDocument.objects.count() == 1


@pytest.mark.django_db
def test_sign_page_asks_for_what_is_signed_in_chinese_and_signs_nothing_without_it(
    client, legal_rep
):
    client.force_login(legal_rep)
    url = reverse("elicense:document_sign")

    page = client.get(url).content.decode()
    assert "JSON" not in page.split("<main")[1] and "Ed25519" not in page
    assert 'type="file"' in page and 'name="certificate"' in page

    errors = {}
    for subject, field in (("file", "file"), ("certificate", "certificate"), ("text", "text")):
        response = client.post(url, {"title": "申请", "subject": subject})
        errors[subject] = response.context["form"].errors[field][0]
    assert errors == {
        "file": "请上传要签署的文件。",
        "certificate": "请选择要签署的证照。",
        "text": "请填写要签署的文字内容。",
    }
    empty = client.post(url, {"note": ""})
    assert empty.context["form"].errors["title"] == ["请填写文件名称。"]
    assert "错误：" in empty.content.decode()
    assert not SignedDocument.objects.exists()


@pytest.mark.django_db
def test_an_uploaded_file_is_signed_by_its_digest_and_shown_in_plain_words(client, legal_rep):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(legal_rep)
    content = "租赁合同正文".encode()
    response = client.post(
        reverse("elicense:document_sign"),
        {
            "title": "房屋租赁合同",
            "subject": "file",
            "file": SimpleUploadedFile("合同.pdf", content, "application/pdf"),
            "note": "第二页已盖章",
        },
    )

    document = SignedDocument.objects.get()
    assert document.data == {
        "subject": "file",
        "file": {
            "name": "合同.pdf",
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        },
        "note": "第二页已盖章",
    }
    page = client.get(response["Location"]).content.decode()
    assert 'data-signature-valid="true"' in page and "data-signed-rows" in page
    assert "合同.pdf" in page and "第二页已盖章" in page


@pytest.mark.django_db
def test_verify_page_explains_bad_json_in_chinese_only(client):
    response = client.post(
        reverse("elicense:document_verify"), {"uscc": "x", "data": '{"a": 1,}', "signature": "x"}
    )
    message = str(response.context["form"].errors["data"])
    assert "不是有效的JSON：第1行第9列有误" in message and "Expecting" not in message


@pytest.mark.django_db
def test_public_pages_show_and_verify_a_signed_document(client, legal_rep, entity):
    client.force_login(legal_rep)
    response = client.post(
        reverse("elicense:document_sign"),
        {"title": "一业一证申请", "subject": "text", "text": "本企业承诺所填信息真实。"},
    )
    document = SignedDocument.objects.get()
    assert document.data == {"subject": "text", "text": "本企业承诺所填信息真实。", "note": ""}
    assert response["Location"] == reverse("elicense:document_detail", args=[document.public_id])
    client.logout()

    page = client.get(response["Location"]).content.decode()
    assert 'data-signature-valid="true"' in page and "吴法人" in page

    tampered = client.post(
        reverse("elicense:document_verify"),
        {"uscc": entity.uscc, "data": '{"申请事项": "一业一证"}', "signature": document.signature},
    ).content.decode()
    assert 'data-signature-valid="false"' in tampered

    keys = client.get(reverse("elicense:entity_keys", args=[entity.uscc])).json()["keys"]
    assert [key["kid"] for key in keys] == [document.key.kid]


@pytest.mark.django_db
def test_the_api_verifies_a_signature_and_publishes_the_keys(client, legal_rep, entity):
    from elicense.services.relying_parties import create_relying_party
    from portal import ratelimit

    party, key = create_relying_party(name="政务系统", peak_qps=100)
    ratelimit.reset(party.pk)
    auth = {"Authorization": f"Bearer {key}"}
    document = sign_document(acting_user=legal_rep, title="一业一证申请", data=APPLICATION)

    ok = client.post(
        "/api/v1/signatures/verify",
        {"uscc": entity.uscc, "data": APPLICATION, "signature": document.signature},
        content_type="application/json",
        headers=auth,
    ).json()
    bad = client.post(
        "/api/v1/signatures/verify",
        {
            "uscc": entity.uscc,
            "data": {**APPLICATION, "面积": 121},
            "signature": document.signature,
        },
        content_type="application/json",
        headers=auth,
    ).json()
    keys = client.get(f"/api/v1/entities/{entity.uscc}/keys", headers=auth).json()

    assert ok["valid"] and ok["signed"]["signer"] == "吴法人" and ok["kid"] == document.key.kid
    assert not bad["valid"] and bad["signed"] is None
    assert [k["kid"] for k in keys] == [document.key.kid]
