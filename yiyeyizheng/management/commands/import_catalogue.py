"""Import the 一业一证 catalogue table (source text or .xlsx) into a new draft version."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import BaseCommand, CommandError
from django.db import transaction

from yiyeyizheng import services
from yiyeyizheng.models import CatalogueVersion
from yiyeyizheng.services.importing import read_catalogue


class Command(BaseCommand):
    help = "导入一业一证行业目录（制表符分隔的目录原文或 .xlsx）为新的草稿版本，可选发布。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="目录原文 (.txt/.tsv) 或 .xlsx 文件")
        parser.add_argument("--edition", required=True, help="版次，如“第二版”")
        parser.add_argument("--publish", action="store_true", help="导入后立即发布")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="已有同版次的已发布版本时不导入（供 seed_demo 重复运行）",
        )

    def handle(self, *args, file, edition, publish, if_missing, **options):
        if if_missing and CatalogueVersion.objects.published().filter(edition=edition).exists():
            if options["verbosity"]:
                self.stdout.write(f"已有已发布的{edition}，未导入。")
            return
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取文件 {file}：{error.strerror}") from error
        try:
            with transaction.atomic():
                rows = read_catalogue(path.name, data)
                result = services.import_catalogue(
                    acting_user=None, rows=rows, edition=edition, source=path.name
                )
                if publish:
                    services.publish_version(acting_user=None, version=result.version)
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError("导入失败，未写入任何数据：" + " ".join(messages)) from error
        if options["verbosity"]:
            self._report(result, publish)

    def _report(self, result, published):
        state = "已发布" if published else "草稿"
        self.stdout.write(
            f"{result.version.edition}（{state}）：{result.formats} 个经营业态，"
            f"{result.items} 条整合事项。"
        )
        if result.unparsed:
            self.stdout.write(
                f"以下 {len(result.unparsed)} 条备注未能转换为规则，请管理员手工设置："
            )
            for entry in result.unparsed:
                self.stdout.write(
                    f"  序号 {entry.seq} {entry.format} / {entry.permit}：{entry.remark}"
                )
        else:
            self.stdout.write("全部备注均已转换为规则。")
        if result.kind_to_check:
            self.stdout.write(
                f"以下 {len(result.kind_to_check)} 个事项名称为“备案”，但备注未注明"
                "“属于行政备案事项”，已按许可导入，请管理员核对类型："
            )
            for entry in result.kind_to_check:
                self.stdout.write(
                    f"  序号 {entry.seq} {entry.format} / {entry.permit}：{entry.remark}"
                )
