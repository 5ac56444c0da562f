"""签署并提交 is confirmed on the signing summary itself: after every signed row, the page
states what the signature does, to which application, and that it cannot be undone; the
button is the confirmation (it posts the digest of what was shown)."""

import pytest
from django.urls import reverse

from tests.yiyeyizheng.conftest import complete, start

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]


def test_the_signing_summary_is_the_confirmation_step(client, owner, store_format):
    draft = start(owner, store_format)
    complete(owner, draft)
    client.force_login(owner)

    page = client.get(reverse("yiyeyizheng:application_sign", args=[draft.number]))
    html = page.content.decode()

    assert "data-confirmation" in html
    assert "并提交窗口受理" in html and "提交后不能撤回或修改" in html
    assert f"{draft.number} · {store_format.name}" in html
    assert html.index("data-confirm-undo") < html.index("以企业电子签名签署并提交")
