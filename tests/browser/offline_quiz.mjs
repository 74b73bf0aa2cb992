// A quiz on a connection that drops, in headless Chromium at 360 px: answers chosen offline are
// kept in the browser and saved when the connection returns; a submit made offline says so in
// plain words and is sent, once, when the browser is back online.
// Usage: node offline_quiz.mjs BASE_URL NIP SCREENSHOT_DIR
// Prints the chosen option per question as JSON, then "offline quiz passed".
import { check, launch } from './common.mjs';

const [base, nip, shots = '/tmp'] = process.argv.slice(2);
const MODULE = 'dasar-netralitas-asn';

const browser = await launch();
const errors = [];
let page;
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  const hydrated = () => page.waitForSelector('body[data-hydrated="true"]', { timeout: 30000 });
  const pending = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('netra-jawaban-')).length);

  await page.goto(`${base}/modul/${MODULE}/kuis`);
  await hydrated();
  await page.getByLabel('NIP').fill(nip);
  await page.getByLabel('Nama lengkap').fill('Dewi Lestari');
  await page.getByLabel('Instansi').fill('Pemerintah Kabupaten Sleman');
  await page.getByLabel('Unit kerja / OPD').fill('Dinas Sosial');
  await page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
  await page.getByRole('button', { name: 'Mulai kuis' }).click();
  await page.getByText('Soal 1 dari 10').waitFor();

  const questions = page.locator('fieldset.question');
  const n = await questions.count();
  check(n === 10, `expected 10 questions, found ${n}`);
  for (let i = 0; i < 5; i++) await questions.nth(i).locator('input').first().check();
  await page.getByText('Jawaban tersimpan otomatis.').waitFor();

  // The connection drops: the other half is chosen offline and kept in the browser.
  await context.setOffline(true);
  for (let i = 5; i < n; i++) await questions.nth(i).locator('input').last().check();
  await page.getByText('Koneksi terputus. Pilihan jawaban disimpan di perangkat ini').waitFor();
  check(await pending() === 1, 'the unsaved answers are kept in localStorage');
  await page.screenshot({ path: `${shots}/netra-kuis-offline.png`, fullPage: false });

  // Back online: the queue goes out by itself and the browser's copy is dropped.
  await context.setOffline(false);
  await page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith('netra-jawaban-')), null, { timeout: 15000 });
  await page.getByText('Jawaban tersimpan otomatis.').waitFor();

  // A reload shows every answer as the server stored it.
  await page.reload();
  await hydrated();
  const chosen = {};
  for (let i = 0; i < n; i++) {
    const input = questions.nth(i).locator('input:checked');
    check(await input.count() === 1, `question ${i + 1} lost its answer after the reload`);
    const name = await input.getAttribute('name');
    chosen[name.slice('answers['.length, name.indexOf(']'))] = await input.getAttribute('value');
  }

  // Submitting offline: told in plain words, then sent once the connection is back.
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Kumpulkan jawaban' }).click();
  await page.getByText('Koneksi terputus saat mengumpulkan').waitFor();
  await context.setOffline(false);
  await page.getByRole('heading', { name: 'Hasil kuis' }).waitFor({ timeout: 20000 });
  check(errors.length === 0, `browser errors: ${errors.join('; ')}`);
  console.log(JSON.stringify(chosen));
  console.log('offline quiz passed');
} catch (e) {
  if (page) await page.screenshot({ path: `${shots}/netra-kuis-offline-gagal.png`, fullPage: true });
  throw e;
} finally {
  await browser.close();
}
