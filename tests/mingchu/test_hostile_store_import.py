"""The 附件4 store import is as safe as the bulk check: a hostile spreadsheet is a form
error naming the problem, quickly and cheaply, and nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mingchu.models import DemoStore
from portal.models import District, Role
from tests import hostile_xlsx as hostile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = {
    "malformed XML": (hostile.malformed_xml, "XML 格式错误"),
    "zip bomb": (hostile.zip_bomb, "解压后内容过大"),
    "zip bomb lying about its size": (hostile.lying_zip_bomb, "压缩数据已损坏"),
    # 附件4 uploads are capped at 2 MB, so these are smaller than the bulk-check ones.
    "5,000 rows without <dimension>": (lambda: hostile.rows_without_dimension(5_000), "行数过多"),
    'a false <dimension ref="A1:D2">': (
        lambda: hostile.rows_under_false_dimension(5_000),
        "行数过多",
    ),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_store_import_page_shows_the_problem_and_writes_nothing(client, reference_data, kind):
    build, problem = HOSTILE[kind]
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    client.force_login(officer)
    assert client.get(reverse("mingchu:store_import")).status_code == 200
    upload = SimpleUploadedFile("附件4.xlsx", build())

    with hostile.measured() as cost:
        response = client.post(reverse("mingchu:store_import"), {"file": upload})

    assert response.status_code == 400
    assert problem in " ".join(response.context["form"].errors["file"])
    assert cost.seconds < 5 and cost.peak_mb < 100
    assert not DemoStore.objects.exists()
