"""Double submit on 一业一证: one application and one attachment per form, however often sent."""

import pytest
from django.urls import reverse

from tests.double_submit import form_token
from tests.yiyeyizheng.conftest import STORE_ANSWERS, STORE_SEQ, pdf_upload
from yiyeyizheng.models import Application, Attachment

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_catalogue")


def test_an_application_started_twice_from_one_page_is_one_draft(client, owner, catalogue):
    client.force_login(owner)
    url = reverse("yiyeyizheng:application_start", args=[STORE_SEQ])
    data = {**STORE_ANSWERS, "form_token": form_token(client, url, STORE_ANSWERS)}

    first = client.post(url, data)
    again = client.post(url, data)

    application = Application.objects.get()
    assert (
        first.url == again.url == reverse("yiyeyizheng:application_edit", args=[application.number])
    )


def test_an_attachment_uploaded_twice_from_one_page_is_kept_once(client, owner, catalogue):
    client.force_login(owner)
    start = reverse("yiyeyizheng:application_start", args=[STORE_SEQ])
    client.post(start, {**STORE_ANSWERS, "form_token": form_token(client, start, STORE_ANSWERS)})
    application = Application.objects.get()
    token = form_token(client, reverse("yiyeyizheng:application_edit", args=[application.number]))
    url = reverse("yiyeyizheng:attachment_upload", args=[application.number])

    for _ in range(2):
        client.post(url, {"purpose": "premises_proof", "file": pdf_upload(), "form_token": token})

    assert Attachment.objects.filter(application=application).count() == 1
