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


@register(Tags.security, deploy=True)
def public_base_url(app_configs, **kwargs):
    """QR codes and PDFs carry the portal's address: production names it, never guessed from
    whichever host a request came in on."""
    if settings.PUBLIC_BASE_URL.strip():
        return []
    return [
        Error(
            "未设置门户公网地址 PUBLIC_BASE_URL。",
            hint="设置环境变量 PUBLIC_BASE_URL，如 https://zwfw.scjgj.sh.gov.cn；"
            "二维码和 PDF 均指向此地址。",
            id="portal.E002",
        )
    ]


@register(Tags.security, deploy=True)
def no_local_secrets(app_configs, **kwargs):
    """The development secrets under var/ are for a developer's machine (``make run``)."""
    if not settings.LOCAL_SECRETS or settings.DEBUG:
        return []
    return [
        Error(
            "LOCAL_SECRETS 已开启：密钥取自本机 var/ 目录，只能用于开发演示。",
            hint="生产环境删除 LOCAL_SECRETS，从密钥管理系统注入 SECRET_KEY 等密钥。",
            id="portal.E003",
        )
    ]
