"""Accessibility checks run in a Playwright page: axe-core (vendored in
tests/browser/vendor/axe-core) and a few of our own that axe no longer makes."""

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent.parent / "browser" / "vendor" / "axe-core" / "axe.min.js"
#: WCAG 2.1 level A and AA, nothing else (best practices and AAA are not asked of the site).
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => [n.target.join(' '), n.failureSummary].join(': '))}));
}"""


@cache
def _source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def serious_violations(page) -> list[str]:
    """The serious and critical WCAG 2.1 AA violations axe finds in ``page``, one line each."""
    # Evaluated through the debugging protocol, which the page's Content-Security-Policy does
    # not govern: the page is checked under its real policy, with no inline <script> added.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    found = page.evaluate(RUN_AXE, WCAG_21_AA)
    return [f"{v['impact']} {v['id']} ({v['help']}): {node}" for v in found for node in v["nodes"]]


#: Labels, names, alt text, one main landmark and one h1, heading order, lang, title and
#: unique ids; returns a list of problems.
A11Y_PROBLEMS = """() => {
  const problems = [];
  const visible = el => el.getClientRects().length > 0;
  const name = el => (el.getAttribute('aria-label') || '').trim()
    || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
         .map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
    const labelled = Array.from(el.labels || []).some(l => l.textContent.trim()) || name(el);
    if (!labelled) problems.push(`form control without a label: ${el.outerHTML.slice(0, 80)}`);
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    if (!(el.textContent.trim() || name(el) || el.querySelector('img[alt]:not([alt=""])')))
      problems.push(`control without a name: ${el.outerHTML.slice(0, 80)}`);
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(`image without alt: ${img.src}`);
  }
  const mains = document.querySelectorAll('main, [role=main]');
  if (mains.length !== 1) problems.push(`${mains.length} main landmarks`);
  const h1s = Array.from(document.querySelectorAll('h1')).filter(visible);
  if (h1s.length !== 1 || !h1s[0].textContent.trim()) problems.push(`${h1s.length} h1 headings`);
  let level = 1;
  for (const h of document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) problems.push(`heading jumps from h${level} to h${next}: ${h.textContent.trim()}`);
    level = next;
  }
  if (!document.documentElement.lang) problems.push('no lang on <html>');
  if (!document.title.trim()) problems.push('no <title>');
  const ids = Array.from(document.querySelectorAll('[id]')).map(el => el.id);
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) problems.push(`duplicate id ${id}`);
  return problems;
}"""
