"""Bulk merchant checks: encodings, .xlsx, verdicts, limits, formula escaping, the API."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from elicense.services.relying_parties import create_relying_party
from licensing import services
from licensing.models import BulkCheck
from licensing.services.bulk import HEADER
from portal import ratelimit
from tests.factories import issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchants(xuhui_clerk, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 2, 0, tzinfo=datetime.UTC), tick=False)
    good = register(xuhui_clerk, name="上海好味道餐饮有限公司", address="上海市徐汇区天钥桥路1号")
    good_licence = issue_food(xuhui_clerk, good, premises_address="上海市徐汇区天钥桥路1号")
    old = register(xuhui_clerk, name="上海老字号餐饮有限公司")
    old_licence = issue_food(xuhui_clerk, old, valid_from=datetime.date(2020, 1, 1))
    gone = register(xuhui_clerk, name="上海歇业餐饮有限公司")
    gone_licence = issue_food(xuhui_clerk, gone)
    services.cancel_entity(acting_user=xuhui_clerk, entity=gone, reason="歇业")
    return {
        "good": (good, good_licence),
        "old": (old, old_licence),
        "gone": (gone, gone_licence),
    }


def _rows(m):
    good, good_licence = m["good"]
    old, old_licence = m["old"]
    gone, gone_licence = m["gone"]
    return [
        [good.uscc, good.name, good_licence.number, good_licence.premises_address],
        [good.uscc, "上海坏味道餐饮有限公司", good_licence.number, good_licence.premises_address],
        [good.uscc, good.name, good_licence.number, "上海市黄浦区某路2号"],
        [good.uscc, good.name, "JY23101049999995", "x"],
        [old.uscc, old.name, old_licence.number, old_licence.premises_address],
        [gone.uscc, gone.name, gone_licence.number, gone_licence.premises_address],
        ["91310104MA1FL8KQ5B", '=HYPERLINK("http://evil")', "JY1", "@SUM(A1)"],
    ]


EXPECTED = ["证照相符", "名称不符", "地址不符", "许可证不存在", "许可证已过期", "执照已注销或吊销",
            "编号格式错误"]  # fmt: skip


def _csv(rows, encoding):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(HEADER), *rows])
    return buffer.getvalue().encode(encoding)


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    for row in [list(HEADER), *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _result_rows(check):
    sheet = load_workbook(io.BytesIO(bytes(check.result))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _run(name, data):
    check = services.create_bulk_check(file_name=name, data=data)
    return services.run_bulk_check(bulk_check_id=check.pk)


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("list.csv", lambda rows: _csv(rows, "utf-8")),
        ("list.csv", lambda rows: _csv(rows, "utf-8-sig")),
        ("list.csv", lambda rows: _csv(rows, "gb18030")),
        ("list.xlsx", _xlsx),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "xlsx"],
)
def test_every_encoding_gives_the_same_verdicts(merchants, name, encode):
    check = _run(name, encode(_rows(merchants)))

    rows = _result_rows(check)
    assert check.status == "done" and check.progress == 100
    assert [row[5] for row in rows[1:]] == EXPECTED
    assert check.summary["证照相符"] == 1


def test_the_result_names_each_row_as_the_uploaded_sheet_numbers_it(merchants):
    rows = _rows(merchants)
    check = _run("list.xlsx", _xlsx([rows[0], ["", "", "", ""], *rows[1:]]))

    numbers = [row[0] for row in _result_rows(check)[1:]]
    assert numbers == [str(n) for n in [2, *range(4, len(rows) + 3)]]


def test_cells_that_look_like_formulas_are_escaped_in_the_result(merchants):
    check = _run("list.csv", _csv(_rows(merchants), "utf-8"))

    last = _result_rows(check)[-1]
    assert last[2] == '\'=HYPERLINK("http://evil")'
    assert last[4] == "'@SUM(A1)"


def test_wrong_headers_are_refused_with_the_expected_ones_listed(db):
    data = "代码,名字\n1,2\n".encode()
    with pytest.raises(
        ValidationError, match="应为“统一社会信用代码、名称、食品经营许可证编号、经营场所”"
    ):
        services.create_bulk_check(file_name="x.csv", data=data)
    assert not BulkCheck.objects.exists()


def test_too_many_rows_are_refused_before_any_work(db, monkeypatch):
    monkeypatch.setattr("licensing.services.bulk.MAX_ROWS", 3)
    rows = [["91350100M000100Y43", "名", "JY23101040000019", "址"]] * 4
    with pytest.raises(ValidationError, match="行数过多：上限 3 行"):
        services.create_bulk_check(file_name="x.csv", data=_csv(rows, "utf-8"))


def test_a_file_too_big_is_refused(db, settings):
    settings.BULK_CHECK_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="文件过大"):
        services.create_bulk_check(file_name="x.csv", data=b"a" * 101)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.csv", b"\xff\xfe\x00\x00garbage\x81", "编码无法识别"),
        ("x.xlsx", b"not a zip", "无法读取该 .xlsx"),
        ("x.pdf", b"%PDF", "只接受 .csv 或 .xlsx"),
    ],
)
def test_unreadable_files_are_refused_in_chinese(db, name, data, message):
    with pytest.raises(ValidationError, match=message):
        services.create_bulk_check(file_name=name, data=data)


def test_the_api_runs_a_bulk_check_and_serves_the_result(
    client, merchants, eager_tasks, django_capture_on_commit_callbacks
):
    party, key = create_relying_party(name="平台", peak_qps=100)
    ratelimit.reset(party.pk)
    auth = {"Authorization": f"Bearer {key}"}
    upload = io.BytesIO(_csv(_rows(merchants), "gb18030"))
    upload.name = "merchants.csv"

    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/bulk-checks", {"file": upload}, headers=auth)
    check_id = created.json()["id"]
    status = client.get(f"/api/v1/bulk-checks/{check_id}", headers=auth).json()
    result = client.get(f"/api/v1/bulk-checks/{check_id}/result", headers=auth)

    assert created.status_code == 202
    assert status["status"] == "done" and status["total_rows"] == 7
    assert result["Content-Type"].startswith("application/vnd.openxmlformats")
    other, other_key = create_relying_party(name="别家", peak_qps=100)
    ratelimit.reset(other.pk)
    stranger = {"Authorization": f"Bearer {other_key}"}
    assert client.get(f"/api/v1/bulk-checks/{check_id}", headers=stranger).status_code == 404


def test_the_api_refuses_a_bad_file_with_422(client, db):
    party, key = create_relying_party(name="平台", peak_qps=100)
    ratelimit.reset(party.pk)
    upload = io.BytesIO("代码\n1\n".encode())
    upload.name = "x.csv"

    response = client.post(
        "/api/v1/bulk-checks", {"file": upload}, headers={"Authorization": f"Bearer {key}"}
    )

    assert response.status_code == 422 and response.json()["code"] == "invalid_file"


def test_another_users_bulk_check_answers_404(client, xuhui_clerk):
    from django.urls import reverse

    from tests.factories import enterprise_user

    owner = enterprise_user(register(xuhui_clerk))
    other = enterprise_user(register(xuhui_clerk))
    data = _csv([["91350100M000100Y43", "名", "JY23101040000019", "址"]], "utf-8")
    check = services.create_bulk_check(file_name="x.csv", data=data, acting_user=owner)
    client.force_login(other)

    for name in ("bulkcheck_detail", "bulkcheck_status", "bulkcheck_result"):
        assert client.get(reverse(f"licensing:{name}", args=[check.pk])).status_code == 404
