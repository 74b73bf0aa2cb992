// Light pages in headless Chromium at 360 px and 1280 px: every learner-facing page passes the
// audit (axe-core WCAG 2.1 AA, no horizontal scroll, sized images, no other origin), and with
// JavaScript disabled a lesson can be read and a quiz taken to its result.
// Usage: node light_pages.mjs BASE_URL MODULE LESSON NIP
import { check, launch } from './common.mjs';
import { audit, watchOrigins } from './audit.mjs';

const [base, module, lesson, nip] = process.argv.slice(2);

const browser = await launch();
const foreign = [];
try {
  // JavaScript on: each public page, hydrated, audited.
  const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  watchOrigins(phone, base, foreign);
  const wasm = [];
  phone.on('request', (req) => { if (req.url().endsWith('.wasm')) wasm.push(req.url()); });
  const paths = ['/', `/modul/${module}`, '/identitas', '/pelanggaran', '/cek', '/masuk',
    '/aktivasi', `/modul/${module}/kuis`];
  for (const path of paths) {
    await phone.goto(`${base}${path}`);
    await phone.waitForSelector('body[data-hydrated="true"]', { timeout: 30000 });
    await audit(phone, path);
  }
  // The same pages, the join-by-code page and a lesson at desktop width: axe finds nothing.
  const desk = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  watchOrigins(desk, base, foreign);
  for (const path of [...paths, '/w', '/w?kode=ZZZZZZ', `/modul/${module}/${lesson}`]) {
    await desk.goto(`${base}${path}`, { waitUntil: 'networkidle' });
    await audit(desk, path);
  }
  // A lesson is for reading: a first visit fetches no wasm at all, and its links still work.
  const cold = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  watchOrigins(cold, base, foreign);
  const coldWasm = [];
  cold.on('request', (req) => { if (req.url().endsWith('.wasm')) coldWasm.push(req.url()); });
  await cold.goto(`${base}/modul/${module}/${lesson}`, { waitUntil: 'networkidle' });
  check(await cold.locator('article h2').count() > 0, 'lesson text');
  await audit(cold, 'lesson');
  check(coldWasm.length === 0, `a lesson page fetched wasm: ${coldWasm.join(', ')}`);
  await cold.locator('a[rel="next"]').first().click();
  await cold.waitForLoadState('networkidle');
  check(await cold.locator('article h2').count() > 0, 'the next lesson, reached by its link');
  check(wasm.length > 0, 'the other pages do hydrate with the wasm');

  // JavaScript off: read a lesson, identify, take the quiz, see the result.
  const plain = await (await browser.newContext({
    viewport: { width: 360, height: 740 }, javaScriptEnabled: false,
  })).newPage();
  watchOrigins(plain, base, foreign);
  await plain.goto(`${base}/modul/${module}/${lesson}`);
  check(await plain.locator('article h2').count() > 0, 'lesson text without JavaScript');
  await audit(plain, 'lesson without JavaScript', { axe: false });
  await plain.goto(`${base}/identitas`);
  await plain.getByLabel('NIP').fill(nip);
  await plain.getByLabel('Nama lengkap').fill('Dewi Lestari');
  await plain.getByLabel('Instansi').fill('Pemerintah Kabupaten Sleman');
  await plain.getByLabel('Unit kerja / OPD').fill('BKPSDM');
  await plain.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
  // The identification's answer (and its cookie) must arrive before the next page is asked for;
  // a `goto` right after the click could cancel the post in flight.
  await plain.waitForURL((url) => !url.pathname.startsWith('/identitas'));
  await plain.goto(`${base}/modul/${module}/kuis`);
  await plain.getByRole('button', { name: 'Mulai kuis' }).click();
  await plain.getByRole('button', { name: 'Kumpulkan jawaban' }).waitFor();
  await audit(plain, 'quiz without JavaScript', { axe: false });
  const questions = plain.locator('fieldset.question');
  const count = await questions.count();
  check(count > 0, 'quiz questions without JavaScript');
  for (let i = 0; i < count; i++) {
    await questions.nth(i).locator('input').first().check();
  }
  await plain.getByRole('button', { name: 'Kumpulkan jawaban' }).click();
  await plain.getByRole('heading', { name: 'Hasil kuis' }).waitFor();
  await audit(plain, 'result without JavaScript', { axe: false });

  check(foreign.length === 0, `requests to other origins: ${foreign.join(', ')}`);
  console.log('light pages passed');
} finally {
  await browser.close();
}
