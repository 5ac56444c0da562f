"""Queue the signing task again for certificates still pending signature."""

from django.core.management import BaseCommand

from elicense.models import Certificate, CertificateStatus
from elicense.tasks import sign_certificate


class Command(BaseCommand):
    help = "Re-queue signing for certificates left pending (e.g. after a broker outage)."

    def handle(self, *args, **options):
        ids = list(
            Certificate.objects.filter(status=CertificateStatus.PENDING_SIGNATURE).values_list(
                "pk", flat=True
            )
        )
        for pk in ids:
            sign_certificate.delay(pk)
        self.stdout.write(f"queued {len(ids)} certificates for signing")
