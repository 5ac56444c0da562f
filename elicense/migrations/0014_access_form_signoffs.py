"""济宁附件1 in full (issue 20): 年验证量 in 万次/年, 授权事项 as free text, the applicant's
commitment, signature, seal and stamped scan, 技术服务单位信息, two sign-offs; 附件2's four
应用功能 columns and 备注.

Existing rows are carried over honestly: 次/年 becomes 万次/年 exactly (four decimals hold
any whole number of 次 divided by 10,000); ticked matters become the written tree lines;
each scenario's single 应用功能 text becomes the ticked column when it names one of the
four, else 其他 with the text kept in 备注. The applicant block stays empty on old rows:
nothing is invented for them (``is_signed_by_applicant`` keeps them from being signed off
until the paper is supplied).
"""

from decimal import Decimal


import django.db.models.deletion
import django_fsm
import elicense.models.relying_parties
from django.conf import settings
from django.db import migrations, models


FUNCTIONS = ("线上扫码登录", "线下出示执照", "电子签名", "其他")


def forwards(apps, schema_editor):
    RelyingParty = apps.get_model("elicense", "RelyingParty")
    for party in RelyingParty.objects.all():
        party.yearly_volume_10k = Decimal(party.yearly_volume) / Decimal(10_000)
        paths = [m.path for m in party.matters.order_by("path")]
        party.matter_tree = "\n".join(
            "-".join(f"（{part}）" for part in path.split("/")) for path in paths
        )
        rows = []
        for row in party.scenarios or []:
            function = str(row.get("应用功能", "")).strip()
            ticked = [f for f in FUNCTIONS if f == function] or (["其他"] if function else [])
            rows.append(
                {
                    "应用事项名称": row.get("应用事项名称", row.get("事项名称", "")),
                    "实施部门": row.get("实施部门", ""),
                    "办事系统": row.get("办事系统", ""),
                    "应用功能": ticked,
                    "备注": row.get("备注", "" if function in FUNCTIONS else function),
                }
            )
        party.scenarios = rows
        party.save(update_fields=["yearly_volume_10k", "matter_tree", "scenarios"])


class Migration(migrations.Migration):

    dependencies = [
        ('elicense', '0013_oidc'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='relyingparty',
            name='applicant_signatory',
            field=models.CharField(blank=True, max_length=50, verbose_name='申请人（签字）'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='committed',
            field=models.BooleanField(default=False, help_text='本单位申请接入省级电子营业执照验证平台（或国家市场监督管理总局电子营业执照验证平台），并承诺遵守《电子营业执照管理办法（试行）》相关规定，此表所填写内容真实有效。', verbose_name='承诺'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='guidance_opinion',
            field=models.CharField(blank=True, max_length=200, verbose_name='业务指导部门意见'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='guidance_signed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='业务指导部门签字时间'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='guidance_signed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='业务指导部门（签字）'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='matter_tree',
            field=models.TextField(blank=True, help_text='请按（电子政务/电子商务）-（行业）-（事项）顺序，填写授权事项目录树。如：（电子政务）-（市场监管）-（动产抵押）。', verbose_name='授权事项目录树'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='sealing_unit',
            field=models.CharField(blank=True, max_length=100, verbose_name='申请单位（盖章）'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='signed_on',
            field=models.DateField(blank=True, null=True, verbose_name='日期'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='stamped_scan',
            field=models.FileField(blank=True, upload_to=elicense.models.relying_parties.stamped_scan_path, verbose_name='加盖单位公章扫描件'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='stamped_scan_type',
            field=models.CharField(blank=True, max_length=40, verbose_name='扫描件类型'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='tech_service_signatory',
            field=models.CharField(blank=True, max_length=50, verbose_name='技术服务方（签字）'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='tech_service_signed_on',
            field=models.DateField(blank=True, null=True, verbose_name='技术服务方签字日期'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='tech_service_unit',
            field=models.CharField(blank=True, max_length=100, verbose_name='技术服务单位'),
        ),
        migrations.AddField(
            model_name='relyingparty',
            name='yearly_volume_10k',
            field=models.DecimalField(decimal_places=4, max_digits=12, null=True, verbose_name='年验证量（万次/年）'),
        ),
        migrations.AlterField(
            model_name='relyingparty',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='系统运维部门（签字）'),
        ),
        migrations.AlterField(
            model_name='relyingparty',
            name='scenarios',
            field=models.JSONField(blank=True, default=list, help_text='附件2：[{应用事项名称, 实施部门, 办事系统, 应用功能: [...], 备注}]', verbose_name='应用场景清单'),
        ),
        migrations.AlterField(
            model_name='relyingparty',
            name='status',
            field=django_fsm.FSMField(choices=[('pending', '待审核'), ('guided', '业务指导部门已签字'), ('approved', '已接入'), ('rejected', '已驳回'), ('suspended', '已停用')], default='pending', max_length=50, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='verification',
            name='channel',
            field=models.CharField(choices=[('public_page', '公开页面'), ('clerk_scan', '窗口扫码'), ('api', '接口查验'), ('bulk', '批量查验'), ('face_read', '照面信息获取')], max_length=20, verbose_name='渠道'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="relyingparty",
            name="yearly_volume_10k",
            field=models.DecimalField(
                decimal_places=4, max_digits=12, verbose_name="年验证量（万次/年）"
            ),
        ),
        migrations.RemoveField(
            model_name='relyingparty',
            name='matters',
        ),
        migrations.RemoveField(
            model_name='relyingparty',
            name='yearly_volume',
        ),
    ]
