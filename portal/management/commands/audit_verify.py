"""Walk the audit chain and name the first event that was changed, removed or inserted."""

from django.core.management import BaseCommand, CommandError

from portal import audit_chain


def anchor(text: str) -> audit_chain.Anchor:
    seq, _, value = text.partition(":")
    if not seq.isdigit() or len(value) != 64:
        raise CommandError(
            "锚点格式应为 序号:链值（64位十六进制），取自日志中的 audit chain anchor。"
        )
    return audit_chain.Anchor(int(seq), value)


class Command(BaseCommand):
    help = "Verify the HMAC-SM3 audit chain; --seal first chains the events not yet sealed."

    def add_arguments(self, parser):
        parser.add_argument("--seal", action="store_true", help="seal pending events first")
        parser.add_argument(
            "--anchor", type=anchor, help="SEQ:VALUE from the log; the chain must still hold it"
        )

    def handle(self, *args, seal, anchor, **options):
        if seal:
            self.stdout.write(f"sealed {audit_chain.seal()} events")
        report = audit_chain.verify(anchor=anchor)
        if not report.ok:
            raise CommandError(f"审计链断开：{report.problem}（此前 {report.checked} 条完好）")
        self.stdout.write(
            f"audit chain intact: {report.checked} events, head {report.head}, "
            f"{report.unsealed} not yet sealed"
        )
