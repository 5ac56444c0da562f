"""Importing the catalogue: the published text and an .xlsx give the same 39 formats / 145 rows."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from portal.models import AuditEvent
from tests.yiyeyizheng.conftest import SEED, TABLE
from yiyeyizheng.models import BusinessFormat, CatalogueVersion, FormatItem, PermitItem
from yiyeyizheng.services.importing import HEADER

pytestmark = pytest.mark.django_db

#: Rows per format, counted by hand in the source table (序号 → 整合的事项 rows).
ROWS_PER_FORMAT = {
    1: 6, 2: 4, 3: 5, 4: 3, 5: 5, 6: 3, 7: 2, 8: 7, 9: 3, 10: 5, 11: 2, 12: 3, 13: 3,
    14: 2, 15: 3, 16: 12, 17: 4, 18: 2, 19: 8, 20: 3, 21: 3, 22: 2, 23: 4, 24: 3, 25: 3,
    26: 5, 27: 4, 28: 4, 29: 4, 30: 2, 31: 2, 32: 2, 33: 4, 34: 4, 35: 4, 36: 2, 37: 2,
    38: 4, 39: 2,
}  # fmt: skip


def _import(path, *extra):
    out = io.StringIO()
    call_command("import_catalogue", str(path), "--edition", "第二版", *extra, stdout=out)
    return out.getvalue()


def _snapshot(version):
    """Everything an import writes, as plain data."""
    return [
        (
            f.seq, f.category, f.name, f.lead_department_id,
            [
                (i.position, i.permit.name, sorted(d.pk for d in i.departments.all()), i.kind,
                 i.rule, i.remark)
                for i in f.items.select_related("permit").prefetch_related("departments")
            ],
        )
        for f in version.formats.order_by("seq")
    ]  # fmt: skip


def test_the_source_text_gives_39_formats_and_145_rows(reference_data):
    output = _import(SEED)
    version = CatalogueVersion.objects.get()
    assert version.status == "draft" and version.edition == "第二版"
    assert version.formats.count() == 39
    assert FormatItem.objects.filter(format__version=version).count() == 145
    assert "39 个经营业态，145 条整合事项" in output
    assert "全部备注均已转换为规则" in output
    assert "以下 1 个事项名称为“备案”" in output
    assert "序号 35 养老院 / 医疗机构执业备案：按需办理" in output
    counts = {f.seq: f.items.count() for f in version.formats.all()}
    assert counts == ROWS_PER_FORMAT
    assert AuditEvent.objects.filter(action="catalogue.imported").count() == 1


def test_formats_split_by_a_page_break_are_one_format(reference_data):
    _import(SEED)
    bookshop = BusinessFormat.objects.get(seq=5)
    assert (bookshop.category, bookshop.name, bookshop.lead_department.short_name) == (
        "零售业", "书店", "市新闻出版局",
    )  # fmt: skip
    assert [i.permit.name for i in bookshop.items.order_by("position")] == [
        "出版物零售业务经营许可",
        "出版物网上发行备案",
        "食品经营许可",
        "公共场所卫生许可",
        "公众聚集场所投入使用、营业前消防安全检查",
    ]
    assert BusinessFormat.objects.get(seq=38).items.count() == 4
    assert BusinessFormat.objects.get(seq=16).items.count() == 12


def test_remarks_are_kept_verbatim_and_departments_mapped(reference_data):
    _import(SEED)
    gallery_hygiene = FormatItem.objects.get(format__seq=6, permit__name="公共场所卫生许可")
    assert gallery_hygiene.remark == "1.展览馆、美术馆须办理 2.浦东新区、奉贤区取消许可,改为备案"
    bath_fire = FormatItem.objects.get(format__seq=19, permit__name__startswith="公众聚集场所")
    assert bath_fire.remark == "经营面积 300 平方米以上的须办理,含有桑拿的均须办理"
    assert sorted(d.short_name for d in gallery_hygiene.departments.all()) == [
        "区卫生健康部门", "区疾控部门",
    ]  # fmt: skip
    sewage_17 = FormatItem.objects.get(format__seq=17, permit__name="城镇污水排入排水管网许可")
    assert [d.short_name for d in sewage_17.departments.all()] == ["区水务部门"]
    sewage_10 = FormatItem.objects.get(format__seq=10, permit__name="城镇污水排入排水管网许可")
    assert {d.short_name for d in sewage_10.departments.all()} == {"市水务局", "区水务部门"}
    assert PermitItem.objects.filter(name="食品经营许可").count() == 1


def test_the_fixture_table_and_an_xlsx_give_the_same_catalogue(reference_data, tmp_path):
    _import(SEED)
    _import(TABLE)
    lines = [line.split("\t") for line in TABLE.read_text(encoding="utf-8").splitlines() if line]
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    for cells in lines:
        if tuple(c.strip() for c in cells) != HEADER:
            sheet.append([int(c) if c.isdigit() else (c or None) for c in cells])
    workbook = tmp_path / "catalogue.xlsx"
    book.save(workbook)
    _import(workbook)
    text, table, xlsx = CatalogueVersion.objects.order_by("pk")
    assert _snapshot(text) == _snapshot(table) == _snapshot(xlsx)
    assert len(_snapshot(xlsx)) == 39


def test_publish_flag_and_seed_demo_style_rerun(reference_data):
    _import(TABLE, "--publish", "--if-missing")
    output = _import(TABLE, "--publish", "--if-missing")
    assert "未导入" in output
    assert CatalogueVersion.objects.count() == 1
    assert CatalogueVersion.current().status == "published"


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _xlsx(tmp_path, rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "bad.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "文件为空"),
        ("prose.txt", "这不是目录，只是一段文字。\n".encode(), "未找到目录表头"),
        ("binary.txt", b"\x00\x01\x02\x03PK", "文件不是文本"),
        ("latin.txt", "序号\tcatégorie\n".encode("utf-16"), "文件不是文本"),
        ("noisy.txt", b"\xff\xfe\xfd\x81\x30", "文件编码无法识别"),
        (
            "gbk_header_only.txt",
            "\t".join(HEADER).encode("gb18030") + b"\n",
            "没有数据行",
        ),
        (
            "orphan.txt",
            ("\t".join(HEADER) + "\n\t\t\t\t食品经营许可\t区市场监管部门\t按需办理\n").encode(),
            "续行之前没有经营业态",
        ),
        (
            "unknown_department.txt",
            (
                "\t".join(HEADER)
                + "\n1\t零售业\t超市\t市市场监管局\t食品经营许可\t区不存在部门\t\n"
            ).encode(),
            "区不存在部门",
        ),
        (
            "bad_seq.txt",
            (
                "\t".join(HEADER)
                + "\n一\t零售业\t超市\t市市场监管局\t食品经营许可\t区市场监管部门\t\n"
            ).encode(),
            "序号“一”不是正整数",
        ),
        (
            "repeated.txt",
            (
                "\t".join(HEADER)
                + "\n1\t零售业\t超市\t市市场监管局\t食品经营许可\t区市场监管部门\t\n"
                + "2\t零售业\t便利店\t市市场监管局\t食品经营许可\t区市场监管部门\t\n"
                + "1\t零售业\t超市\t市市场监管局\t烟草专卖零售许可\t区烟草专卖部门\t\n"
            ).encode(),
            "序号 1 重复出现",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(
    reference_data, tmp_path, name, data, message
):
    path = _write(tmp_path, name, data)
    with pytest.raises(CommandError) as raised:
        _import(path)
    assert "未写入任何数据" in str(raised.value) and message in str(raised.value)
    assert not CatalogueVersion.objects.exists() and not PermitItem.objects.exists()
    assert not AuditEvent.objects.filter(action="catalogue.imported").exists()


def test_an_xlsx_with_the_wrong_header_is_refused(reference_data, tmp_path):
    path = _xlsx(tmp_path, [["编号", "名称"], [1, "超市"]])
    with pytest.raises(CommandError, match="表头不符"):
        _import(path)
    assert not CatalogueVersion.objects.exists()


def test_an_xlsx_error_names_the_spreadsheet_row_past_blank_rows(reference_data, tmp_path):
    path = _xlsx(
        tmp_path,
        [
            list(HEADER),
            [1, "零售业", "超市", "市市场监管局", "食品经营许可", "区市场监管部门", "按需办理"],
            [None] * 7,
            ["x", "零售业", "便利店", "市市场监管局", "食品经营许可", "区市场监管部门", ""],
        ],
    )
    with pytest.raises(CommandError, match="第 4 行：序号“x”不是正整数"):
        _import(path)


def test_a_broken_xlsx_is_refused(reference_data, tmp_path):
    path = _write(tmp_path, "broken.xlsx", b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError, match="无法读取该 .xlsx 文件"):
        _import(path)
    assert not CatalogueVersion.objects.exists()


def test_a_late_error_rolls_back_the_formats_already_written(reference_data, tmp_path):
    """The 39th format is wrong: the 38 before it are not left behind."""
    text = TABLE.read_text(encoding="utf-8").replace("市人力资源社会保障局", "市人力资源局")
    with pytest.raises(CommandError, match="牵头部门“市人力资源局”"):
        _import(_write(tmp_path, "late.tsv", text.encode()))
    assert not BusinessFormat.objects.exists() and not CatalogueVersion.objects.exists()


def test_a_remark_the_parser_cannot_read_is_reported_and_left_manual(reference_data, tmp_path):
    text = (
        "\t".join(HEADER)
        + "\n1\t零售业\t超市\t市市场监管局\t食品经营许可\t区市场监管部门\t节假日期间须办理\n"
        + "\t\t\t\t烟草专卖零售许可\t区烟草专卖部门\t按需办理\n"
    )
    output = _import(_write(tmp_path, "odd.tsv", text.encode()))
    assert "以下 1 条备注未能转换为规则" in output
    assert "序号 1 超市 / 食品经营许可：节假日期间须办理" in output
    item = FormatItem.objects.get(permit__name="食品经营许可")
    assert item.rule == {"type": "manual"} and item.remark == "节假日期间须办理"
    assert FormatItem.objects.get(permit__name="烟草专卖零售许可").rule == {
        "type": "as_needed", "activity": "sells_tobacco",
    }  # fmt: skip


def test_a_missing_file_is_a_command_error(reference_data, tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        _import(tmp_path / "nope.txt")
