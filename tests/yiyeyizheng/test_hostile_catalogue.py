"""The 一业一证 catalogue import refuses a hostile .xlsx with a command error naming the
problem, writing nothing, like every other reader of uploaded tables."""

import pytest
from django.core.management import CommandError, call_command

from tests import hostile_xlsx as hostile
from yiyeyizheng.models import CatalogueVersion

HOSTILE = {
    "malformed XML": (hostile.malformed_xml, "XML 格式错误"),
    "zip bomb": (hostile.zip_bomb, "解压后内容过大"),
    "zip bomb lying about its size": (hostile.lying_zip_bomb, "压缩数据已损坏"),
    "3,000 rows without <dimension>": (lambda: hostile.rows_without_dimension(3_000), "行数过多"),
    'a false <dimension ref="A1:D2">': (
        lambda: hostile.rows_under_false_dimension(3_000),
        "行数过多",
    ),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_catalogue_xlsx_is_a_command_error(reference_data, tmp_path, kind):
    build, problem = HOSTILE[kind]
    path = tmp_path / "目录.xlsx"
    path.write_bytes(build())

    with pytest.raises(CommandError, match=problem):
        call_command("import_catalogue", str(path), "--edition", "第三版")

    assert not CatalogueVersion.objects.exists()
