"""axe-core in a browser context, asked only what the accessibility tests assert on.

The tests fail on a serious or critical violation. axe-core fixes each rule's impact in the
rule itself (a rule's findings all carry its impact), so the rules whose impact is minor or
moderate can never fail them: they are switched off, which leaves the verdict exactly as
before at about half the cost. Should a rule carry no impact (another axe-core version),
every rule runs. The script is handed to the context once (``add_init_script``) rather than
sent over the wire with every page, and a run can be started on one page and collected
after another page's has started (``start``, ``collect``), so that two views' renderers
check the same address side by side.
"""

from pathlib import Path

import axe_playwright_python

SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
SERIOUS = ("serious", "critical")

#: Starts axe-core on the page's document and keeps its promise: the page's renderer works
#: on it while the test opens the same address in another view (``collect`` awaits it).
START = """([serious, context]) => {
  const rules = axe._audit.rules;
  const quiet = rules.every(rule => rule.impact)
    ? rules.filter(rule => !serious.includes(rule.impact)).map(rule => rule.id)
    : [];
  const off = Object.fromEntries(quiet.map(id => [id, {enabled: false}]));
  window.__portalAxe = axe
    .run(context || document, {resultTypes: ["violations"], rules: off})
    .then(results => results.violations);
}"""
COLLECT = "() => window.__portalAxe"


def install(context) -> None:
    """Make axe-core present in every page the browser context opens."""
    context.add_init_script(script=SCRIPT)


def start(page, context: str | None = None) -> None:
    """Start axe-core on the page as it stands (``install`` first); ``collect`` the result."""
    page.evaluate(START, [list(SERIOUS), context])


def collect(page) -> list[dict]:
    """The serious and critical violations of the run ``start`` began on the page."""
    violations = page.evaluate(COLLECT)
    return [violation for violation in violations if violation["impact"] in SERIOUS]


def serious_violations(page, context: str | None = None) -> list[dict]:
    """The page's serious and critical axe-core violations (``install`` first)."""
    start(page, context)
    return collect(page)
