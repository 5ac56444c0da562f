"""Printed-copy tokens verified per second through the service, against raw Ed25519.

Signs the business-licence certificates of 20 demo entities registered through the real
services, then, for a fixed wall-clock budget each (median of 3 rounds), counts:

- ``verify_token(certificate.signature, channel="api")``: header, key lookup, PyJWT
  decode, certificate lookup and one ``Verification`` row written per call (all of it is
  the service);
- the same service calls inside one transaction (a diagnostic, not the service: it
  shows what the per-call commit of the ``Verification`` row costs);
- a bare ``jwt.decode`` with the already-loaded public key (where PyJWT's share goes);
- a raw ``Ed25519PublicKey.verify`` over the same signing input and signature bytes.

Prints each rate and service/raw; the project's goal is a ratio of at least 0.5.

    .venv/bin/python bench/verify_tokens.py          # a throwaway SQLite file under var/
    DATABASE_URL=postgres://... .venv/bin/python bench/verify_tokens.py
"""

import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ENTITIES = 20
SECONDS = 3.0
ROUNDS = 3
GOAL = 0.5

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    tmp = Path(tempfile.mkdtemp(dir=ROOT / "var"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import jwt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from config.celery import app  # noqa: E402
from elicense import crypto, services  # noqa: E402
from elicense.models import Certificate, CertificateStatus, SigningKey, Verification  # noqa: E402
from elicense.verification import verify_token  # noqa: E402
from licensing import services as register  # noqa: E402
from licensing.services.demo import demo_entities  # noqa: E402
from portal.models import District, Role, User  # noqa: E402


def signed_tokens():
    """Register ENTITIES entities in 徐汇 and sign their certificates; return the tokens."""
    call_command("migrate", verbosity=0)
    call_command("loaddata", "districts", "departments", verbosity=0)
    settings.ELICENSE_KEY_PASSPHRASE = "bench-only-passphrase"  # noqa: S105 - throwaway key
    # Queue (into the in-memory broker) rather than run the signing and PDF tasks inline:
    # the certificates stay pending until this script signs them itself.
    app.conf.task_always_eager = False
    services.create_signing_key()
    clerk = User.objects.create(
        username="bench_clerk",
        role=Role.WINDOW_CLERK,
        district=District.objects.get(code="310104"),
    )
    specs = (spec for spec in demo_entities(16 * ENTITIES) if spec.district_code == "310104")
    for spec in itertools.islice(specs, ENTITIES):
        register.register_entity(acting_user=clerk, district=clerk.district, **spec.registration)
    pending = Certificate.objects.filter(status=CertificateStatus.PENDING_SIGNATURE)
    return [services.sign_certificate(certificate_id=c.pk).signature for c in pending]


def rate(call, tokens):
    """Calls per second over SECONDS of wall clock, cycling through the tokens."""
    count, cycle = 0, itertools.cycle(tokens)
    start = time.perf_counter()
    deadline = start + SECONDS
    while time.perf_counter() < deadline:
        for _ in range(50):
            call(next(cycle))
        count += 50
    return count / (time.perf_counter() - start)


def median_rate(call, tokens):
    return statistics.median(rate(call, tokens) for _ in range(ROUNDS))


def main():
    tokens = signed_tokens()
    key = SigningKey.objects.get()
    public_key = crypto.load_public_key(key.public_key)
    raw = []
    for token in tokens:
        signing_input, _, signature = token.rpartition(".")
        raw.append((signing_input.encode("ascii"), crypto.b64url_decode(signature)))
    options = {"require": ["i", "u", "n"], "verify_iat": False}

    def service(token):
        return verify_token(token, channel="api", verifier_label="bench")

    def pyjwt(token):
        return jwt.decode(token, public_key, algorithms=[crypto.ALGORITHM], options=options)

    def ed25519(pair):
        public_key.verify(pair[1], pair[0])

    assert all(service(token).ok for token in tokens)  # correctness, not timing
    before = Verification.objects.count()
    rates = {
        "raw Ed25519 verify": median_rate(ed25519, raw),
        "PyJWT decode": median_rate(pyjwt, tokens),
        "verify_token (service)": median_rate(service, tokens),
    }
    with transaction.atomic():
        rates["verify_token, one transaction"] = median_rate(service, tokens)
    written = Verification.objects.count() - before
    base = rates["raw Ed25519 verify"]
    print(f"{len(tokens)} tokens, {ROUNDS} rounds of {SECONDS:.0f} s each, median rate")
    print(f"{'path':<30} {'per second':>11} {'µs each':>9} {'/raw':>7}")
    for name, value in rates.items():
        print(f"{name:<30} {value:>11,.0f} {1e6 / value:>9.1f} {value / base:>7.3f}")
    ratio = rates["verify_token (service)"] / base
    print(f"service/raw = {ratio:.3f} (goal >= {GOAL}): {'met' if ratio >= GOAL else 'NOT met'}")
    service_us = 1e6 / rates["verify_token (service)"]
    decode_us = 1e6 / rates["PyJWT decode"]
    share = decode_us / service_us
    print(f"PyJWT decode is {share:.0%} of the service's time per call; the rest is Django/DB")
    print(f"Verification rows written during the timed rounds: {written:,}")


if __name__ == "__main__":
    main()
