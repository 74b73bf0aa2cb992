// Checks shared by the browser journeys. Accessibility is checked by the axe-core engine (WCAG
// 2.1 A and AA) on every audited page; the hand-written checks cover what axe does not: a page
// must fit a 360 px phone without horizontal scrolling, give every image its size (no layout
// shift while it loads), use the system font stack or self-hosted fonts, and fetch nothing from
// another origin (agencies and these machines have no internet).
import { readFileSync } from 'node:fs';

const AXE = readFileSync(`${process.env.NETRA_TOOLS}/node_modules/axe-core/axe.min.js`, 'utf8');
const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Throws with every WCAG 2.1 A/AA violation axe-core finds on the page as it is now. */
export async function axe(page, label) {
  // Evaluated through the DevTools protocol, so the page's Content-Security-Policy allows it.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  }, WCAG21_AA);
  if (violations.length) throw new Error(`${label} at ${page.viewportSize().width}px: ${violations.join('; ')}`);
}

/** Records every request `page` makes to an origin other than `base`'s. */
export function watchOrigins(page, base, foreign) {
  const origin = new URL(base).origin;
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    if (new URL(url).origin !== origin) foreign.push(url);
  });
}

/**
 * Throws with every problem found on the page as it is now: axe-core's, then the others. Pass
 * `{ axe: false }` in a context with JavaScript disabled: axe's timers never run there (the same
 * pages are checked by axe with JavaScript on).
 */
export async function audit(page, label, { axe: withAxe = true } = {}) {
  if (withAxe) await axe(page, label);
  const problems = await page.evaluate(() => {
    const out = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) {
      const wide = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
      out.push(`needs horizontal scrolling: ${doc.scrollWidth}px wide at ${window.innerWidth}px (${wide.join(', ')})`);
    }
    for (const img of document.querySelectorAll('img')) {
      if (!img.getAttribute('width') || !img.getAttribute('height')) {
        out.push(`image without width/height: ${img.getAttribute('src')}`);
      }
    }
    for (const svg of document.querySelectorAll('svg')) {
      if (svg.closest('svg') !== svg) continue;
      if (!svg.getAttribute('viewBox') && !(svg.getAttribute('width') && svg.getAttribute('height'))) {
        out.push('inline svg without viewBox or size');
      }
    }
    for (const sheet of document.styleSheets) {
      let rules = [];
      try { rules = [...sheet.cssRules]; } catch { out.push(`unreadable stylesheet ${sheet.href}`); }
      for (const rule of rules) {
        if (rule instanceof CSSFontFaceRule && /url\(\s*['"]?(https?:)?\/\//.test(rule.style.getPropertyValue('src'))) {
          out.push(`web font from another site: ${rule.style.getPropertyValue('src')}`);
        }
        if (rule instanceof CSSImportRule && /^(https?:)?\/\//.test(rule.href)) {
          out.push(`stylesheet imported from another site: ${rule.href}`);
        }
      }
    }
    for (const el of document.querySelectorAll('script[src], link[href], img[src], iframe[src]')) {
      const url = el.getAttribute('src') || el.getAttribute('href');
      if (/^(https?:)?\/\//.test(url) && new URL(url, location.href).origin !== location.origin) {
        out.push(`${el.tagName.toLowerCase()} from another site: ${url}`);
      }
    }
    if (!document.querySelector('meta[name="viewport"]')) out.push('no viewport meta');
    // axe checks that a language is set; the right one is ours to check.
    if (document.documentElement.lang !== 'id') out.push('html lang is not id');
    return out;
  });
  if (problems.length) throw new Error(`${label}: ${problems.join('; ')}`);
}

/**
 * Throws when content is cut off: the page scrolls sideways, or something sticks out of `main`
 * without being inside a `.table-wrap` that scrolls it. With `tablesFit`, every table must also
 * be fully visible without scrolling its box (desktop widths).
 */
export async function noClipping(page, label, { tablesFit = false } = {}) {
  const problems = await page.evaluate((tablesFit) => {
    const out = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) out.push(`page is ${doc.scrollWidth}px wide at ${window.innerWidth}px`);
    const main = document.querySelector('main').getBoundingClientRect();
    for (const el of document.querySelectorAll('main *')) {
      if (el.closest('.table-wrap')) continue;
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > main.right + 1) {
        out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} sticks out of main`);
        break;
      }
    }
    for (const wrap of document.querySelectorAll('main .table-wrap')) {
      const style = getComputedStyle(wrap);
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        if (!['auto', 'scroll'].includes(style.overflowX)) out.push('a table is cut off without scrolling');
        if (tablesFit) out.push(`a table needs ${wrap.scrollWidth}px in a ${wrap.clientWidth}px box`);
      }
    }
    return out;
  }, tablesFit);
  if (problems.length) throw new Error(`${label} at ${page.viewportSize().width}px: ${problems.join('; ')}`);
}
