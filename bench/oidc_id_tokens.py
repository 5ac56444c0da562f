"""ID tokens for connected systems (ADR 0025) signed per second, by algorithm, against a raw
Ed25519 signature over the same bytes.

For each of EdDSA (Ed25519), RS256 (RSA-2048) and ES256 (P-256), for a fixed wall-clock
budget each (median of 3 rounds), counts:

- ``sign_id_token`` (the service path of every ID token): key lookup, the private key
  (opened once per process and kept), jwcrypto signing;
- the same with the opened-key cache cleared before each call (what every token would cost
  if the encrypted key were opened each time);
- jwcrypto signing with the key already open;

and a raw ``Ed25519PrivateKey.sign`` of a token-sized input as the baseline. Prints each
rate and its ratio to the baseline. No timing is asserted.

    .venv/bin/python bench/oidc_id_tokens.py          # a throwaway SQLite file under var/
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

SECONDS = 2.0
ROUNDS = 3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    tmp = Path(tempfile.mkdtemp(dir=ROOT / "var"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from jwcrypto import jwk, jwt  # noqa: E402

from elicense import crypto, services  # noqa: E402
from elicense.models import SigningKey  # noqa: E402
from elicense.services.oidc import KEY_FOR_ALGORITHM, _opened_key, sign_id_token  # noqa: E402

CLAIMS = {
    "iss": "https://portal.example.gov.cn",
    "sub": "x" * 43,
    "aud": "c" * 40,
    "exp": 1_900_000_000,
    "iat": 1_899_999_400,
    "nonce": "n" * 22,
    "at_hash": "a" * 43,
    "entity_uscc": "91310104MA1FL0XX1X",
    "entity_name": "上海某某商贸有限公司",
    "role": "经办人",
    "authorisation": {"id": 1, "scope": "电子政务/市场监管", "valid_to": 1_900_000_000},
}


def rate(call):
    count, start = 0, time.perf_counter()
    while time.perf_counter() < start + SECONDS:
        for _ in range(10):
            call()
        count += 10
    return count / (time.perf_counter() - start)


def median_rate(call):
    return statistics.median(rate(call) for _ in range(ROUNDS))


def main():
    call_command("migrate", verbosity=0)
    settings.ELICENSE_KEY_PASSPHRASE = "bench-only-passphrase"  # noqa: S105 - throwaway keys
    for algorithm in ("ed25519", "rsa", "p256"):
        if not SigningKey.objects.active(algorithm).exists():
            services.create_signing_key(algorithm=algorithm)
    ed25519 = SigningKey.objects.active("ed25519").get()
    raw_key = crypto.load_private_key(ed25519.encrypted_private_key)
    payload = json.dumps(CLAIMS).encode()  # about the size of a token's signing input
    base = median_rate(lambda: raw_key.sign(payload))
    print(f"{ROUNDS} rounds of {SECONDS:.0f} s each, median rate; baseline raw Ed25519 sign")
    print(f"{'path':<38} {'per second':>11} {'µs each':>9} {'/raw':>7}")
    print(f"{'raw Ed25519 sign':<38} {base:>11,.0f} {1e6 / base:>9.1f} {1:>7.3f}")
    for algorithm, key_algorithm in KEY_FOR_ALGORITHM.items():
        key = SigningKey.objects.active(key_algorithm).get()
        opened = jwk.JWK.from_pyca(
            crypto.load_any_private_key(key.algorithm, key.encrypted_private_key)
        )
        header = json.dumps({"typ": "JWT", "alg": algorithm.value, "kid": key.kid})

        def sign_open(header=header, opened=opened):
            token = jwt.JWT(header=header, claims=json.dumps(CLAIMS))
            token.make_signed_token(opened)
            return token.serialize()

        def service(algorithm=algorithm):
            return sign_id_token(CLAIMS, algorithm=algorithm)

        def reopening(algorithm=algorithm):
            _opened_key.cache_clear()
            return sign_id_token(CLAIMS, algorithm=algorithm)

        paths = [
            (f"{algorithm.value} jwcrypto, key open", sign_open),
            (f"{algorithm.value} sign_id_token (service)", service),
            (f"{algorithm.value} opening the key each time", reopening),
        ]
        for name, call in paths:
            value = median_rate(call)
            print(f"{name:<38} {value:>11,.0f} {1e6 / value:>9.1f} {value / base:>7.3f}")


if __name__ == "__main__":
    main()
