"""Readiness checks of the credential layer (listed in ``settings.READINESS_CHECKS``)."""

import dataclasses

import redis
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning

from elicense import crypto, sm
from elicense.models import SigningKey, SigningKeyStatus
from elicense.services import verification_log
from portal import ratelimit


def active_key_problem() -> str | None:
    """Why the active signing key cannot sign, in Chinese; None when it can.

    Missing passphrase, or one that does not decrypt the active key. No active key at all
    is not a problem here: certificates then wait for one (``elicense_keys create``).
    """
    try:
        passphrase_set = bool(crypto.key_passphrase())
    except ImproperlyConfigured:
        passphrase_set = False
    if not passphrase_set:
        return "未设置签发密钥口令（ELICENSE_KEY_PASSPHRASE）。"
    for key in SigningKey.objects.filter(status=SigningKeyStatus.ACTIVE):
        try:
            crypto.load_any_private_key(key.algorithm, key.encrypted_private_key)
        except (ValueError, TypeError, sm.BadSignature):
            return f"签发密钥口令（ELICENSE_KEY_PASSPHRASE）无法解密签发中的密钥 {key.kid}。"
    return None


@dataclasses.dataclass
class SigningKeys(HealthCheck):
    """The active signing key decrypts with the configured passphrase."""

    def run(self):
        try:
            problem = active_key_problem()
            has_active = SigningKey.objects.active().exists()
        except DatabaseError as error:
            raise ServiceUnavailable("无法读取签发密钥（数据库不可达或未迁移）。") from error
        finally:
            connection.close()  # this runs in a worker thread: do not leave its connection
        if problem:
            raise ServiceUnavailable(problem)
        if not has_active:
            raise ServiceWarning(
                "没有签发中的密钥：新证照待签名（manage.py elicense_keys create）。"
            )


@dataclasses.dataclass
class RateLimiter(HealthCheck):
    """The verification API's rate limiter shares its buckets through Redis.

    Asks Redis now (``ratelimit.probe``); when it is away the limiter counts per process,
    which is reported as degraded.
    """

    def run(self):
        if ratelimit.probe() == "fallback":
            raise ServiceWarning("Redis 不可达：接口限流暂按每个进程分别计数。")


@dataclasses.dataclass
class VerificationLog(HealthCheck):
    """The 查验记录 stream is being drained (ADR 0024): its oldest entry is recent.

    Degraded (the node stays in rotation) when Redis is away (checks are then inserted
    directly) or when the oldest undrained check is older than ``STALE_SECONDS`` (no
    ``drain_verification_log`` running, or too few)."""

    def run(self):
        if not verification_log.uses_stream():
            return
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5
        )
        try:
            backlog, age = verification_log.backlog(client), verification_log.oldest_age(client)
        except redis.RedisError as error:
            raise ServiceWarning("Redis 不可达：查验记录暂直接写入数据库。") from error
        finally:
            client.close()
        if age is not None and age > verification_log.STALE_SECONDS:
            raise ServiceWarning(
                # An entry holds one check, or a spool's batch of them (ADR 0040).
                f"查验记录积压 {backlog} 批未写入（每批一次或多次查验），最早一批已等待"
                f" {age:.0f} 秒（drain_verification_log 是否在运行？）"
            )
