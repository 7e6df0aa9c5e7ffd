import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA: what a school's accessibility statement promises. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The impacts that block a release: a pupil's record a mentor cannot read or operate. */
const BLOCKING = new Set(['serious', 'critical']);

/**
 * Runs axe on the page as it is now and returns its serious and critical violations, one readable
 * line per rule: rule id, impact, the elements (CSS selectors) and what to do about it.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return results.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => {
      const targets = v.nodes.map(
        (n) => `      ${n.target.join(' ')}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`,
      );
      return `${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${targets.join('\n')}`;
    });
}
