"""Cut the PDF fonts ahead of the first render (the image build runs this)."""

from django.core.management import BaseCommand

from elicense.pdf import cut_fonts


class Command(BaseCommand):
    help = "Make the cut PDF fonts (Noto Sans CJK SC to GB 2312 + punctuation) under VAR_DIR."

    def handle(self, *args, **options):
        for weight, path in cut_fonts().items():
            self.stdout.write(f"{weight}: {path}")
