"""Write the 查验记录 from the Redis stream to PostgreSQL, in batches, until stopped."""

import signal

import redis
from django.conf import settings
from django.core.management import BaseCommand, CommandError

from elicense.services.verification_log import Drainer


class Command(BaseCommand):
    help = (
        "Drain the verification-log stream (ADR 0024): one consumer of the group; run one "
        "or more beside the web processes. Entries a dead drainer left are taken over."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", help="consumer name (default: host-pid)")

    def handle(self, *args, **options):
        if not settings.REDIS_URL:
            raise CommandError("REDIS_URL is not set: checks are inserted directly.")
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        drainer = Drainer(redis.Redis.from_url(settings.REDIS_URL), name=options["name"])
        self.stdout.write(f"draining as {drainer.name}")
        drainer.run(stop=lambda: bool(stopping))
