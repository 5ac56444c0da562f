"""The one verification service behind pages, the clerk's scanner and (later) the API.

``verify_token`` takes whatever a scanner or a platform hands over — a printed-copy JWS —
and returns a typed ``Outcome`` with a Chinese message; it never raises on bad input.
Every call is logged as a ``Verification`` so the holder sees who checked it.
"""

import datetime
import json
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from elicense import crypto, sm
from elicense.models import (
    Certificate,
    KeyAlgorithm,
    SigningKey,
    VerificationChannel,
)
from elicense.models import VerificationResult as Result
from elicense.models.licence_state import LicenceState
from elicense.models.presentations import CODE_ALPHABET, CODE_LENGTH
from elicense.queries import memory
from elicense.services import presentations, verification_log
from portal.audit import current_client_address
from portal.middleware import public_base_url

#: The verification result of each licence state; a licence 30日内到期 is still valid.
STATE_RESULTS = {
    LicenceState.PENDING: Result.PENDING,
    LicenceState.NOT_YET_VALID: Result.NOT_YET_VALID,
    LicenceState.VALID: Result.VALID,
    LicenceState.EXPIRING: Result.VALID,
    LicenceState.EXPIRED: Result.EXPIRED,
    LicenceState.SUPERSEDED: Result.SUPERSEDED,
    LicenceState.CANCELLED: Result.CANCELLED,
    LicenceState.REVOKED: Result.REVOKED,
}


@dataclass(frozen=True)
class Outcome:
    result: Result
    certificate: Certificate | None = None
    presenter: dict | None = None
    detail: str = ""
    #: The signature algorithms checked (``EdDSA``, ``SM2-SM3``); empty when none was.
    algorithms: tuple[str, ...] = ()
    #: The logged check's id and time (查验编号), set once the check is logged: what a
    #: clerk files with a case (执照存档) names this check.
    check_id: uuid.UUID | None = None
    checked_at: datetime.datetime | None = None

    def logged(self, check_id: uuid.UUID, checked_at: datetime.datetime) -> "Outcome":
        """This outcome with its check's id and time (built directly: ``dataclasses.replace``
        costs ~3 µs more a check, issue 15)."""
        return Outcome(
            result=self.result, certificate=self.certificate, presenter=self.presenter,
            detail=self.detail, algorithms=self.algorithms, check_id=check_id,
            checked_at=checked_at,
        )  # fmt: skip

    @property
    def ok(self) -> bool:
        return self.result == Result.VALID

    @property
    def message(self) -> str:
        text = self.result.label
        if self.certificate is not None and self.certificate.status_changed_at and not self.ok:
            text += f"（{timezone.localtime(self.certificate.status_changed_at):%Y年%m月%d日}）"
        return f"{text}：{self.detail}" if self.detail else text


def live_result(certificate: Certificate, *, today=None) -> Result:
    """The certificate's status now, as a verification result (``licence_state``)."""
    return STATE_RESULTS[certificate.state_on(today)]


#: The JWS ``alg`` values the issuer signs with, and the key algorithm of each (ADR 0023).
ISSUER_ALGORITHMS = {crypto.ALGORITHM: KeyAlgorithm.ED25519, sm.ALGORITHM: KeyAlgorithm.SM2}
MAX_SIGNATURES = 2


def _issuer_public_key(kid: str, algorithm: KeyAlgorithm, usable: bool):
    """The issuer's public key for ``kid``, held in process memory (``memory.issuer_keys``;
    a ``keys`` message forgets them all, e.g. when a key is distrusted) when the check's
    poll found memory ``usable``. Unknown kids (or a kid of another algorithm) are not held."""
    key = memory.issuer_keys.get((kid, algorithm)) if usable else None
    if key is None:
        text = (
            SigningKey.objects.published(algorithm)
            .filter(kid=kid)
            .values_list("public_key", flat=True)
            .first()
        )
        if text is None:
            return None
        load = sm.load_public_key if algorithm == KeyAlgorithm.SM2 else crypto.load_public_key
        key = load(text)
        if usable:
            memory.issuer_keys.put((kid, algorithm), key)
    return key


def certificate_by_public_id(public_id: str, *, usable: bool | None = None) -> Certificate | None:
    """The certificate (without its face) from process memory when it may be trusted,
    else from PostgreSQL; every service that changes a certificate invalidates it.
    ``usable``: what the token check's own poll found (ADR 0037), else polled here."""
    if usable is None:
        usable = memory.usable()
    certificate = memory.certificates.get(public_id) if usable else None
    if certificate is None:
        certificate = Certificate.objects.filter(public_id=public_id).defer("face").first()
        if certificate is not None and usable:
            memory.certificates.put(public_id, certificate)
    return certificate


def _verify_compact(token: str, usable: bool) -> tuple[str, bytes | None, Outcome | None]:
    """Check one compact JWS by its ``alg``: (alg, payload, None) or (alg, None, failure).

    The token is parsed once, strictly (``crypto.parse_compact``: canonical unpadded
    base64url, no header member the issuer does not write); ``alg`` is pinned to the
    issuer's algorithms and the key is found by ``kid``."""
    try:
        jws = crypto.parse_compact(token)
    except crypto.MalformedToken:
        return "", None, Outcome(Result.MALFORMED)
    alg = jws.alg
    if alg not in ISSUER_ALGORITHMS:
        return "", None, Outcome(Result.BAD_SIGNATURE, detail=f"不接受的签名算法“{alg}”")
    public_key = _issuer_public_key(jws.kid, ISSUER_ALGORITHMS[alg], usable) if jws.kid else None
    if public_key is None:
        return alg, None, Outcome(Result.UNKNOWN_KEY)
    if alg == sm.ALGORITHM:
        try:
            return alg, sm.verify_jws(token, public_key), None
        except sm.BadSignature:
            return alg, None, Outcome(Result.BAD_SIGNATURE)
    if not crypto.verify_parsed(jws, public_key):
        return alg, None, Outcome(Result.BAD_SIGNATURE)
    return alg, jws.payload, None


def _check_claims(
    payload: bytes, algorithms: tuple[str, ...], require_sm2: bool, usable: bool
) -> Outcome:
    try:
        claims = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return Outcome(Result.MALFORMED)
    if not isinstance(claims, dict) or not all(claims.get(name) for name in ("i", "u", "n")):
        return Outcome(Result.MALFORMED)
    if require_sm2 and sm.ALGORITHM not in algorithms:
        return Outcome(
            Result.BAD_SIGNATURE,
            detail="依赖方要求SM2签名，该令牌没有SM2签名",
            algorithms=algorithms,
        )
    certificate = certificate_by_public_id(str(claims["i"]), usable=usable)
    if certificate is None:
        return Outcome(Result.NOT_FOUND, algorithms=algorithms)
    if (certificate.holder_uscc, certificate.number) != (claims["u"], claims["n"]):
        return Outcome(
            Result.BAD_SIGNATURE, certificate=None, detail="内容与登记不符", algorithms=algorithms
        )
    return Outcome(live_result(certificate), certificate=certificate, algorithms=algorithms)


def _check_jws(token: str, require_sm2: bool = False) -> Outcome:
    """A compact JWS: the printed copy's EdDSA token, or the SM2-SM3 one beside it. Its key
    and certificate are looked up as one poll of the invalidation channel found memory
    (ADR 0037)."""
    usable = memory.usable()
    alg, payload, failure = _verify_compact(token, usable)
    if failure is not None:
        return failure
    return _check_claims(payload, (alg,), require_sm2, usable)


def _check_jws_json(text: str, require_sm2: bool) -> Outcome:
    """A JWS in general JSON serialisation (a dual-signed certificate): every signature in
    it must verify, over the one payload."""
    try:
        document = json.loads(text)
        payload = document["payload"]
        entries = document["signatures"]
        tokens = [f"{entry['protected']}.{payload}.{entry['signature']}" for entry in entries]
    except (ValueError, KeyError, TypeError, RecursionError):
        return Outcome(Result.MALFORMED)
    if not isinstance(payload, str) or not 1 <= len(tokens) <= MAX_SIGNATURES:
        return Outcome(Result.MALFORMED)
    algorithms, usable = [], memory.usable()
    for token in tokens:
        if token.count(".") != 2:
            return Outcome(Result.MALFORMED)
        alg, _payload, failure = _verify_compact(token, usable)
        if failure is not None:
            return failure
        algorithms.append(alg)
    if len(set(algorithms)) != len(algorithms):
        return Outcome(Result.MALFORMED, detail="同一算法的签名重复")
    return _check_claims(sm.b64url_decode(payload), tuple(algorithms), require_sm2, usable)


PRESENTATION_RESULTS = {
    "unknown": Result.NOT_FOUND,
    "expired": Result.CODE_EXPIRED,
    "replayed": Result.REPLAYED,
}
DISPLAY_URL = re.compile(r"/v/(?P<public_id>[A-Za-z0-9_-]{8,24})/?$")


AUTHORISATION_RESULTS = {
    "revoked": Result.AUTHORISATION_REVOKED,
    "expired": Result.AUTHORISATION_EXPIRED,
    "not_yet": Result.AUTHORISATION_EXPIRED,
}


def _presenter(presentation) -> dict:
    user, authorisation = presentation.presenter, presentation.authorisation
    presenter = {
        "name": user.full_name or user.get_username(),
        "capacity": user.get_enterprise_capacity_display(),
        "authorisation": None,
    }
    if authorisation is not None:
        presenter["authorisation"] = {
            "id": authorisation.pk,
            "scope": authorisation.scope.path,
            "valid_from_display": f"{timezone.localtime(authorisation.valid_from):%Y-%m-%d %H:%M}",
            "valid_to": timezone.localtime(authorisation.valid_to).isoformat(),
            "valid_to_display": f"{timezone.localtime(authorisation.valid_to):%Y-%m-%d %H:%M}",
        }
    return presenter


def _authorisation_result(presentation, matter: str | None) -> Result | None:
    """Why an agent's presentation fails, or None when its authorisation holds."""
    authorisation = presentation.authorisation
    if authorisation is None:
        return None
    state = authorisation.state_at(timezone.now())
    if state != "active":
        return AUTHORISATION_RESULTS[state]
    if matter and not authorisation.scope.covers(matter):
        return Result.OUT_OF_SCOPE
    return None


def _check_presentation(code: str, verifier_label: str, matter: str | None = None) -> Outcome:
    outcome, presentation = presentations.redeem(code, verifier_label=verifier_label)
    if outcome != "redeemed":
        certificate = (
            presentations.holder_main_certificate(presentation.holder_uscc)
            if presentation
            else None
        )
        return Outcome(PRESENTATION_RESULTS[outcome], certificate=certificate)
    certificate = presentations.holder_main_certificate(presentation.holder_uscc)
    if certificate is None:
        return Outcome(Result.NOT_FOUND)
    refused = _authorisation_result(presentation, matter)
    return Outcome(
        refused or live_result(certificate),
        certificate=certificate,
        presenter=_presenter(presentation),
    )


def own_hosts() -> set[str]:
    """The host names whose display-QR URLs are this portal's (``PUBLIC_BASE_URL`` and aliases)."""
    hosts = {urlsplit(public_base_url()).hostname or ""}
    hosts.update(alias.strip().lower() for alias in settings.PUBLIC_HOST_ALIASES)
    return hosts - {""}


def _check_display_url(text: str, match) -> Outcome:
    """A display-QR URL verifies only on this portal's own host: a copy of the path on another
    host may be a counterfeit page, so it is reported as such (without naming the holder)."""
    bare_path = text.startswith("/") and not text.startswith("//")
    if not bare_path:
        host = urlsplit(text if "://" in text else f"//{text}").hostname or ""
        if host.lower() not in own_hosts():
            return Outcome(Result.FOREIGN_DOMAIN, detail=f"二维码指向“{host or '未知网站'}”")
    certificate = certificate_by_public_id(match["public_id"])
    if certificate is None:
        return Outcome(Result.NOT_FOUND)
    return Outcome(live_result(certificate), certificate=certificate)


def verify_token(
    token,
    *,
    channel: str,
    verifier=None,
    verifier_label: str = "",
    matter: str | None = None,
    relying_party=None,
    require_sm2: bool = False,
) -> Outcome:
    """Verify whatever was scanned or submitted and log the verification.

    Accepts a presentation code (redeemed once), a printed-copy JWS (EdDSA, or SM2-SM3), a
    dual-signed JWS in general JSON serialisation, or the URL of a display QR. ``matter``
    is the matter path the verifier is handling: an agent's authorisation must cover it.
    ``require_sm2`` (or the relying party's setting) refuses a token without an SM2
    signature. Never raises on bad input: anything else is ``malformed``.
    """
    require_sm2 = require_sm2 or (relying_party is not None and relying_party.require_sm2)
    text = (token or "").strip()
    label = verifier_label or (str(verifier) if verifier and verifier.is_authenticated else "公众")
    code = text.upper()
    if not text or len(text.encode("utf-8", "replace")) > crypto.MAX_TOKEN_BYTES:
        outcome = Outcome(Result.MALFORMED)
    elif len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code):
        outcome = _check_presentation(code, label, matter)
    elif text.startswith("{"):
        outcome = _check_jws_json(text, require_sm2)
    elif text.count(".") == 2 and "/" not in text:
        outcome = _check_jws(text, require_sm2)
    elif match := DISPLAY_URL.search(text):
        outcome = _check_display_url(text, match)
    else:
        outcome = Outcome(Result.MALFORMED)
    check_id, checked_at = log_verification(
        outcome,
        channel=channel,
        verifier=verifier,
        verifier_label=label,
        relying_party=relying_party,
    )
    return outcome.logged(check_id, checked_at)


def check_certificate(
    certificate, *, channel, verifier=None, verifier_label="", relying_party=None, today=None
) -> Outcome:
    """Check a certificate reached by its public id or its holder (pages, the API);
    ``today`` (the local date) when the caller has it already."""
    outcome = Outcome(live_result(certificate, today=today), certificate=certificate)
    check_id, checked_at = log_verification(
        outcome,
        channel=channel,
        verifier=verifier,
        verifier_label=verifier_label,
        relying_party=relying_party,
    )
    return outcome.logged(check_id, checked_at)


def log_verification(
    outcome: Outcome, *, channel, verifier=None, verifier_label="", relying_party=None
) -> tuple[uuid.UUID, datetime.datetime]:
    """Log one check; returns its id and time (fixed here, whether inserted or streamed)."""
    if verifier is not None and verifier.is_authenticated:
        label = verifier_label or str(verifier)
    else:
        verifier, label = None, verifier_label or "公众"
    certificate = outcome.certificate
    # The check's id and time are fixed here, at the check (ADR 0024).
    check_id, created_at = verification_log.new_check_id(), timezone.now()
    verification_log.log_check(
        check_id=check_id,
        created_at=created_at,
        channel=VerificationChannel(channel).value,
        result=Result(outcome.result).value,
        certificate_id=certificate.pk if certificate else None,
        holder_uscc=certificate.holder_uscc if certificate else "",
        verifier_id=verifier.pk if verifier is not None else None,
        verifier_label=label[:150],
        relying_party_id=relying_party.pk if relying_party is not None else None,
        client_address=current_client_address.get(),
    )
    return check_id, created_at
