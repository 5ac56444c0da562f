"""Scan-to-login (扫码登录): a challenge, the phone confirms, the waiting browser signs in."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from elicense.audit import ElicenseAction
from elicense.models import ChallengeStatus, LoginChallenge
from elicense.models.login_challenges import hash_token
from portal.audit import current_client_address, record_event
from portal.permissions import is_enterprise

CHALLENGE_SECONDS = 120


def create_login_challenge(*, browser_key: str, user_agent: str) -> tuple[str, LoginChallenge]:
    """A new challenge for the browser holding ``browser_key`` (its own cookie, not the
    session's); returns the token (shown once)."""
    if not browser_key:
        raise ValueError("a login challenge needs the browser's key")
    token = secrets.token_urlsafe(24)
    challenge = LoginChallenge.objects.create(
        token_hash=hash_token(token),
        browser_key=browser_key,
        user_agent=user_agent[:300],
        client_address=current_client_address.get(),
        expires_at=timezone.now() + datetime.timedelta(seconds=CHALLENGE_SECONDS),
    )
    return token, challenge


def find_challenge(token: str) -> LoginChallenge | None:
    return LoginChallenge.objects.filter(token_hash=hash_token(token or "")).first()


def _live(challenge: LoginChallenge, now) -> bool:
    return challenge.expires_at > now


@transaction.atomic
def decide_login_challenge(*, acting_user, token: str, approve: bool) -> LoginChallenge:
    """The signed-in enterprise user confirms or refuses a challenge on the phone."""
    if not is_enterprise(acting_user):
        raise PermissionDenied("只有企业用户可以扫码登录。")
    challenge = (
        LoginChallenge.objects.select_for_update()
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    now = timezone.now()
    if challenge is None:
        raise ValidationError("登录二维码无效。")
    if challenge.status != ChallengeStatus.PENDING:
        raise ValidationError("该登录二维码已被使用。")
    if not _live(challenge, now):
        raise ValidationError("登录二维码已过期，请在电脑上刷新后重新扫描。")
    if approve:
        challenge.confirm(user=acting_user, at=now)
    else:
        challenge.refuse(user=acting_user, at=now)
    challenge.save()
    record_event(
        actor=acting_user,
        action=ElicenseAction.LOGIN_CHALLENGE_CONFIRMED
        if approve
        else ElicenseAction.LOGIN_CHALLENGE_REFUSED,
        obj=challenge,
        changes={"browser": challenge.user_agent, "address": challenge.client_address},
    )
    return challenge


@transaction.atomic
def consume_login_challenge(*, token: str, browser_key: str):
    """Sign-in step of the waiting browser: returns the user once, or None.

    Only the browser that created the challenge (its key) can consume it; a copied token
    in another browser signs nobody in. Expired, refused and used challenges return None.
    """
    challenge = (
        LoginChallenge.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(token_hash=hash_token(token or ""), browser_key=browser_key)
        .first()
    )
    now = timezone.now()
    if (
        challenge is None
        or challenge.status != ChallengeStatus.CONFIRMED
        or not _live(challenge, now)
        or not challenge.user.is_active
    ):
        return None
    challenge.consume(at=now)
    challenge.save()
    record_event(
        actor=challenge.user,
        action=ElicenseAction.USER_LOGGED_IN_BY_SCAN,
        obj=challenge,
        changes={"browser": challenge.user_agent},
    )
    return challenge.user


def challenge_state(*, token: str, browser_key: str) -> str:
    """What the waiting browser's poll sees: pending, confirmed, refused, expired or invalid."""
    challenge = LoginChallenge.objects.filter(
        token_hash=hash_token(token or ""), browser_key=browser_key
    ).first()
    if challenge is None or challenge.status == ChallengeStatus.CONSUMED:
        return "invalid"
    if not _live(challenge, timezone.now()):
        return "expired"
    return challenge.status
