"""Licence status badges on a page, and what ``licence_state`` says of each (issue 12).

A badge is any element with ``data-licence-ref="<kind>:<pk>"``
(``templates/includes/licence_state_badge.html`` and the certificate card); the smoke crawl
and the one-truth state machine both hold every badge they see to the status function.
"""

from html.parser import HTMLParser


class BadgeParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.badges: list[list[str]] = []  # [ref, shown state, text]
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._depth:
            self._depth += 1
        elif attrs.get("data-licence-ref"):
            self.badges.append([attrs["data-licence-ref"], attrs.get("data-licence-state", ""), ""])
            self._depth = 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.badges[-1][2] += data


def licence_badges(html: str) -> list[list[str]]:
    parser = BadgeParser()
    parser.feed(html)
    return parser.badges


def badge_problems(html: str, today=None) -> tuple[int, list[str]]:
    """(badges seen, those that disagree with ``licence_state`` on ``today``)."""
    from elicense.models import Certificate
    from elicense.verification import STATE_RESULTS
    from licensing.models import BusinessLicence, FoodLicence
    from yiyeyizheng.models import CompositeLicence

    models = {
        "certificate": Certificate,
        "business": BusinessLicence,
        "food": FoodLicence,
        "composite": CompositeLicence,
    }
    badges, problems = licence_badges(html), []
    for ref, shown, text in badges:
        kind, _, pk = ref.partition(":")
        state = models[kind].objects.get(pk=pk).state_on(today)
        words = STATE_RESULTS[state].label if kind == "certificate" else state.label
        if shown != state or not " ".join(text.split()).startswith(words):
            problems.append(f"{ref} shows {shown} “{text.strip()}”, licence_state says {state}")
    return len(badges), problems
