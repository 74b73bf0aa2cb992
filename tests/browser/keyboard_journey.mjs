// A keyboard-only learner in headless Chromium: from the catalogue to the quiz result with Tab,
// Shift+Tab, Enter and Space alone. Every element reached shows a visible focus ring, a refused
// field names its error through aria-describedby, and the countdown has a polite live region.
// Usage: node keyboard_journey.mjs BASE_URL NIP SCREENSHOT_DIR
import { check, launch } from './common.mjs';

const [base, nip, shots = '/tmp'] = process.argv.slice(2);
const MODULE = 'dasar-netralitas-asn';

const browser = await launch();
let page;
try {
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const hydrated = () => page.waitForSelector('body[data-hydrated="true"]', { timeout: 30000 });

  /**
   * Presses Tab until the focused element matches `want` ({ href }, { name } or { button }: a
   * button's text), checking that its focus is visible. (The page's CSP forbids building a
   * predicate from source, so the matcher is data.)
   */
  const tabTo = async (label, want) => {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const found = await page.evaluate((w) => {
        const el = document.activeElement;
        if (!el) return false;
        if (w.href) return el.getAttribute('href') === w.href;
        if (w.name) return el.getAttribute('name') === w.name;
        if (w.button) return el.tagName === 'BUTTON' && el.textContent.includes(w.button);
        return false;
      }, want);
      if (found) {
        const ring = await page.evaluate(() => {
          const s = getComputedStyle(document.activeElement);
          return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
        });
        check(ring, `${label}: focus is not visible`);
        return;
      }
    }
    throw new Error(`${label}: not reached with Tab`);
  };

  await page.goto(`${base}/`);
  await hydrated();
  await tabTo('module link', { href: `/modul/${MODULE}` });
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/modul/${MODULE}`);
  await tabTo('quiz link', { href: `/modul/${MODULE}/kuis` });
  await page.keyboard.press('Enter');
  await page.getByLabel('NIP').waitFor();

  // A wrong NIP: the message is tied to its field.
  await tabTo('NIP field', { name: 'nip' });
  await page.keyboard.type('12345');
  for (const [name, text] of [['name', 'Sri Wahyuni'], ['instansi', 'Pemerintah Kabupaten Sleman'], ['unit_kerja', 'Dinas Sosial']]) {
    await tabTo(`${name} field`, { name });
    await page.keyboard.type(text);
  }
  await page.keyboard.press('Enter');
  await page.waitForSelector('#f-nip[aria-invalid="true"]');
  const described = await page.evaluate(() => {
    const input = document.getElementById('f-nip');
    return (input.getAttribute('aria-describedby') || '').split(' ')
      .map((id) => document.getElementById(id)?.textContent || '').join(' ');
  });
  check(/NIP/.test(described) && /18/.test(described), `the NIP error is not linked to its field: ${described}`);
  await tabTo('NIP field again', { name: 'nip' });
  await page.keyboard.press('Control+A');
  await page.keyboard.type(nip);
  await page.keyboard.press('Enter');

  await page.getByRole('button', { name: 'Mulai kuis' }).waitFor();
  await tabTo('start button', { button: 'Mulai kuis' });
  await page.keyboard.press('Enter');
  await page.getByText('Soal 1 dari 10').waitFor();
  check(await page.locator('[aria-live="polite"]').count() > 0, 'no polite live region for the countdown');

  // Each question: Tab into its radio group, Space to choose.
  const names = await page.$$eval('fieldset.question', (sets) => sets.map((f) => f.querySelector('input').name));
  check(names.length === 10, `expected 10 questions, found ${names.length}`);
  for (const name of names) {
    await tabTo(name, { name });
    await page.keyboard.press('Space');
  }
  await page.getByText('10 dari 10 soal dijawab').waitFor();
  await tabTo('submit button', { button: 'Kumpulkan' });
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Hasil kuis' }).waitFor();
  console.log('keyboard journey passed');
} catch (e) {
  if (page) await page.screenshot({ path: `${shots}/netra-keyboard-gagal.png`, fullPage: true });
  throw e;
} finally {
  await browser.close();
}
