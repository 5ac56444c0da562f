"""Create an approved relying party and print its API key (operators, tests)."""

from django.core.management import BaseCommand

from elicense.services.relying_parties import create_relying_party


class Command(BaseCommand):
    help = "Create an approved relying party with an API key (printed once)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--peak-qps", type=int, default=10)

    def handle(self, *args, name, peak_qps, **options):
        party, key = create_relying_party(name=name, peak_qps=peak_qps)
        self.stderr.write(f"relying party #{party.pk} {party.org_name} (peak {peak_qps}/s)")
        self.stdout.write(key)
