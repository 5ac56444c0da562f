"""System checks of the portal itself, run by ``manage.py check --deploy``."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def audit_chain_key(app_configs, **kwargs):
    """Production seals the audit trail (ADR 0023): the HMAC-SM3 key must come from outside
    the database, or every sealing run fails."""
    if settings.AUDIT_CHAIN_KEY:
        return []
    return [
        Error(
            "未设置审计链密钥 AUDIT_CHAIN_KEY。",
            hint="从密钥管理系统注入环境变量 AUDIT_CHAIN_KEY（不得存入数据库）。",
            id="portal.E001",
        )
    ]
