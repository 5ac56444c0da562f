"""The cost of SM2 beside Ed25519: signing, dual signing and verifying a certificate token.

Over the claims of a typical certificate, in one run, per second (median of ROUNDS rounds of
COUNT operations each):

- raw Ed25519 sign and verify (``cryptography``) against raw SM2-with-SM3 sign and verify
  (``tongsuopy``, Z value with the default identity, DER);
- the printed-copy token as today (``crypto.sign``, PyJWT EdDSA) against dual signing
  (the same token plus ``sm.sign_jws`` over its payload segment, ADR 0023);
- verifying the EdDSA token (PyJWT) against verifying the SM2 token (``sm.verify_jws``) and
  both;
- opening a stored SM2 private key: PBKDF2-HMAC-SM3 (100,000 iterations) and SM4-GCM, once
  uncached and once with the derived key cached (as the signing task sees it).

No database: this is the cryptography alone; ``sign_certificates.py`` measures the service.

    .venv/bin/python bench/sm2_signatures.py
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jwt  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from elicense import sm  # noqa: E402

COUNT = 2000
ROUNDS = 5
PASSPHRASE = b"bench-only-passphrase"
CLAIMS = {
    "v": 1,
    "i": "q3X0bH7kP2mWc9Zt",
    "k": "bl",
    "n": "310104000123456",
    "u": "91310104MA1FL0000X",
    "h": "上海春申餐饮管理有限公司",
    "f": "2026-01-01",
    "e": None,
    "iat": 1796000000,
}
HEADER = {"kid": "20261202-a1b2", "typ": "elicense+jws"}


def rate(call, count=COUNT) -> float:
    def once():
        start = time.perf_counter()
        for _ in range(count):
            call()
        return count / (time.perf_counter() - start)

    return statistics.median(once() for _ in range(ROUNDS))


def main():
    ed_key = Ed25519PrivateKey.generate()
    ed_public = ed_key.public_key()
    sm_public_text, sealed = sm.generate_key_pair(PASSPHRASE)
    sm_key = sm.load_private_key(sealed, PASSPHRASE)
    sm_public = sm.load_public_key(sm_public_text)

    def ed_token():
        return jwt.encode(CLAIMS, ed_key, algorithm="EdDSA", headers=HEADER)

    def dual():
        token = ed_token()
        return token, sm.sign_jws(token.split(".")[1], header=HEADER, private_key=sm_key)

    token, sm_token = dual()
    signing_input = token.rpartition(".")[0].encode()
    ed_sig, sm_sig = ed_key.sign(signing_input), sm.sign_bytes(signing_input, sm_key)

    def verify_ed():
        return jwt.api_jws.decode(token, ed_public, algorithms=["EdDSA"])

    def verify_both():
        verify_ed()
        sm.verify_jws(sm_token, sm_public)

    def open_uncached():
        sm._key_encryption_key.cache_clear()
        sm.load_private_key(sealed, PASSPHRASE)

    rows = [
        ("raw Ed25519 sign", rate(lambda: ed_key.sign(signing_input))),
        ("raw SM2 sign", rate(lambda: sm.sign_bytes(signing_input, sm_key))),
        ("raw Ed25519 verify", rate(lambda: ed_public.verify(ed_sig, signing_input))),
        ("raw SM2 verify", rate(lambda: sm.verify_bytes(sm_sig, signing_input, sm_public))),
        ("token EdDSA (today)", rate(ed_token)),
        ("token EdDSA + SM2 (dual)", rate(dual)),
        ("verify EdDSA token", rate(verify_ed)),
        ("verify SM2 token", rate(lambda: sm.verify_jws(sm_token, sm_public))),
        ("verify both", rate(verify_both)),
        ("open SM2 key, KDF cached", rate(lambda: sm.load_private_key(sealed, PASSPHRASE))),
        ("open SM2 key, uncached", rate(open_uncached, count=5)),
    ]
    figures = dict(rows)
    print(f"{COUNT} operations per round, median of {ROUNDS} rounds")
    print(f"{'operation':<27} {'per second':>11} {'µs each':>10}")
    for name, value in rows:
        print(f"{name:<27} {value:>11,.0f} {1e6 / value:>10.1f}")
    for label, fast, slow in (
        ("SM2/Ed25519 sign", "raw Ed25519 sign", "raw SM2 sign"),
        ("SM2/Ed25519 verify", "raw Ed25519 verify", "raw SM2 verify"),
    ):
        print(f"{label:<18} = {figures[fast] / figures[slow]:.2f}x time")
    dual_ratio = figures["token EdDSA (today)"] / figures["token EdDSA + SM2 (dual)"]
    print(f"dual/EdDSA token   = {dual_ratio:.2f}x time")
    both_ratio = figures["verify EdDSA token"] / figures["verify both"]
    print(f"verify both/EdDSA  = {both_ratio:.2f}x time")


if __name__ == "__main__":
    main()
