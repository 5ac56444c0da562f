"""Manage the issuer's signing keys (Ed25519, SM2): create, rotate, list, retire, distrust."""

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError

from elicense import services
from elicense.models import KeyAlgorithm, SigningKey


class Command(BaseCommand):
    help = "Create, rotate, list or retire the e-licence signing keys (Ed25519, SM2)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create the first active key")
        create.add_argument(
            "--if-missing", action="store_true", help="do nothing when a key is active"
        )
        rotate = sub.add_parser("rotate", help="retire the active key and create a new one")
        for command in (create, rotate):
            command.add_argument(
                "--algorithm",
                choices=KeyAlgorithm.values,
                default=KeyAlgorithm.ED25519,
                help="ed25519 (default) or sm2 (SM2 with SM3, ADR 0023)",
            )
        sub.add_parser("list", help="list keys")
        retire = sub.add_parser("retire", help="stop signing with a key (it still verifies)")
        retire.add_argument("kid")
        distrust = sub.add_parser(
            "distrust", help="a compromised key: stop verifying its tokens in every worker now"
        )
        distrust.add_argument("kid")
        distrust.add_argument("--reason", required=True)

    def handle(self, *args, action, **options):
        try:
            if action == "create":
                algorithm = options["algorithm"]
                if options["if_missing"] and SigningKey.objects.active(algorithm).exists():
                    return
                key = services.create_signing_key(algorithm=algorithm)
                self.stdout.write(f"created {key.kid} ({key.algorithm})")
            elif action == "rotate":
                key = services.rotate_signing_key(algorithm=options["algorithm"])
                self.stdout.write(f"rotated: {key.kid} now signs")
            elif action == "retire":
                key = services.retire_signing_key(kid=options["kid"])
                self.stdout.write(f"retired {key.kid}")
            elif action == "distrust":
                key = services.distrust_signing_key(kid=options["kid"], reason=options["reason"])
                self.stdout.write(f"distrusted {key.kid}: its tokens no longer verify")
            else:
                for key in SigningKey.objects.order_by("algorithm", "-created_at"):
                    self.stdout.write(
                        f"{key.kid}\t{key.algorithm}\t{key.status}\t{key.created_at:%Y-%m-%d %H:%M}"
                    )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
