"""System checks of the credential layer, run by ``manage.py check --deploy``."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from elicense.health import active_key_problem


@register(Tags.security, deploy=True)
def signing_key_passphrase(app_configs, **kwargs):
    """Production must be able to sign: the passphrase is set and decrypts the active key.

    Reads the signing-key table when it can; a database that is unreachable or not yet
    migrated has no key to decrypt, so only the passphrase is checked then.
    """
    if not settings.ELICENSE_KEY_PASSPHRASE:
        return [
            Error(
                "未设置签发密钥口令 ELICENSE_KEY_PASSPHRASE。",
                hint="从密钥管理系统注入环境变量 ELICENSE_KEY_PASSPHRASE（与创建密钥时相同）。",
                id="elicense.E001",
            )
        ]
    try:
        problem = active_key_problem()
    except DatabaseError:
        return []
    if problem:
        return [
            Error(
                problem,
                hint="核对 ELICENSE_KEY_PASSPHRASE 是否与创建该密钥时所用口令一致。",
                id="elicense.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def oidc_pairwise_key(app_configs, **kwargs):
    """Connected systems' pairwise ``sub`` must not hang on SECRET_KEY (ADR 0025)."""
    if settings.OIDC_PAIRWISE_KEY:
        return []
    return [
        Error(
            "未设置 OIDC_PAIRWISE_KEY（应用系统登录的用户标识密钥）。",
            hint="从密钥管理系统注入 OIDC_PAIRWISE_KEY；设定后勿改，否则各系统的 sub 全部改变。",
            id="elicense.E003",
        )
    ]
