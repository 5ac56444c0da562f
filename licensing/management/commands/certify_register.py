"""Backfill: issue electronic certificates for licence versions that have none."""

from django.core.management import BaseCommand
from django.db import transaction

from licensing.models import BusinessLicence, FoodLicence
from licensing.services import certification

#: How a licence that already ended ends its backfilled certificate.
ENDINGS = {
    "superseded": "supersede",
    "cancelled": "cancel",
    "revoked": "revoke",
    "expired": "expire",
}


class Command(BaseCommand):
    help = "Issue certificates for business and food licences issued before the e-licence."

    def handle(self, *args, **options):
        created = 0
        for model, certify in (
            (BusinessLicence, certification.certify_business_licence),
            (FoodLicence, certification.certify_food_licence),
        ):
            for licence in model.objects.select_related("entity").order_by("pk"):
                if certification.certificate_of(licence) is not None:
                    continue
                with transaction.atomic():
                    certificate = certify(acting_user=None, licence=licence)
                    if licence.status != "active":
                        certification.end_certificate(
                            licence=licence, how=ENDINGS[licence.status], acting_user=None,
                            reason="历史证照补录",
                        )  # fmt: skip
                created += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"certified {certificate}")
        if options["verbosity"]:
            self.stdout.write(f"{created} certificates issued")
