"""Set-up and the protocol steps of a connected system signing an enterprise user in
(ADR 0025), shared by the OIDC tests and the browser test."""

import base64
import datetime
import hashlib
import secrets
import warnings
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import KeySet

from elicense.models import Matter
from elicense.models.relying_parties import Need
from elicense.services import create_oidc_client
from elicense.services.authorisations import grant_authorisation
from elicense.services.relying_parties import (
    accept_access_application,
    apply_for_access,
    sign_off_guidance,
    sign_off_operations,
)
from portal.models import Role
from tests.factories import UserFactory

SCOPE = "openid profile entity authorisation"
MATTER = "电子政务/市场监管/动产抵押"
#: A minimal PDF for 附件1's 加盖单位公章扫描件.
STAMPED_SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def administrator():
    return UserFactory(username="oidc_admin", role=Role.ADMINISTRATOR)


def login_party(admin, *, endpoint="127.0.0.1:8765", name="动产抵押登记系统", needs=None):
    party = apply_for_access(
        acting_user=None,
        org_name=f"{name}运营中心",
        org_nature="government",
        uscc="",
        address="上海市",
        contact_name="王接入",
        contact_position="信息科",
        contact_phone="021-12345678",
        contact_email="rp@example.invalid",
        system_name=name,
        system_endpoint=endpoint,
        business_summary="动产抵押登记",
        needs=needs or [Need.LOGIN],
        verification_range="province",
        channels=["pc"],
        yearly_volume_10k=Decimal("0.1"),
        peak_qps=5,
        matter_tree="（电子政务）-（市场监管）-（动产抵押）",
        committed=True,
        applicant_signatory="王接入",
        sealing_unit=f"{name}运营中心",
        stamped_scan=SimpleUploadedFile("附件1盖章.pdf", STAMPED_SCAN, "application/pdf"),
    )
    guidance = UserFactory(username=f"oidc_guidance_{party.pk}", role=Role.CITY_OFFICER)
    accept_access_application(acting_user=guidance, party=party)
    sign_off_guidance(acting_user=guidance, party=party)
    party, _key = sign_off_operations(acting_user=admin, party=party)
    return party


def login_client(admin, party, *, redirect_uri=None, algorithm="EdDSA"):
    host = party.system_endpoint
    return create_oidc_client(
        acting_user=admin,
        party=party,
        redirect_uris=redirect_uri or f"http://{host}/callback",
        post_logout_redirect_uris=f"http://{host}/signed-out",
        matter=Matter.objects.get(path=MATTER),
        algorithm=algorithm,
    )


def authorise(owner, agent, scope="电子政务/市场监管", days=30):
    now = timezone.now()
    return grant_authorisation(
        acting_user=owner,
        agent=agent,
        scope=Matter.objects.get(path=scope),
        valid_from=now,
        valid_to=now + datetime.timedelta(days=days),
    )


class Request:
    """One authorization request of the system: state, nonce and PKCE verifier."""

    def __init__(self, client, *, scope=SCOPE, redirect_uri=None, pkce=True, **extra):
        self.client = client
        self.redirect_uri = redirect_uri or client.application.redirect_uris.split()[0]
        self.state = generate_token(16)
        self.nonce = generate_token(16)
        self.verifier = secrets.token_urlsafe(48)
        params = {
            "response_type": "code",
            "client_id": client.application.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": scope,
            "state": self.state,
            "nonce": self.nonce,
        }
        if pkce:
            params |= {
                "code_challenge": create_s256_code_challenge(self.verifier),
                "code_challenge_method": "S256",
            }
        self.url = "/oidc/authorize/?" + urlencode(params | extra)


def redirect_params(response) -> dict:
    location = response["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def sign_in(browser, request: Request, *, consent=True) -> dict:
    """The user's browser through the authorization endpoint: the redirect's parameters."""
    response = browser.get(request.url)
    if response.status_code == 200 and consent:
        form = response.context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        response = browser.post("/oidc/authorize/", data | {"allow": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return redirect_params(response)


def exchange(server, request: Request, code, *, secret, **overrides) -> tuple[int, dict]:
    """The system's back channel: code (and verifier) for tokens."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": request.redirect_uri,
        "code_verifier": request.verifier,
        "client_id": request.client.application.client_id,
        "client_secret": secret,
    } | overrides
    data = {k: v for k, v in data.items() if v is not None}
    response = server.post("/oidc/token/", data)
    return response.status_code, response.json()


def refresh(server, client, refresh_token, *, secret) -> tuple[int, dict]:
    response = server.post(
        "/oidc/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client.application.client_id,
            "client_secret": secret,
        },
    )
    return response.status_code, response.json()


#: at_hash by the signature's hash (OIDC Core 3.1.3.6; SHA-512 for Ed25519), as in the
#: minimal client of docs/oidc.md.
AT_HASH = {"EdDSA": hashlib.sha512, "RS256": hashlib.sha256, "ES256": hashlib.sha256}


def _at_hash(access_token: str, alg: str) -> str:
    digest = AT_HASH[alg](access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


def verify_id_token(id_token, *, jwks, issuer, client_id, nonce, access_token=None) -> dict:
    """What a relying party checks, with joserfc (Authlib's recommended replacement for
    ``authlib.jose``): signature by kid, iss, aud, exp, iat, nonce, at_hash."""
    with warnings.catch_warnings():  # the portal's "EdDSA" is RFC 9864's "Ed25519"
        warnings.filterwarnings("ignore", "EdDSA is deprecated", SecurityWarning)
        token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=list(AT_HASH))
    jwt.JWTClaimsRegistry(
        leeway=30,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    ).validate(token.claims)
    if access_token is not None and token.claims.get("at_hash") != _at_hash(
        access_token, token.header["alg"]
    ):
        raise ValueError("at_hash does not match the access token")
    return dict(token.claims)
