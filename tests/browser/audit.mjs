// Lighthouse-style checks shared by the browser journeys: a page must fit a 360 px phone without
// horizontal scrolling, give every image its size (no layout shift while it loads), use the
// system font stack or self-hosted fonts, and fetch nothing from another origin (agencies and
// these machines have no internet).

/** Records every request `page` makes to an origin other than `base`'s. */
export function watchOrigins(page, base, foreign) {
  const origin = new URL(base).origin;
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    if (new URL(url).origin !== origin) foreign.push(url);
  });
}

/** Throws with every problem found on the page as it is now. */
export async function audit(page, label) {
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
      if (!img.hasAttribute('alt')) out.push(`image without alt: ${img.getAttribute('src')}`);
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
    if (document.documentElement.lang !== 'id') out.push('html lang is not id');
    for (const input of document.querySelectorAll('input:not([type=hidden]):not([type=submit]), select, textarea')) {
      const labelled = (input.labels && input.labels.length > 0) || input.getAttribute('aria-label')
        || input.getAttribute('aria-labelledby') || input.closest('label');
      if (!labelled) out.push(`form field without a label: ${input.name || input.id}`);
    }
    return out;
  });
  if (problems.length) throw new Error(`${label}: ${problems.join('; ')}`);
}
