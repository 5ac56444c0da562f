"""The SM2 issuer keys, published beside the Ed25519 JWKS (ADR 0023)."""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control

from elicense import sm
from elicense.models import KeyAlgorithm, SigningKey


@cache_control(public=True, max_age=300)
def sm2_jwks(request):
    """The issuer's SM2 public keys (active and retired) as a JWK Set (``kty`` EC,
    ``crv`` SM2, ``alg`` SM2-SM3); kept apart so that Ed25519-only clients of
    ``elicense-keys.json`` never meet a curve they do not know."""
    keys = [
        sm.jwk(key.kid, key.public_key) for key in SigningKey.objects.published(KeyAlgorithm.SM2)
    ]
    return JsonResponse({"keys": keys})
