"""附件4 统计表: imported all or nothing through the stage guards, exported in the same layout."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from mingchu.models import DemoStore, StageChange
from mingchu.services import register_demo_store
from mingchu.services.imports import (
    LOCATION_COLUMN,
    MAX_BYTES,
    MAX_ROWS,
    StoreImportError,
    import_store_table,
    parse_month,
    read_store_table,
)
from portal.models import AuditEvent, District, Role
from tests.factories import UserFactory, advance_store, clerk, issue_food, register

pytestmark = pytest.mark.django_db

HEADER = ["序号", "单位名称", "地址", "许可证号", "建设进度", "预计完成时间"]


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))


@pytest.fixture
def licences(xuhui_clerk):
    """Three Xuhui restaurants, none of them a demo store yet."""
    return [
        issue_food(xuhui_clerk, register(xuhui_clerk, name=name))
        for name in ("上海甲味餐饮有限公司", "上海乙味餐饮有限公司", "上海丙味餐饮有限公司")
    ]


def _csv(rows, header=HEADER, encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _row(n, licence, stage="前期准备", month="2022-10", name=None):
    return [
        n,
        name or licence.operator_name,
        licence.premises_address,
        licence.number,
        stage,
        month,
    ]


def _import(officer, name, data):
    return import_store_table(acting_user=officer, rows=read_store_table(name, data))


def _written():
    return (
        DemoStore.objects.count(),
        StageChange.objects.count(),
        AuditEvent.objects.filter(action__startswith="demo_store").count(),
    )


def test_a_table_registers_new_stores_and_advances_them(officer, licences):
    data = _csv([_row(1, licences[0]), _row(2, licences[1], stage="设备安装", month="2022年11月")])

    summary = _import(officer, "附件4.csv", data)

    assert summary == {"rows": 2, "registered": 2, "updated": 0, "advanced": 1}
    second = DemoStore.objects.get(food_licence_number=licences[1].number)
    assert second.stage == "installation" and second.location_type == "other"
    assert second.expected_completion == datetime.date(2022, 11, 1)
    assert AuditEvent.objects.filter(action="demo_store.table_imported").count() == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_excel_writes(officer, licences, encoding):
    header = [*HEADER, "区域类型"]
    data = _csv([[*_row(1, licences[0]), "美食广场"]], header=header, encoding=encoding)

    _import(officer, "附件4.csv", data)

    store = DemoStore.objects.get()
    assert store.unit_name == "上海甲味餐饮有限公司" and store.location_type == "food_court"


def test_xlsx_with_title_lines_and_excel_dates(officer, licences):
    book = Workbook()
    sheet = book.active
    sheet.append(["各区示范店建设情况统计表"])
    sheet.append(["区：徐汇区"])
    sheet.append(["序号", "单位名称", "地址", "许可证号", "建设进度", "预计完成\n时间"])
    sheet.append(_row(1, licences[0], month=datetime.date(2022, 10, 1)))
    sheet.append(_row(2, licences[1], month="2022年12月"))
    sheet.append(["…", "", "", "", "", ""])
    sheet.append(["注：1．建设进度请填写前期准备、设备安装、视频对接、完成建设；"])
    buffer = io.BytesIO()
    book.save(buffer)

    assert _import(officer, "附件4.xlsx", buffer.getvalue())["registered"] == 2
    months = set(DemoStore.objects.values_list("expected_completion", flat=True))
    assert months == {datetime.date(2022, 10, 1), datetime.date(2022, 12, 1)}


@pytest.mark.parametrize(
    "text", ["2022-10", "2022年10月", "2022/10", "2022.10", "2022-10-01 00:00:00", "44835"]
)
def test_months_are_read_in_the_usual_spellings(text):
    assert parse_month(text) == datetime.date(2022, 10, 1)


@pytest.mark.parametrize("text", ["", "十月", "2022-13", "2022-10-99x"])
def test_bad_months_are_refused_in_chinese(text):
    with pytest.raises(ValidationError, match="预计完成时间|不是有效的月份"):
        parse_month(text)


def test_any_bad_row_imports_nothing_and_every_error_is_listed(officer, licences, reference_data):
    huangpu = clerk("310101", username="clerk_hp_import")
    elsewhere = issue_food(huangpu, register(huangpu))
    data = _csv(
        [
            _row(1, licences[0]),  # good on its own
            _row(2, licences[1], name="上海别的名字餐饮有限公司"),
            _row(3, licences[2], stage="视频对接"),
            _row(4, elsewhere),
            _row(5, licences[0], stage="完工", month="明年"),
        ]
    )

    with pytest.raises(StoreImportError) as caught:
        _import(officer, "附件4.csv", data)

    errors = {(e.line, e.column): e.message for e in caught.value.row_errors}
    assert "上海乙味餐饮有限公司" in errors[(3, "单位名称")]
    assert "摄像头" in errors[(4, "建设进度")] and "视频对接" in errors[(4, "建设进度")]
    assert "属于黄浦区" in errors[(5, "许可证号")]
    assert "与第2行重复" in errors[(6, "许可证号")]
    assert "前期准备、设备安装" in errors[(6, "建设进度")]
    assert "不是有效的月份" in errors[(6, "预计完成时间")]
    assert (2, "单位名称") not in errors
    assert _written() == (0, 0, 0)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_errors_name_the_row_as_the_spreadsheet_numbers_it(officer, licences, kind):
    rows = [_row(1, licences[0]), ["", "", "", "", "", ""], _row(2, licences[1], stage="完工")]
    if kind == "csv":
        data = _csv(rows)
    else:
        book = Workbook()
        book.active.append(HEADER)
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()

    with pytest.raises(StoreImportError) as caught:
        _import(officer, f"附件4.{kind}", data)

    assert [(e.line, e.column) for e in caught.value.row_errors] == [(4, "建设进度")]


def test_existing_stores_are_updated_and_never_moved_back(officer, licences):
    store = register_demo_store(
        acting_user=officer, food_licence_number=licences[0].number, location_type="food_court",
        expected_completion=datetime.date(2022, 9, 1),
    )  # fmt: skip
    advance_store(officer, store, times=2)  # 视频对接, with a camera

    _import(officer, "a.csv", _csv([_row(1, licences[0], stage="视频对接", month="2022-12")]))
    store.refresh_from_db()
    assert store.expected_completion == datetime.date(2022, 12, 1)
    assert store.location_type == "food_court"

    before = _written()
    with pytest.raises(StoreImportError) as caught:
        _import(officer, "a.csv", _csv([_row(1, licences[0], stage="设备安装", month="2023-01")]))
    assert "不能倒退" in caught.value.row_errors[0].message
    store.refresh_from_db()
    assert store.expected_completion == datetime.date(2022, 12, 1) and _written() == before


def test_completion_by_import_needs_a_platform(officer, licences):
    store = register_demo_store(
        acting_user=officer, food_licence_number=licences[0].number, location_type="other",
        expected_completion=datetime.date(2022, 9, 1),
    )  # fmt: skip
    store = advance_store(officer, store, times=2)

    with pytest.raises(StoreImportError, match="第三方平台"):
        _import(officer, "a.csv", _csv([_row(1, licences[0], stage="完成建设")]))


def test_uploads_are_bounded_in_size_rows_and_header(officer, licences):
    too_many = _csv([_row(n, licences[0]) for n in range(MAX_ROWS + 20)])
    with pytest.raises(ValidationError, match="行数过多"):
        read_store_table("a.csv", too_many)
    with pytest.raises(ValidationError, match="文件过大"):
        read_store_table("a.csv", b"x" * (MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="未找到表头"):
        read_store_table("a.csv", _csv([["1", "2"]], header=["编号", "名称"]))
    with pytest.raises(ValidationError, match="只接受"):
        read_store_table("a.txt", b"abc")


def test_import_page_shows_row_errors_and_writes_nothing(client, officer, licences):
    client.force_login(officer)
    upload = SimpleUploadedFile("附件4.csv", _csv([_row(1, licences[0], stage="视频对接")]))

    response = client.post(reverse("mingchu:store_import"), {"file": upload})

    page = response.content.decode()
    assert response.status_code == 400 and "未导入任何数据" in page
    assert "第2行" in page and "建设进度" in page and "摄像头" in page
    assert _written() == (0, 0, 0)


def test_import_page_imports_a_good_table(client, officer, licences):
    client.force_login(officer)
    upload = SimpleUploadedFile("附件4.csv", _csv([_row(1, licences[0])], encoding="gb18030"))

    response = client.post(reverse("mingchu:store_import"), {"file": upload}, follow=True)

    assert "已导入 1 行：新登记 1 家" in response.content.decode()
    assert DemoStore.objects.count() == 1


def test_only_district_officers_import(client, licences, xuhui_clerk):
    client.force_login(UserFactory(role=Role.CITY_OFFICER))
    assert client.get(reverse("mingchu:store_import")).status_code == 404
    client.force_login(xuhui_clerk)
    assert client.get(reverse("mingchu:store_import")).status_code == 404


def _stores(officer, licences):
    stores = [
        register_demo_store(
            acting_user=officer,
            food_licence_number=licence.number,
            location_type="other",
            expected_completion=datetime.date(2022, 10, 1),
        )  # fmt: skip
        for licence in licences
    ]
    advance_store(officer, stores[1], times=3)
    return stores


def test_export_is_the_attachment_4_layout(client, officer, licences, quotas):
    _stores(officer, licences)
    client.force_login(officer)

    response = client.get(reverse("mingchu:store_export"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "各区示范店建设情况统计表" and rows[1][0] == "区：徐汇区"
    assert rows[2][:6] == HEADER
    assert rows[2][6:] == [LOCATION_COLUMN, "网络餐饮服务（入驻平台）", "逾期未上线"]
    body = rows[3:6]
    assert [row[0] for row in body] == [1, 2, 3]
    assert {row[3] for row in body} == {licence.number for licence in licences}
    assert sorted(row[4] for row in body) == sorted(["完成建设", "前期准备", "前期准备"])
    assert {row[5] for row in body} == {"2022年10月"}
    assert {row[6] for row in body} == {"其他区域"} and {row[7] for row in body} == {"未记录"}
    # 2022's deadline (9月30日) has passed: the two stores still at 前期准备 are overdue.
    assert sorted(row[8] or "" for row in body) == ["", "是", "是"]
    assert rows[6][0].startswith("注：1．建设进度请填写前期准备") and rows[7][0].startswith("2．")
    assert rows[8][0] == "美食广场：布点 33 家，选点 0 家（0%），完成建设 0 家（0%）"
    assert rows[9][0] == "其他区域：布点 47 家，选点 3 家（6.4%），完成建设 1 家（2.1%）"
    assert rows[10][0] == "逾期未上线：2 家" and len(rows) == 11


def test_export_reimports_without_changes(client, officer, licences):
    _stores(officer, licences)
    client.force_login(officer)
    exported = client.get(reverse("mingchu:store_export")).content

    summary = _import(officer, "export.xlsx", exported)

    assert summary == {"rows": 3, "registered": 0, "updated": 3, "advanced": 0}
    assert not AuditEvent.objects.filter(action="demo_store.updated").exists()


def test_export_escapes_formulas_and_is_scoped(client, officer, xuhui_clerk, reference_data):
    entity = register(xuhui_clerk, name="上海公式测试餐饮有限公司")
    licence = issue_food(xuhui_clerk, entity, premises_address='=HYPERLINK("http://x")路1号')
    register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="other",
        expected_completion=datetime.date(2022, 10, 1),
    )  # fmt: skip
    pudong = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310115"))

    client.force_login(officer)
    sheet = load_workbook(io.BytesIO(client.get(reverse("mingchu:store_export")).content)).active
    assert sheet["C4"].value.startswith("'=HYPERLINK") and sheet["C4"].data_type == "s"

    client.force_login(pudong)
    sheet = load_workbook(io.BytesIO(client.get(reverse("mingchu:store_export")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "区：浦东新区" and len(rows) == 5  # title, district, header, 2 notes


DELIVERY_HEADER = [*HEADER, LOCATION_COLUMN, "网络餐饮服务（入驻平台）"]


def test_the_delivery_column_is_read_as_the_export_writes_it(officer, licences):
    rows = [
        [*_row(1, licences[0]), "其他区域", "入网：美团外卖、饿了么"],
        [*_row(2, licences[1]), "其他区域", "未入网"],
        [*_row(3, licences[2]), "美食广场", "未记录"],
    ]

    _import(officer, "a.csv", _csv(rows, header=DELIVERY_HEADER))

    stores = {s.food_licence_number: s for s in DemoStore.objects.all()}
    first, second, third = (stores[licence.number] for licence in licences)
    assert (first.on_delivery_platform, first.delivery_platforms) == (True, ["meituan", "eleme"])
    assert (second.on_delivery_platform, second.delivery_platforms) == (False, [])
    assert (third.on_delivery_platform, third.delivery_platforms) == (None, [])


def test_a_reimport_records_a_changed_platform_and_keeps_an_unrecorded_one(officer, licences):
    store = register_demo_store(
        acting_user=officer, food_licence_number=licences[0].number, location_type="other",
        expected_completion=datetime.date(2022, 10, 1), on_delivery_platform=True,
        delivery_platforms=["jd"],
    )  # fmt: skip

    _import(officer, "a.csv", _csv([[*_row(1, licences[0]), "其他区域", ""]], DELIVERY_HEADER))
    store.refresh_from_db()
    assert store.delivery_platforms == ["jd"]  # a blank cell is not a change

    _import(
        officer, "a.csv", _csv([[*_row(1, licences[0]), "其他区域", "饿了么"]], DELIVERY_HEADER)
    )
    store.refresh_from_db()
    assert (store.on_delivery_platform, store.delivery_platforms) == (True, ["eleme"])
    event = AuditEvent.objects.filter(action="demo_store.updated").latest("pk")
    assert event.changes["delivery_platforms"] == [["jd"], ["eleme"]]


def test_an_exported_table_with_platforms_reimports_without_changes(client, officer, licences):
    register_demo_store(
        acting_user=officer, food_licence_number=licences[0].number, location_type="other",
        expected_completion=datetime.date(2022, 10, 1), on_delivery_platform=True,
        delivery_platforms=["meituan", "other"],
    )  # fmt: skip
    client.force_login(officer)
    exported = client.get(reverse("mingchu:store_export")).content

    assert _import(officer, "export.xlsx", exported)["updated"] == 1
    assert not AuditEvent.objects.filter(action="demo_store.updated").exists()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("入网：拼好饭", "未知的平台“拼好饭”"),
        ("入网", "请写明所入驻的平台"),
        ("未入网：美团外卖", "未入网的经营者不应填写平台"),
    ],
)
def test_a_bad_delivery_cell_is_refused_in_chinese_and_nothing_is_written(
    officer, licences, cell, message
):
    rows = [[*_row(1, licences[0]), "其他区域", "未入网"], [*_row(2, licences[1]), "", cell]]

    with pytest.raises(StoreImportError) as caught:
        _import(officer, "a.csv", _csv(rows, header=DELIVERY_HEADER))

    errors = caught.value.row_errors
    assert [(e.line, e.column) for e in errors] == [(3, "网络餐饮服务（入驻平台）")]
    assert message in errors[0].message
    assert _written() == (0, 0, 0)
