// The learner's whole path in headless Chromium with JavaScript on: identify, start, answer with
// autosave, submit, result, "Hasil saya". Pages are server-rendered; the islands (identification
// form, quiz form) are proven live by interactions that need the wasm.
// Usage: node learner_journey.mjs BASE_URL SCREENSHOT_DIR   (NETRA_TOOLS points at playwright-core)
import { check, launch } from './common.mjs';

const [base, shots = '/tmp'] = process.argv.slice(2);
const MODULE = 'dasar-netralitas-asn';

const browser = await launch();
const errors = [];
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const hydrated = () => page.waitForSelector('body[data-hydrated="true"]', { timeout: 30000 });

  // A form posted before its island was hydrated comes back with the error in the URL: the
  // server shows it, and the island hydrates over it without a mismatch.
  const err = Buffer.from(JSON.stringify({ Invalid: [{ field: 'nip', message: 'Pesan dari server' }] }))
    .toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  await page.goto(`${base}/modul/${MODULE}/kuis?__path=%2Fapi%2Fidentify&__err=${encodeURIComponent(err)}`);
  await hydrated();
  await page.getByText('Pesan dari server').waitFor();
  check(errors.length === 0, `hydrating over a posted error: ${errors.join(' | ')}`);

  await page.goto(`${base}/modul/${MODULE}/kuis`);
  await hydrated();
  // A marker on window survives only if no full page load happens: the island handles the form.
  await page.evaluate(() => { window.__netraMarker = 'same-document'; });

  // Identification with a mangled NIP shows the message inline, without reloading, and keeps
  // what was typed.
  await page.getByLabel('NIP').fill('1.98609E+17');
  await page.getByLabel('Nama lengkap').fill('Budi Santoso');
  await page.getByLabel('Instansi').fill('Pemerintah Kabupaten Sleman');
  await page.getByLabel('Unit kerja / OPD').fill('BKPSDM');
  await page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
  await page.getByText('format ilmiah').waitFor();
  check(await page.evaluate(() => window.__netraMarker) === 'same-document', 'the mistake reloaded the page');
  check(await page.getByLabel('Nama lengkap').inputValue() === 'Budi Santoso', 'the typed name was lost');
  await page.getByLabel('NIP').fill('19860912 201001 1 003');
  await page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
  await page.getByRole('button', { name: 'Mulai kuis' }).waitFor();

  await page.getByRole('button', { name: 'Mulai kuis' }).click();
  await page.getByText('Soal 1 dari 10').waitFor();
  await hydrated();

  // The countdown ticks (only the wasm does that).
  const t0 = await page.locator('.countdown time').textContent();
  await page.waitForFunction((t) => document.querySelector('.countdown time')?.textContent !== t, t0, { timeout: 5000 });

  // Answer every question; each change is autosaved (only the wasm does that).
  const questions = page.locator('fieldset.question');
  const n = await questions.count();
  check(n === 10, `expected 10 questions, found ${n}`);
  for (let i = 0; i < n; i++) {
    await questions.nth(i).locator('input').first().check();
  }
  await page.getByText('Jawaban tersimpan otomatis.').waitFor();
  await page.getByText('10 dari 10 soal dijawab').waitFor();
  await page.screenshot({ path: `${shots}/netra-quiz.png`, fullPage: false });

  await page.getByRole('button', { name: 'Kumpulkan jawaban' }).click();
  await page.getByRole('heading', { name: 'Hasil kuis' }).waitFor();
  check(page.url().includes(`/modul/${MODULE}/hasil/`), `result URL: ${page.url()}`);
  const score = Number(await page.getByTestId('score').textContent());
  check(score >= 0 && score <= 100, `score ${score}`);
  await page.getByText('Dasar hukum:').first().waitFor();
  await page.screenshot({ path: `${shots}/netra-result.png`, fullPage: false });

  await page.getByRole('navigation', { name: 'Menu utama' }).getByRole('link', { name: 'Hasil saya' }).click();
  await page.getByRole('heading', { name: 'Nilai terbaik per modul' }).waitFor();

  // The violation catalogue filters with a GET form.
  await page.getByRole('navigation', { name: 'Menu utama' }).getByRole('link', { name: 'Pelanggaran' }).click();
  await page.getByRole('heading', { name: 'Katalog pelanggaran netralitas ASN' }).waitFor();
  await page.getByLabel('Kategori').selectOption('pidana');
  await page.getByRole('button', { name: 'Terapkan' }).click();
  await page.getByText('Menjadi pelaksana atau anggota tim kampanye pemilu').waitFor();
  await page.waitForFunction(() => !document.body.textContent.includes('Menjadi anggota atau pengurus partai politik'));
  check(page.url().includes('kategori=pidana'), `filter not in URL: ${page.url()}`);
  // "Cek tindakan" answers the form.
  await page.getByRole('navigation', { name: 'Menu utama' }).getByRole('link', { name: 'Cek tindakan' }).click();
  await page.getByLabel('Tindakan apa?').selectOption('ikut_kampanye');
  await page.getByRole('group', { name: 'Apakah memakai fasilitas negara' }).getByLabel('Ya').check();
  await page.getByRole('button', { name: 'Periksa' }).click();
  await page.getByRole('heading', { name: 'Kemungkinan pelanggaran' }).waitFor();
  await page.getByRole('link', { name: 'Kampanye dengan fasilitas negara' }).waitFor();
  await page.screenshot({ path: `${shots}/netra-cek.png`, fullPage: false });

  await page.getByRole('navigation', { name: 'Menu utama' }).getByRole('link', { name: 'Hasil saya' }).click();
  await page.getByRole('heading', { name: 'Nilai terbaik per modul' }).waitFor();

  // Reload: autosaved identity and result are server-side, so they are still there.
  await page.reload();
  await hydrated();
  await page.getByText(`nilai ${score}`).first().waitFor();

  // The deliberate invalid NIP answers 422, which Chromium logs as a failed resource load.
  const relevant = errors.filter((e) => !e.includes('status of 422'));
  check(relevant.length === 0, `browser errors: ${relevant.join(' | ')}`);
  console.log(`browser journey passed (score ${score})`);
} finally {
  await browser.close();
}
