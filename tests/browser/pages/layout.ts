import type { Page } from '@playwright/test';

/**
 * Every control a finger can reach that is smaller than `min` px in height or width: buttons,
 * links, inputs, selects, summaries. A checkbox or radio counts by the label around it, which is
 * what the finger actually hits.
 */
export function smallTouchTargets(page: Page, min = 44): Promise<string[]> {
  return page.evaluate((min) => {
    const offenders: string[] = [];
    const hidden = (el: Element) => el.closest('.visually-hidden, .skip') !== null;
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
      if (hidden(el)) continue;
      const target = (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) || el;
      const box = target.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.height < min || box.width < min) {
        offenders.push(
          `${target.tagName.toLowerCase()} “${(target.textContent || (target as HTMLInputElement).name || '').trim().slice(0, 40)}” ${Math.round(box.width)}×${Math.round(box.height)}`,
        );
      }
    }
    return offenders;
  }, min);
}

/** Whether the page scrolls sideways (it never should on a tablet). */
export function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}
