"""Certificates signed per second through the service, against raw Ed25519 signing.

Registers demo entities in 徐汇 through the real services (each issues one business-licence
certificate pending signature), then per round signs a fresh batch of BATCH certificates
with ``elicense.services.sign_certificate`` (lock the row, load and decrypt the active key,
sign, save, audit row, queue the PDF task). Over the same claims, in the same run:

- ``Ed25519PrivateKey.sign`` over the same JWS signing inputs (raw);
- ``jwt.encode`` (``crypto.sign``) with the key already loaded;
- ``crypto.load_private_key`` alone: the service decrypts the PEM on every call.

Prints median rates of ROUNDS rounds, the ratios to raw, and decryption's share of the
service's time. The baselines go over the same claims PASSES times a round. Celery tasks
go to the in-memory broker rather than running inline, as they would go to Redis in
production (no PDF is rendered here).

    .venv/bin/python bench/sign_certificates.py      # a throwaway SQLite file under var/
    DATABASE_URL=postgres://... .venv/bin/python bench/sign_certificates.py
"""

import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BATCH = 200
ROUNDS = 3
PASSES = 10  # the baselines run over the same claims PASSES times per round

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

from config.celery import app  # noqa: E402
from elicense import crypto, services  # noqa: E402
from elicense.models import Certificate, CertificateStatus  # noqa: E402
from elicense.services.certificates import token_claims  # noqa: E402
from licensing import services as register  # noqa: E402
from licensing.services.demo import demo_entities  # noqa: E402
from portal.models import District, Role, User  # noqa: E402


def pending_batches():
    """Register BATCH * ROUNDS entities; return their pending certificates in batches."""
    call_command("migrate", verbosity=0)
    call_command("loaddata", "districts", "departments", verbosity=0)
    settings.ELICENSE_KEY_PASSPHRASE = "bench-only-passphrase"  # noqa: S105 - throwaway key
    app.conf.task_always_eager = False  # queue tasks; the bench signs the certificates itself
    clerk = User.objects.create(
        username="bench_clerk",
        role=Role.WINDOW_CLERK,
        district=District.objects.get(code="310104"),
    )
    count = BATCH * ROUNDS
    specs = (spec for spec in demo_entities(16 * count) if spec.district_code == "310104")
    for spec in itertools.islice(specs, count):
        register.register_entity(acting_user=clerk, district=clerk.district, **spec.registration)
    pending = list(Certificate.objects.filter(status=CertificateStatus.PENDING_SIGNATURE))
    return [pending[i : i + BATCH] for i in range(0, count, BATCH)]


def per_second(call, items):
    start = time.perf_counter()
    for item in items:
        call(item)
    return len(items) / (time.perf_counter() - start)


def median_rate(call, items):
    return statistics.median(per_second(call, items * PASSES) for _ in range(ROUNDS))


def main():
    batches = pending_batches()
    key = services.create_signing_key()
    private_key = crypto.load_private_key(key.encrypted_private_key)
    service_rates = []
    for batch in batches:
        service_rates.append(
            per_second(lambda c: services.sign_certificate(certificate_id=c.pk), batch)
        )
    signed = Certificate.objects.filter(pk__in=[c.pk for c in batches[0]])
    assert all(c.status == CertificateStatus.ACTIVE and c.signature for c in signed)
    claims = [token_claims(c) for c in signed]
    tokens = [c.signature for c in signed]
    inputs = [token.rpartition(".")[0].encode("ascii") for token in tokens]
    assert crypto.sign(claims[0], kid=key.kid, private_key=private_key) == tokens[0]
    rates = {
        "raw Ed25519 sign": median_rate(private_key.sign, inputs),
        "jwt.encode (key loaded)": median_rate(
            lambda c: crypto.sign(c, kid=key.kid, private_key=private_key), claims
        ),
        "load_private_key alone": median_rate(
            lambda _: crypto.load_private_key(key.encrypted_private_key), claims
        ),
        "sign_certificate (service)": statistics.median(service_rates),
    }
    base = rates["raw Ed25519 sign"]
    print(f"{BATCH} certificates per round, {ROUNDS} rounds (fresh certificates for the service)")
    print(f"{'path':<27} {'per second':>11} {'µs each':>9} {'/raw':>7}")
    for name, value in rates.items():
        print(f"{name:<27} {value:>11,.0f} {1e6 / value:>9.1f} {value / base:>7.3f}")
    service_us = 1e6 / rates["sign_certificate (service)"]
    decrypt_us = 1e6 / rates["load_private_key alone"]
    encode_us = 1e6 / rates["jwt.encode (key loaded)"]
    print(f"service/raw = {rates['sign_certificate (service)'] / base:.3f}")
    print(f"key decryption is {decrypt_us / service_us:.1%} of the service's time per certificate")
    rest = 1 - (decrypt_us + encode_us) / service_us
    print(f"jwt.encode is {encode_us / service_us:.1%}; the rest ({rest:.1%}) is Django/DB")
    print("service rounds (per second): " + ", ".join(f"{r:,.0f}" for r in service_rates))


if __name__ == "__main__":
    main()
