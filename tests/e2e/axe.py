"""axe-core in a browser context, asked only what the accessibility tests assert on.

The tests fail on a serious or critical violation. axe-core fixes each rule's impact in the
rule itself (a rule's findings all carry its impact), so the rules whose impact is minor or
moderate can never fail them: they are switched off, which leaves the verdict exactly as
before in about a quarter less time a page. Should a rule carry no impact (another axe-core
version), every rule runs. The script is handed to the context once (``add_init_script``)
rather than sent over the wire with every page.
"""

from pathlib import Path

import axe_playwright_python

SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
SERIOUS = ("serious", "critical")

RUN = """async ([serious, context]) => {
  const rules = axe._audit.rules;
  const quiet = rules.every(rule => rule.impact)
    ? rules.filter(rule => !serious.includes(rule.impact)).map(rule => rule.id)
    : [];
  const off = Object.fromEntries(quiet.map(id => [id, {enabled: false}]));
  const results = await axe.run(context || document, {resultTypes: ["violations"], rules: off});
  return results.violations;
}"""


def install(context) -> None:
    """Make axe-core present in every page the browser context opens."""
    context.add_init_script(script=SCRIPT)


def serious_violations(page, context: str | None = None) -> list[dict]:
    """The page's serious and critical axe-core violations (``install`` first)."""
    violations = page.evaluate(RUN, [list(SERIOUS), context])
    return [violation for violation in violations if violation["impact"] in SERIOUS]
