"""The offline snippet of docs/elicense.md for signatures works as written."""

import jwt
import pytest
import rfc8785

from elicense.services.signatures import sign_document
from tests.factories import enterprise_user, register


@pytest.mark.django_db
def test_offline_signature_check_from_the_docs(client, xuhui_clerk):
    entity = register(xuhui_clerk)
    data = {"事项": "动产抵押", "金额": 100}
    document = sign_document(acting_user=enterprise_user(entity), title="抵押登记", data=data)
    entity_keys_json = client.get(f"/elicense/entities/{entity.uscc}/keys.json").content
    signature = document.signature

    payload = rfc8785.dumps(data)
    jwks = jwt.PyJWKSet.from_json(entity_keys_json)
    key = jwks[jwt.get_unverified_header(signature)["kid"]]
    verified = jwt.api_jws.decode(
        signature, key.key, algorithms=["EdDSA"], detached_payload=payload
    )

    assert verified == payload
