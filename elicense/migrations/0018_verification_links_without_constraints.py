"""The 查验记录's links without foreign-key constraints, and two indexes fewer (ADR 0042).

Every check's row locked the certificate and party it links (``FOR KEY SHARE`` in the
constraint's check): one write to a certificate's page a check. The certificate link's index
served nothing (no one reads the log by certificate), and ``result``'s
``varchar_pattern_ops`` twin served no ``LIKE``. On the partitioned table (ADR 0026) each
change reaches every partition.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

RESULTS = [
    ("valid", "证照有效"),
    ("bad_signature", "签名无效，证照可能被篡改"),
    ("unknown_key", "签名密钥不可识别"),
    ("code_expired", "出示码已过期，请让对方刷新后重新出示"),
    ("replayed", "出示码已被使用，每个出示码只能查验一次"),
    ("authorisation_revoked", "出示人的授权已被撤销"),
    ("authorisation_expired", "出示人的授权已过期或尚未生效"),
    ("out_of_scope", "所办事项超出出示人的授权范围"),
    ("revoked", "证照已被吊销"),
    ("superseded", "证照已换发新版，此版本已失效"),
    ("cancelled", "证照已注销"),
    ("expired", "证照已过有效期"),
    ("not_yet_valid", "证照尚未到生效日期"),
    ("foreign_domain", "该二维码不是本平台的地址，可能是伪造的，请勿信任"),
    ("pending", "证照正在签发，请稍后再试"),
    ("not_found", "未找到该证照"),
    ("malformed", "无法识别的码，请确认扫描的是电子证照二维码"),
]


def link(to, verbose_name, related_name, **options):
    return models.ForeignKey(
        to, verbose_name=verbose_name, on_delete=django.db.models.deletion.PROTECT, null=True,
        blank=True, related_name=related_name, db_constraint=False, **options,
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("elicense", "0017_login_challenge_browser_key"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="verification",
            name="certificate",
            field=link("elicense.certificate", "证照", "verifications", db_index=False),
        ),
        migrations.AlterField(
            model_name="verification",
            name="relying_party",
            field=link("elicense.relyingparty", "接入单位", "verifications"),
        ),
        migrations.AlterField(
            model_name="verification",
            name="verifier",
            field=link(settings.AUTH_USER_MODEL, "查验人", "+"),
        ),
        migrations.AlterField(
            model_name="verification",
            name="result",
            field=models.CharField(choices=RESULTS, max_length=30, verbose_name="结果"),
        ),
        migrations.AddIndex(
            model_name="verification",
            index=models.Index(fields=["result"], name="verification_result"),
        ),
    ]
