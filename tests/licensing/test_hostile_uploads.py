"""Hostile uploads cannot hurt the server: a broken, bombed or oversized spreadsheet is
refused with a Chinese message naming the problem, within seconds and a bounded amount of
memory, on the bulk-check API and page; good files keep their rows and row numbers."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elicense.services.relying_parties import create_relying_party
from licensing import services
from licensing.models import BulkCheck
from portal import ratelimit, tabular
from tests import hostile_xlsx as hostile
from tests.factories import enterprise_user, register

pytestmark = pytest.mark.django_db

#: What the issue allows a hostile upload to cost.
MAX_SECONDS = 5
MAX_PEAK_MB = 100

HOSTILE = {
    "malformed XML": (hostile.malformed_xml, "XML 格式错误"),
    "zip bomb": (hostile.zip_bomb, "解压后内容过大"),
    "zip bomb lying about its size": (hostile.lying_zip_bomb, "压缩数据已损坏"),
    "300,001 rows without <dimension>": (
        hostile.rows_without_dimension,
        "行数过多：上限 100000 行",
    ),
    'a false <dimension ref="A1:D2">': (
        hostile.rows_under_false_dimension,
        "行数过多：上限 100000 行",
    ),
}


@pytest.fixture
def platform_auth(client, db):
    """A platform's key, the API already warmed up so the measure is of the upload alone."""
    party, key = create_relying_party(name="外卖平台", peak_qps=100)
    ratelimit.reset(party.pk)
    auth = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/bulk-checks/0", headers=auth).status_code == 404
    return auth


def _upload(data: bytes, name: str = "merchants.xlsx") -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_api_answers_a_hostile_xlsx_with_422_quickly_and_cheaply(client, platform_auth, kind):
    build, problem = HOSTILE[kind]
    upload = _upload(build())

    with hostile.measured() as cost:
        response = client.post("/api/v1/bulk-checks", {"file": upload}, headers=platform_auth)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_file" and problem in body["message"]
    assert cost.seconds < MAX_SECONDS, f"{kind}: {cost.seconds:.1f} s"
    assert cost.peak_mb < MAX_PEAK_MB, f"{kind}: {cost.peak_mb:.0f} MB"
    assert not BulkCheck.objects.exists()


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_bulk_check_page_shows_the_problem_on_the_form(client, xuhui_clerk, kind):
    build, problem = HOSTILE[kind]
    client.force_login(enterprise_user(register(xuhui_clerk)))
    assert client.get(reverse("licensing:bulkcheck_list")).status_code == 200
    upload = _upload(build())

    with hostile.measured() as cost:
        response = client.post(reverse("licensing:bulkcheck_list"), {"file": upload})

    assert response.status_code == 200
    assert problem in " ".join(response.context["form"].errors["file"])
    assert cost.seconds < MAX_SECONDS and cost.peak_mb < MAX_PEAK_MB
    assert not BulkCheck.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_by_its_size(client, platform_auth, settings):
    settings.BULK_CHECK_MAX_BYTES = 1024 * 1024
    upload = _upload(b"x" * (2 * 1024 * 1024), name="m.csv")

    response = client.post("/api/v1/bulk-checks", {"file": upload}, headers=platform_auth)

    assert response.status_code == 422 and "文件过大：上限 1 MB" in response.json()["message"]


def test_an_upload_of_unknown_size_is_read_no_further_than_the_limit():
    stream = io.BytesIO(b"x" * 10_000)
    stream.size = None

    with pytest.raises(ValidationError, match="文件过大"):
        tabular.upload_bytes(stream, max_bytes=100)

    assert stream.tell() == 101


def test_a_false_dimension_no_longer_hides_the_rows_below_it(db):
    data = hostile.table(10, dimension="A1:D2")

    check = services.create_bulk_check(file_name="m.xlsx", data=data)

    assert check.total_rows == 10


def test_a_good_file_at_the_limit_is_read_whole_and_one_more_row_is_refused(db, monkeypatch):
    monkeypatch.setattr("licensing.services.bulk.MAX_ROWS", 2_000)

    check = services.create_bulk_check(file_name="m.xlsx", data=hostile.table(2_000))

    assert check.total_rows == 2_000
    with pytest.raises(ValidationError, match="行数过多：上限 2000 行"):
        services.create_bulk_check(file_name="m.xlsx", data=hostile.table(2_001))


def test_a_full_bulk_check_of_100000_rows_is_accepted(db):
    check = services.create_bulk_check(
        file_name="m.xlsx", data=hostile.rows_without_dimension(100_000)
    )

    assert check.total_rows == 100_000


def test_row_numbers_stay_those_of_the_sheet_when_lines_are_left_blank(db):
    data = hostile.table(1_980, blank_every=100)

    header, rows = tabular.read_numbered_table("m.xlsx", data, max_rows=2_000, max_bytes=10**7)

    assert header == ["统一社会信用代码", "名称", "食品经营许可证编号", "经营场所"]
    assert len(rows) == 1_980 and rows[-1][0] == 2_000
    # Every row's first cell ends with the line the row was written on.
    assert all(int(row[0][-11:]) == line for line, row in rows)
    assert [line for line, _ in rows[98:101]] == [100, 102, 103]


def _workbook_without(part: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(hostile.table(3)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        for name in source.namelist():
            if name != part:
                book.writestr(name, source.read(name))
    return buffer.getvalue()


def _zip_of(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr(name, content)
    return buffer.getvalue()


#: How an OLE2 compound file starts: an old .xls, or an .xlsx saved with a password.
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LAUGHS = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + b"".join(
    f'<!ENTITY {n} "{("&" + p + ";") * 10}">'.encode()
    for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)
BROKEN = {
    "not a zip": ("x.xlsx", b"this is not a spreadsheet", "不是 Excel 工作簿"),
    "old .xls": ("x.xlsx", OLE2 + b"\0" * 600, "旧版 Excel 97-2003"),
    "encrypted": (
        "x.xlsx",
        OLE2 + b"\0" * 600 + "EncryptedPackage".encode("utf-16-le"),
        "设置了打开密码",
    ),
    "worksheet missing": (
        "x.xlsx",
        _workbook_without("xl/worksheets/sheet1.xml"),
        "缺少工作簿内容",
    ),
    "a zip of something else": ("x.xlsx", _zip_of("readme.txt", b"hello"), "缺少工作簿内容"),
    "billion laughs": (
        "x.xlsx",
        hostile.workbook(b'<?xml version="1.0"?>' + LAUGHS + b"]><w>&i;</w>"),
        "XML 格式错误",
    ),
    "a filled cell past column 50": (
        "x.xlsx",
        hostile.workbook(
            hostile.SHEET_START
            + b'<sheetData><row r="1"><c r="BZ1" t="inlineStr"><is><t>x</t></is></c></row>'
            + b"</sheetData></worksheet>"
        ),
        "第 1 行列数过多",
    ),
    "an .xlsx named .csv": ("x.csv", hostile.table(3), "是 Excel 工作簿而不是 CSV"),
    "a CSV field of 200,000 characters": ("x.csv", b'a,"' + b"x" * 200_000 + b'"\n', "行过长"),
    "a CSV line of a million commas": ("x.csv", b"h\n" + b"," * 1_000_000 + b"\n", "第 2 行过长"),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_every_broken_file_is_a_chinese_error_naming_the_problem(db, kind):
    name, data, problem = BROKEN[kind]

    with pytest.raises(ValidationError) as refused:
        services.create_bulk_check(file_name=name, data=data)

    assert problem in " ".join(refused.value.messages)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_damaged_xlsx_is_read_or_refused_never_a_crash(data):
    good = hostile.table(20)
    damaged = bytearray(good)
    for _ in range(data.draw(st.integers(1, 8))):
        damaged[data.draw(st.integers(0, len(good) - 1))] = data.draw(st.integers(0, 255))

    try:
        tabular.read_numbered_table("x.xlsx", bytes(damaged), max_rows=100, max_bytes=10**6)
    except ValidationError as error:
        assert error.messages[0].startswith("无法读取该 .xlsx 文件")
