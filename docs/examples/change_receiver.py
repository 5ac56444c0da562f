"""Keep shop pages current: a platform's receiver of licence changes (docs/api.md).

Verifies each POST with Standard Webhooks, drops duplicates by sequence, and fills gaps
from GET /api/v1/changes, so every change is applied once and in order. Needs only the
standard library and ``pip install standardwebhooks``. Keep ``last_sequence`` in your own
database in production; here it lives in memory.
"""

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


def portal_feed(base_url: str, api_key: str):
    """A function returning one page of the change feed after a sequence."""

    def fetch_page(after: int) -> dict:
        request = urllib.request.Request(  # noqa: S310 - your portal's https address
            f"{base_url}/api/v1/changes?after={after}&limit=500",
            headers={"Authorization": f"Bearer {api_key}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.load(response)

    return fetch_page


class ChangeReceiver:
    """Applies each licence change once, in sequence order."""

    def __init__(self, *, secret: str, fetch_page, apply, last_sequence: int = 0):
        self.webhook = Webhook(secret)
        self.fetch_page = fetch_page  # e.g. portal_feed("https://portal…", key)
        self.apply = apply  # your code: update the shop page of event["uscc"]
        self.last_sequence = last_sequence
        self.lock = threading.Lock()

    def receive(self, body: bytes, headers: dict) -> int:
        """Handle one POST; returns the HTTP status to answer (2xx: accepted)."""
        try:
            message = self.webhook.verify(body, headers)  # signature and timestamp (±5 min)
        except WebhookVerificationError:
            return 400
        event = message["data"]
        with self.lock:
            if event["sequence"] <= self.last_sequence:
                return 204  # a duplicate: already applied
            if event["previous_sequence"] > self.last_sequence:
                self.catch_up(until=event["sequence"])  # a gap: fill it from the feed
            if event["sequence"] > self.last_sequence:
                self._apply(event)
        return 204

    def catch_up(self, until: int | None = None) -> None:
        """Apply what the feed holds after ``last_sequence`` (up to ``until``)."""
        while until is None or self.last_sequence < until:
            page = self.fetch_page(self.last_sequence)
            if not page["events"]:
                return
            for event in page["events"]:
                if until is not None and event["sequence"] > until:
                    return
                self._apply(event)

    def _apply(self, event: dict) -> None:
        self.apply(event)
        self.last_sequence = event["sequence"]


def serve(receiver: ChangeReceiver, host: str = "127.0.0.1", port: int = 8080):
    """An HTTP server that hands every POST to ``receiver`` (run behind your HTTPS proxy)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server hook
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(receiver.receive(body, dict(self.headers)))
            self.end_headers()

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer((host, port), Handler)


if __name__ == "__main__":
    import os

    receiver = ChangeReceiver(
        secret=os.environ["WEBHOOK_SECRET"],
        fetch_page=portal_feed(os.environ["PORTAL_URL"], os.environ["PORTAL_API_KEY"]),
        apply=lambda event: print(json.dumps(event, ensure_ascii=False), flush=True),
    )
    receiver.catch_up()  # what changed while we were not listening
    serve(receiver, port=int(os.environ.get("PORT", "8080"))).serve_forever()
