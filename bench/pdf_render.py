"""Milliseconds per certificate PDF (median), against a one-line WeasyPrint PDF baseline.

Renders the real certificate template (face data, Noto CJK fonts, token QR) for a
business and a food licence certificate, and a bare ``<p>营业执照</p>`` document with the
same fonts, in the same run; prints medians and the ratio.

    .venv/bin/python bench/pdf_render.py
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 15
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    tmp = Path(tempfile.mkdtemp(dir=ROOT / "var"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ELICENSE_KEY_PASSPHRASE", "bench-only-passphrase")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from weasyprint import HTML  # noqa: E402

from elicense import services  # noqa: E402
from elicense.models import Certificate  # noqa: E402
from elicense.pdf import FONT_STACK, font_configuration, render_pdf  # noqa: E402
from elicense.services.documents import public_url  # noqa: E402
from licensing import services as register  # noqa: E402
from licensing.services.demo import demo_entities  # noqa: E402
from portal.models import District, Role, User  # noqa: E402

BASELINE = (
    '<html lang="zh-CN"><body style="font-family: \'Noto Sans CJK SC\'">'
    "<p>营业执照</p></body></html>"
)


def median_ms(render):
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        data = render()
        samples.append((time.perf_counter() - start) * 1000)
        assert data.startswith(b"%PDF")
    return statistics.median(samples)


def certificates():
    call_command("migrate", verbosity=0)
    call_command("loaddata", "districts", "departments", "matters", verbosity=0)
    services.create_signing_key()
    clerk = User.objects.create(
        username="bench_clerk",
        role=Role.WINDOW_CLERK,
        district=District.objects.get(code="310104"),
    )
    for spec in demo_entities(16):
        if spec.food is None or spec.district_code != "310104":
            continue
        data = {**spec.registration}
        entity = register.register_entity(acting_user=clerk, district=clerk.district, **data)
        register.issue_food_licence(acting_user=clerk, entity=entity, **spec.food)
        break
    for pending in Certificate.objects.filter(status="pending_signature"):
        services.sign_certificate(certificate_id=pending.pk)
    return list(Certificate.objects.order_by("kind"))


def main():
    signed = certificates()
    baseline = median_ms(lambda: HTML(string=BASELINE).write_pdf())
    print(f"baseline one-line PDF: {baseline:8.1f} ms (median of {ROUNDS})")
    config, sheets = font_configuration()
    cut = BASELINE.replace("'Noto Sans CJK SC'", FONT_STACK.replace('"', "'"))
    same_font = median_ms(
        lambda: HTML(string=cut).write_pdf(stylesheets=sheets, font_config=config)
    )
    print(f"the same, in the cut font the certificates use: {same_font:8.1f} ms")
    for certificate in signed:
        url = public_url(certificate)
        ms = median_ms(lambda c=certificate, u=url: render_pdf(c, public_url=u))
        print(
            f"{certificate.get_kind_display():<8} PDF:  {ms:8.1f} ms   ratio {ms / baseline:5.2f}"
            f"   (÷ cut-font baseline {ms / same_font:5.2f})"
        )


if __name__ == "__main__":
    main()
