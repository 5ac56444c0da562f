"""Sign-in for connected systems: the portal as an OpenID Connect provider (ADR 0025).

django-oauth-toolkit (DOT) speaks the protocol; this module holds every write around it:
the clients of approved relying parties (secret shown once, rotation, withdrawal), the
users' consents, and ``PortalOAuth2Validator``, DOT's validator taught the portal's rules:
pairwise ``sub``, the entity and authorisation claims, ID tokens signed with the portal's
own keys (EdDSA by default), and refusal of a code or refresh token whose consent,
authorisation or client has ended. Every grant, consent, token and refusal is audited.
"""

import functools
import hashlib
import hmac
import ipaddress
import json
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from jwcrypto import jwk as jose_jwk
from jwcrypto import jws as jose_jws
from jwcrypto import jwt as jose_jwt
from jwcrypto.common import JWException
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_refresh_token_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors as oauth2_errors

from elicense import crypto
from elicense.audit import ElicenseAction
from elicense.models import (
    IdTokenAlgorithm,
    KeyAlgorithm,
    OidcClient,
    OidcConsent,
    OidcSignIn,
    RelyingPartyStatus,
    SigningKey,
)
from elicense.models.relying_parties import Need, parse_matter_tree
from elicense.permissions import require
from elicense.queries.oidc import ROLE_CLAIMS, still_allowed
from portal.audit import current_client_address, record_event

#: Which of the issuer's keys signs an ID token of each algorithm.
KEY_FOR_ALGORITHM = {
    IdTokenAlgorithm.EDDSA: KeyAlgorithm.ED25519,
    IdTokenAlgorithm.RS256: KeyAlgorithm.RSA,
    IdTokenAlgorithm.ES256: KeyAlgorithm.P256,
}
JOSE_ALGORITHM = {value: alg for alg, value in KEY_FOR_ALGORITHM.items()}
LOOPBACK_HOSTS = {"localhost"}


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def pairwise_sub(*, client_id: str, user) -> str:
    """The user's subject identifier at one client: stable, and unlinkable across clients."""
    key = settings.OIDC_PAIRWISE_KEY or settings.SECRET_KEY  # unset only in DEBUG (E003)
    digest = hmac.new(key.encode(), f"{client_id}|{user.pk}".encode(), hashlib.sha256).digest()
    return crypto.b64url(digest)


# --- clients -------------------------------------------------------------------------------


def _endpoint_host(endpoint: str) -> tuple[str, int | None]:
    text = endpoint.strip()
    parts = urlsplit(text if "//" in text else f"//{text}")
    return (parts.hostname or "").lower(), parts.port


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_redirect_uris(party, uris: list[str], field: str) -> list[str]:
    """Each URI is https (http only on loopback) on the party's registered domain."""
    host, port = _endpoint_host(party.system_endpoint)
    checked = []
    for uri in uris:
        parts = urlsplit(uri)
        where = f"“{uri}”"
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValidationError({field: f"{where}不是完整的网址。"})
        if parts.scheme == "http" and not _is_loopback(parts.hostname):
            raise ValidationError({field: f"{where}必须使用 https（仅本机回环地址可用 http）。"})
        if parts.fragment:
            raise ValidationError({field: f"{where}不能带“#”片段。"})
        if parts.hostname.lower() != host or (port is not None and parts.port != port):
            raise ValidationError(
                {field: f"{where}不在该单位登记的域名（IP）及端口“{party.system_endpoint}”上。"}
            )
        checked.append(uri)
    return checked


def _split(uris) -> list[str]:
    if isinstance(uris, str):
        uris = uris.split()
    return [uri.strip() for uri in uris if uri.strip()]


@transaction.atomic
def create_oidc_client(
    *,
    acting_user,
    party,
    redirect_uris,
    matter,
    algorithm=IdTokenAlgorithm.EDDSA,
    post_logout_redirect_uris=(),
) -> tuple[OidcClient, str]:
    """Open 用户登录 for an approved relying party whose needs include it: a confidential
    client (authorization code + PKCE only) whose secret is returned once and stored hashed."""
    require(acting_user, "elicense.manage_oidc_clients")
    party = type(party).objects.select_for_update().get(pk=party.pk)
    if party.status != RelyingPartyStatus.APPROVED:
        raise ValidationError(
            f"该单位{party.get_status_display()}，只有已接入的单位可以开通用户登录。"
        )
    if Need.LOGIN not in party.needs:
        raise ValidationError("该单位的应用需求不含“用户登录”，不能开通。")
    if OidcClient.objects.active().filter(relying_party=party).exists():
        raise ValidationError("该单位已开通用户登录；如需更换客户端密钥，请使用“轮换密钥”。")
    declared = parse_matter_tree(party.matter_tree)
    if declared and matter.path not in declared:
        raise ValidationError({"matter": "办理事项须是该单位申请接入时登记的事项之一。"})
    algorithm = IdTokenAlgorithm(algorithm)
    if not SigningKey.objects.active(KEY_FOR_ALGORITHM[algorithm]).exists():
        key = KEY_FOR_ALGORITHM[algorithm]
        raise ValidationError(
            {"algorithm": f"尚无签发中的{key.label}密钥，请先运行 "
             f"manage.py elicense_keys create --algorithm {key.value}。"}
        )  # fmt: skip
    uris = _check_redirect_uris(party, _split(redirect_uris), "redirect_uris")
    if not uris:
        raise ValidationError({"redirect_uris": "至少填写一个回调地址。"})
    logout_uris = _check_redirect_uris(
        party, _split(post_logout_redirect_uris), "post_logout_redirect_uris"
    )
    Application = get_application_model()
    secret = generate_client_secret()
    application = Application(
        name=party.system_name[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(uris),
        post_logout_redirect_uris=" ".join(logout_uris),
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=False,
    )
    application.full_clean()
    application.save()
    client = OidcClient.objects.create(
        relying_party=party,
        application=application,
        matter=matter,
        id_token_algorithm=algorithm,
        secret_issued_at=timezone.now(),
    )
    record_event(
        actor=acting_user,
        action=ElicenseAction.OIDC_CLIENT_CREATED,
        obj=client,
        changes={
            "client_id": application.client_id,
            "redirect_uris": uris,
            "matter": matter.path,
            "algorithm": algorithm.value,
        },
    )
    return client, secret


def _locked_client(client) -> OidcClient:
    return OidcClient.objects.select_for_update().select_related("application").get(pk=client.pk)


@transaction.atomic
def rotate_oidc_client_secret(*, acting_user, client) -> tuple[OidcClient, str]:
    """A new client secret, returned once; the old one stops working at once."""
    require(acting_user, "elicense.manage_oidc_clients")
    client = _locked_client(client)
    if not client.is_active:
        raise ValidationError("该登录客户端已停用，不能轮换密钥。")
    secret = generate_client_secret()
    client.application.client_secret = secret
    client.application.save()
    client.secret_issued_at = timezone.now()
    client.save(update_fields=["secret_issued_at"])
    record_event(
        actor=acting_user,
        action=ElicenseAction.OIDC_SECRET_ROTATED,
        obj=client,
        changes={"client_id": client.application.client_id},
    )
    return client, secret


def _end_tokens(*, application, users=None) -> int:
    """Revoke the refresh tokens (and with them the access tokens) and unused codes."""
    RefreshToken, AccessToken, Grant = (
        get_refresh_token_model(),
        get_access_token_model(),
        get_grant_model(),
    )
    scope = {"application": application}
    if users is not None:
        scope["user__in"] = list(users)
    ended = 0
    for refresh in RefreshToken.objects.filter(revoked__isnull=True, **scope):
        refresh.revoke()
        ended += 1
    AccessToken.objects.filter(**scope).delete()
    Grant.objects.filter(**scope).delete()
    return ended


@transaction.atomic
def revoke_oidc_client(*, acting_user, client, reason) -> OidcClient:
    """Withdraw a client's access: it signs nobody in again, and every refresh token it
    holds ends now."""
    require(acting_user, "elicense.manage_oidc_clients")
    client = _locked_client(client)
    if not client.is_active:
        raise ValidationError("该登录客户端已停用。")
    client.revoked_at, client.revoke_reason = timezone.now(), (reason or "停用")[:200]
    client.save(update_fields=["revoked_at", "revoke_reason"])
    ended = _end_tokens(application=client.application)
    record_event(
        actor=acting_user,
        action=ElicenseAction.OIDC_CLIENT_REVOKED,
        obj=client,
        changes={"reason": client.revoke_reason, "refresh_tokens_ended": ended},
    )
    return client


# --- consents ------------------------------------------------------------------------------


@transaction.atomic
def grant_oidc_consent(*, acting_user, client, entity_uscc: str, scopes) -> OidcConsent:
    """The user agrees that ``client`` may learn ``scopes`` while it acts for the entity;
    remembered until revoked (a wider request later adds to it)."""
    scopes = sorted(set(scopes))
    consent = (
        OidcConsent.objects.select_for_update()
        .active()
        .filter(user=acting_user, client=client, entity_uscc=entity_uscc)
        .first()
    )
    if consent is None:
        consent = OidcConsent.objects.create(
            user=acting_user, client=client, entity_uscc=entity_uscc, scopes=" ".join(scopes)
        )
    elif not consent.covers(scopes):
        consent.scopes = " ".join(sorted(set(consent.scopes.split()) | set(scopes)))
        consent.save(update_fields=["scopes"])
    else:
        return consent
    record_event(
        actor=acting_user,
        action=ElicenseAction.OIDC_CONSENT_GRANTED,
        obj=consent,
        changes={"system": client.system_name, "entity": entity_uscc, "scopes": consent.scopes},
    )
    return consent


@transaction.atomic
def revoke_oidc_consent(*, acting_user, consent) -> OidcConsent:
    """Withdraw a consent (its user, or the entity's legal representative): the system's
    refresh tokens for that user end now and the next sign-in asks again."""
    consent = OidcConsent.objects.select_for_update().select_related("client").get(pk=consent.pk)
    require(acting_user, "elicense.revoke_oidc_consent", consent)
    if consent.revoked_at is not None:
        raise ValidationError("该授权已撤回。")
    consent.revoked_at, consent.revoked_by = timezone.now(), acting_user
    consent.save(update_fields=["revoked_at", "revoked_by"])
    ended = _end_tokens(application=consent.client.application, users=[consent.user])
    record_event(
        actor=acting_user,
        action=ElicenseAction.OIDC_CONSENT_REVOKED,
        obj=consent,
        changes={"system": consent.client.system_name, "refresh_tokens_ended": ended},
    )
    return consent


@transaction.atomic
def end_oidc_tokens_of_authorisation(*, acting_user, authorisation) -> int:
    """An agent's authorisation ended: the refresh tokens of every system it signed into
    under that authorisation end with it (``revoke_authorisation`` calls this)."""
    clients = OidcClient.objects.filter(sign_ins__authorisation=authorisation).distinct()
    ended = sum(
        _end_tokens(application=client.application, users=[authorisation.agent])
        for client in clients.select_related("application")
    )
    if ended:
        record_event(
            actor=acting_user,
            action=ElicenseAction.OIDC_TOKENS_ENDED,
            obj=authorisation,
            changes={"reason": "authorisation_revoked", "refresh_tokens_ended": ended},
        )
    return ended


def record_oidc_refusal(*, acting_user, client, reason: str, entity_uscc: str = "") -> None:
    """A sign-in the portal refused (and why): audited like every grant."""
    record_event(
        actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        action=ElicenseAction.OIDC_REFUSED,
        obj=client,
        changes={"system": client.system_name, "entity": entity_uscc, "reason": reason},
    )


@transaction.atomic
def end_tokens_of_replayed_code(*, code: str, application) -> int:
    """A code presented again after it bought tokens: RFC 6749 §4.1.2 asks that the tokens
    issued on it be revoked (someone else may hold the code)."""
    sign_in = (
        OidcSignIn.objects.filter(code_hash=code_hash(code or ""), client__application=application)
        .exclude(token_family=None)
        .first()
    )
    if sign_in is None:
        return 0
    RefreshToken = get_refresh_token_model()
    live = RefreshToken.objects.filter(token_family=sign_in.token_family, revoked__isnull=True)
    ended = live.count()
    RefreshToken.revoke_family(sign_in.token_family)
    record_event(
        actor=None,
        action=ElicenseAction.OIDC_CODE_REPLAYED,
        obj=sign_in,
        changes={"system": sign_in.client.system_name, "refresh_tokens_ended": ended},
    )
    return ended


def record_oidc_token_refusal(*, client_id: str, grant_type: str, error: str) -> None:
    """The token endpoint said no (``invalid_grant``, ``invalid_client`` …): audited with
    the client it named, whatever DOT or oauthlib found wrong. A ``client_id`` the portal
    does not know is anyone's to send: audited within the protocol-error budget."""
    client = OidcClient.objects.filter(application__client_id=client_id[:100]).first()
    changes = {"client_id": client_id[:100], "grant_type": grant_type[:40], "error": error[:60]}
    if client is None:
        carried = _within_audit_budget()
        if carried is None:
            return
        if carried:
            changes["not_recorded_before"] = carried
    record_event(
        actor=None,
        action=ElicenseAction.OIDC_TOKEN_REFUSED,
        obj=client,
        object_type="elicense.oidcclient",
        object_id="-",
        object_repr=f"未登记的客户端 {client_id[:40]}",
        changes=changes,
    )


#: Fields of an authorization request that are kept with its protocol error: never the
#: state, nonce, PKCE challenge or anything a secret could be pasted into.
AUTHORIZE_ERROR_FIELDS = {"client_id": 100, "redirect_uri": 200, "response_type": 40, "scope": 200}
_window_counts: dict[str, tuple[int, int]] = {}  # key -> (minute, count), when the cache is away


def _count_in_minute(key: str, minute: int) -> int:
    """How many times ``key`` was counted this minute, this one included (the shared cache;
    per process while it is away)."""
    cache_key = f"oidc:protocol-errors:{key}:{minute}"
    cache.add(cache_key, 0, 120)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        count = None
    if count is None:  # the cache is away: count in this process
        seen_minute, seen = _window_counts.get(key, (minute, 0))
        count = (seen if seen_minute == minute else 0) + 1
        _window_counts[key] = (minute, count)
    return count


def _within_audit_budget() -> int | None:
    """Whether a protocol error anyone can send (no known client behind it) may be audited
    now: at most ``OIDC_PROTOCOL_ERRORS_AUDITED_PER_MINUTE`` rows per client address and
    minute and ``…_PER_MINUTE_ALL`` in all. Audit rows are sealed in the chain and never
    updated, so nothing is added to a written row: what is not written is counted per
    address, and the address's next audited error carries the count. None when over the
    budget (the error is counted); else the count to carry (0 for none)."""
    address = current_client_address.get() or "-"
    minute = int(time.time() // 60)
    dropped_key = f"oidc:protocol-errors-dropped:{address}"
    if (
        _count_in_minute(address, minute) > settings.OIDC_PROTOCOL_ERRORS_AUDITED_PER_MINUTE
        or _count_in_minute("*", minute) > settings.OIDC_PROTOCOL_ERRORS_AUDITED_PER_MINUTE_ALL
    ):
        cache.add(dropped_key, 0, 86_400)
        try:
            cache.incr(dropped_key)
        except ValueError:
            pass
        return None
    carried = cache.get(dropped_key) or 0
    if carried:
        cache.delete(dropped_key)
    return carried


def record_oidc_authorize_error(
    *, acting_user, error: str, description: str, request_fields: dict
) -> bool:
    """A malformed or unauthorised request at the authorization endpoint, audited with the
    client address (``portal.audit``) and the request's harmless fields, within the
    protocol-error budget (``_within_audit_budget``). Returns whether a row was written."""
    carried = _within_audit_budget()
    if carried is None:
        return False
    fields = {
        name: str(request_fields.get(name, ""))[:limit]
        for name, limit in AUTHORIZE_ERROR_FIELDS.items()
    }
    changes = {"error": error[:60], "description": (description or "")[:200], **fields}
    if carried:
        changes["not_recorded_before"] = carried
    client = OidcClient.objects.filter(application__client_id=fields["client_id"]).first()
    record_event(
        actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        action=ElicenseAction.OIDC_AUTHORIZE_ERROR,
        obj=client,
        object_type="elicense.oidcclient",
        object_id="-",
        object_repr=f"未登记的客户端 {fields['client_id'][:40]}",
        changes=changes,
    )
    return True


def record_oidc_logout(*, acting_user, application) -> None:
    """RP-initiated logout (DOT ends the session and the user's tokens at the system)."""
    client = _client_of(application) if application is not None else None
    record_event(
        actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        action=ElicenseAction.OIDC_LOGGED_OUT,
        obj=client,
        changes={"system": client.system_name if client else ""},
    )


# --- keys ------------------------------------------------------------------------------------


def public_jwks() -> dict:
    """Every key that verifies an ID token: Ed25519 (shared with the certificates), RSA and
    P-256, active and retired, so tokens signed before a rotation still verify."""
    keys = []
    for key in SigningKey.objects.filter(
        algorithm__in=[KeyAlgorithm.ED25519, KeyAlgorithm.RSA, KeyAlgorithm.P256]
    ).order_by("algorithm", "-created_at"):
        keys.append(_public_jwk(key).export_public(as_dict=True) | _jwk_fields(key))
    return {"keys": keys}


def _jwk_fields(key: SigningKey) -> dict:
    return {"kid": key.kid, "use": "sig", "alg": JOSE_ALGORITHM[KeyAlgorithm(key.algorithm)]}


def _public_jwk(key: SigningKey) -> jose_jwk.JWK:
    return jose_jwk.JWK.from_pyca(crypto.load_any_public_key(key.algorithm, key.public_key))


def _half_hash(value: str, algorithm: str) -> str:
    """at_hash / c_hash: the left half of the hash the signature uses (SHA-512 for Ed25519)."""
    digest = {"EdDSA": hashlib.sha512, "RS256": hashlib.sha256, "ES256": hashlib.sha256}[algorithm](
        value.encode("ascii")
    ).digest()
    return crypto.b64url(digest[: len(digest) // 2])


@functools.lru_cache(maxsize=8)
def _opened_key(kid: str, algorithm: str, encrypted: str) -> jose_jwk.JWK:
    """The decrypted private key of ``kid``, kept per process: opening it costs more than
    the signature (4 ms for Ed25519, over 200 ms for RSA; bench/oidc_id_tokens.py), and a
    sign-in must not wait for that. Keyed by the ciphertext too, so a replaced row reopens."""
    return jose_jwk.JWK.from_pyca(crypto.load_any_private_key(algorithm, encrypted))


def sign_id_token(claims: dict, *, algorithm) -> str:
    """A compact JWS of ``claims`` by the issuer's active key of ``algorithm`` (EdDSA,
    RS256 or ES256), ``kid`` in the header."""
    algorithm = IdTokenAlgorithm(algorithm)
    key = SigningKey.objects.active(KEY_FOR_ALGORITHM[algorithm]).first()
    if key is None:
        raise ValidationError(f"no active signing key for {algorithm.value}")
    private = _opened_key(key.kid, key.algorithm, key.encrypted_private_key)
    signed = jose_jwt.JWT(
        header=json.dumps({"typ": "JWT", "alg": algorithm.value, "kid": key.kid}),
        claims=json.dumps(claims, default=str),
    )
    signed.make_signed_token(private)
    return signed.serialize()


# --- the validator DOT calls ------------------------------------------------------------------


def _client_of(application) -> OidcClient | None:
    try:
        return application.portal_client
    except OidcClient.DoesNotExist:
        return None


class PortalOAuth2Validator(OAuth2Validator):
    """DOT's validator with the portal's rules (settings.OAUTH2_PROVIDER)."""

    oidc_claim_scope = {
        "sub": "openid",
        "name": "profile",
        "entity_uscc": "entity",
        "entity_name": "entity",
        "role": "entity",
        "authorisation": "authorisation",
    }

    # Only clients of the portal's registry, while active.
    def _load_application(self, client_id, request):
        application = super()._load_application(client_id, request)
        if application is None:
            return None
        client = _client_of(application)
        if client is None or not client.is_active:
            request.client = None
            return None
        return application

    # prompt=none: the authorization view (signed-in users only) answers consent_required
    # or account_selection_required itself, once it knows the entity and the consent.
    def validate_silent_login(self, request):
        return True

    def validate_silent_authorization(self, request):
        return True

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, *args, **kwargs):
        """RFC 6749 §5.2 names a redirect URI unlike the authorization request's
        ``invalid_grant`` (oauthlib would answer ``invalid_request``)."""
        if super().confirm_redirect_uri(client_id, code, redirect_uri, client, *args, **kwargs):
            return True
        raise oauth2_errors.InvalidGrantError(
            description="redirect_uri does not match the authorization request"
        )

    # The authorization view puts the sign-in's entity on the request; the code records it.
    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        decision = request.portal_decision
        sign_in = OidcSignIn.objects.create(
            client=request.client.portal_client,
            user=request.user,
            entity_uscc=decision.entity.uscc,
            entity_name=decision.entity.name,
            capacity=decision.entity.capacity,
            authorisation=decision.authorisation,
            code_hash=code_hash(code["code"]),
            client_address=current_client_address.get(),
        )
        record_event(
            actor=request.user,
            action=ElicenseAction.OIDC_CODE_ISSUED,
            obj=sign_in,
            changes={
                "system": sign_in.client.system_name,
                "entity": sign_in.entity_uscc,
                "scopes": " ".join(request.scopes),
                "authorisation": decision.authorisation.pk if decision.authorisation else None,
            },
        )

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            end_tokens_of_replayed_code(code=code, application=client)
            return False
        return self._admit_sign_in(request, client, code_hash=code_hash(code))

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        family = request.refresh_token_instance.token_family
        return self._admit_sign_in(request, client, token_family=family)

    def _admit_sign_in(self, request, application, **which) -> bool:
        """The one check of both token grants (code and refresh): the sign-in the grant
        belongs to must exist and still be allowed (consent, authorisation, client); a
        refusal is audited, an admitted sign-in is kept on the request for the claims."""
        sign_in = (
            OidcSignIn.objects.select_related("client__relying_party", "authorisation__scope")
            .filter(client__application=application, **which)
            .first()
        )
        reason = "no_sign_in" if sign_in is None else still_allowed(sign_in)
        if reason:
            if sign_in is not None:
                record_oidc_refusal(
                    acting_user=sign_in.user, client=sign_in.client, reason=reason,
                    entity_uscc=sign_in.entity_uscc,
                )  # fmt: skip
            return False
        request.portal_sign_in = sign_in
        return True

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous):
        refresh = super()._create_refresh_token(request, refresh_token_code, access_token, previous)
        request.portal_token_family = refresh.token_family
        return refresh

    def _save_bearer_token(self, token, request, *args, **kwargs):
        super()._save_bearer_token(token, request, *args, **kwargs)
        sign_in = getattr(request, "portal_sign_in", None)
        if sign_in is None:
            return
        first = sign_in.token_issued_at is None
        sign_in.token_issued_at = sign_in.token_issued_at or timezone.now()
        sign_in.token_family = getattr(request, "portal_token_family", sign_in.token_family)
        sign_in.save(update_fields=["token_issued_at", "token_family"])
        record_event(
            actor=sign_in.user,
            action=ElicenseAction.OIDC_TOKEN_ISSUED
            if first
            else ElicenseAction.OIDC_TOKEN_REFRESHED,
            obj=sign_in,
            changes={"system": sign_in.client.system_name, "grant_type": request.grant_type},
        )

    # Claims: pairwise sub, the entity, the capacity, an agent's authorisation.
    def _sign_in_for(self, request) -> OidcSignIn | None:
        sign_in = getattr(request, "portal_sign_in", None)
        if sign_in is not None:
            return sign_in
        access_token = getattr(request, "access_token", None)  # the userinfo endpoint
        if access_token is None:
            return None
        RefreshToken = get_refresh_token_model()
        family = (
            RefreshToken.objects.filter(access_token=access_token)
            .values_list("token_family", flat=True)
            .first()
        )
        return (
            OidcSignIn.objects.select_related("client", "authorisation__scope")
            .filter(token_family=family, client__application_id=access_token.application_id)
            .first()
            if family
            else None
        )

    def get_claim_dict(self, request):
        sign_in = self._sign_in_for(request)
        user = request.user
        application = request.client or request.access_token.application
        claims = {
            "sub": pairwise_sub(client_id=application.client_id, user=user),
            "name": user.full_name or user.get_username(),
        }
        if sign_in is None:
            return claims
        claims |= {
            "entity_uscc": sign_in.entity_uscc,
            "entity_name": sign_in.entity_name,
            "role": ROLE_CLAIMS[sign_in.capacity],
        }
        if sign_in.authorisation is not None:
            authorisation = sign_in.authorisation
            claims["authorisation"] = {
                "id": authorisation.pk,
                "scope": authorisation.scope.path,
                "valid_from": int(authorisation.valid_from.timestamp()),
                "valid_to": int(authorisation.valid_to.timestamp()),
            }
        return claims

    def get_discovery_claims(self, request):
        return list(self.oidc_claim_scope) + ["iss", "aud", "exp", "iat", "auth_time", "nonce"]

    # ID tokens: the portal's own keys, by the client's algorithm.
    def finalize_id_token(self, id_token, token, token_handler, request):
        claims, expires = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        algorithm = request.client.portal_client.id_token_algorithm
        if "access_token" in token:
            id_token["at_hash"] = _half_hash(token["access_token"], algorithm)
        serialized = sign_id_token(id_token, algorithm=algorithm)
        with transaction.atomic():
            saved = self._save_id_token(id_token["jti"], request, expires)
        request.access_token = saved
        request.id_token = saved
        return serialized

    def _get_key_for_token(self, token):
        """The public key named by the token's ``kid`` (RP-initiated logout's id_token_hint)."""
        try:
            unverified = jose_jws.JWS()
            unverified.deserialize(token)
            kid = unverified.jose_header.get("kid", "")
        except (JWException, ValueError):
            return None
        key = SigningKey.objects.filter(
            kid=kid, algorithm__in=[KeyAlgorithm.ED25519, KeyAlgorithm.RSA, KeyAlgorithm.P256]
        ).first()
        return _public_jwk(key) if key else None
