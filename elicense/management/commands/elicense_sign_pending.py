"""Send the signing task again for certificates still pending signature."""

from django.core.management import BaseCommand
from django.db import transaction

from elicense.models import Certificate, CertificateStatus
from portal import outbox


class Command(BaseCommand):
    help = (
        "Re-send signing for certificates left pending. The outbox sweep does this by itself; "
        "this is for an operator who will not wait for it."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            ids = list(
                Certificate.objects.filter(status=CertificateStatus.PENDING_SIGNATURE).values_list(
                    "pk", flat=True
                )
            )
            for pk in ids:
                outbox.enqueue("elicense.tasks.sign_certificate", pk)
        self.stdout.write(f"queued {len(ids)} certificates for signing")
