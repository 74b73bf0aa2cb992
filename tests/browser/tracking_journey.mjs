// BKPSDM tracking in headless Chromium with JavaScript on: the operator imports a roster file
// (preview, then confirm), assigns a module to an OPD, a learner on a phone completes it by
// typing her NIP on the self-declared form; the claim stays off her record until the operator
// confirms it with a reason, then shows as "Diisi sendiri" (not counted under the default
// policy) until the agency accepts self-declared passes; then the dashboard, the unit drill-down
// and the status export show the pass.
// Usage: node tracking_journey.mjs BASE_URL OPERATOR_LOGIN PASSWORD ROSTER_CSV NIP SCREENSHOT_DIR
import { check, launch } from './common.mjs';
import { audit, axe, noClipping } from './audit.mjs';
import { readFileSync } from 'node:fs';

const [base, login, password, rosterFile, nip, shots = '/tmp'] = process.argv.slice(2);

const browser = await launch();
const errors = [];
let op;
try {
  const opContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  op = await opContext.newPage();
  op.on('pageerror', (e) => errors.push(`operator: ${e}`));
  const hydrated = (page) => page.waitForSelector('body[data-hydrated="true"]', { timeout: 30000 });

  await op.goto(`${base}/masuk`);
  await hydrated(op);
  await op.getByLabel('Email, nama pengguna, atau NIP').fill(login);
  await op.getByLabel('Kata sandi').fill(password);
  await op.getByRole('button', { name: 'Masuk' }).click();
  await op.getByRole('heading', { name: 'Roster pegawai' }).waitFor();

  // Import: the preview lists the bad row; nothing is saved until the operator confirms.
  await op.getByRole('link', { name: 'Impor roster' }).click();
  await op.getByRole('heading', { name: 'Impor roster pegawai' }).waitFor();
  await hydrated(op);
  await op.getByLabel('Berkas roster (.xlsx atau .csv)').setInputFiles(rosterFile);
  await op.getByRole('button', { name: 'Periksa berkas' }).click();
  await op.getByRole('heading', { name: 'Pratinjau' }).waitFor();
  await op.getByText('1 baris bermasalah (tidak diimpor)').waitFor();
  await op.getByRole('button', { name: 'Impor 2 baris yang sah' }).click();
  await op.getByText('Roster diimpor: 2 baru').waitFor();
  await op.screenshot({ path: `${shots}/netra-impor-roster.png`, fullPage: true });

  // Assign the module to the OPD (with its sub-units), deadline in WITA.
  await op.getByRole('link', { name: 'Penugasan' }).click();
  await op.getByRole('heading', { name: 'Penugasan modul' }).waitFor();
  await hydrated(op);
  await op.getByLabel('Modul').selectOption({ label: 'Dasar hukum netralitas ASN' });
  await op.getByLabel('OPD / unit kerja terpilih (termasuk sub-unitnya)').check();
  await op.getByLabel('OPD / unit kerja', { exact: true }).selectOption({ label: 'Dinas Kesehatan' });
  await op.getByLabel('Mulai (tanggal)').fill('2026-01-01');
  await op.getByLabel('Tenggat (tanggal dan jam)').fill('2099-12-31T16:00');
  await op.getByLabel('Zona waktu').selectOption('WITA');
  await op.getByRole('button', { name: 'Tugaskan' }).click();
  await op.getByText('0 dari 2 lulus').waitFor();

  // The learner, on a phone, identifies with the rostered NIP and passes the quiz.
  const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  phone.on('pageerror', (e) => errors.push(`phone: ${e}`));
  await phone.goto(`${base}/modul/dasar-netralitas-asn/kuis`);
  await hydrated(phone);
  await phone.getByLabel('NIP').fill(nip);
  await phone.getByLabel('Nama lengkap').fill('Rina Wati');
  await phone.getByLabel('Instansi').fill('Pemerintah Kabupaten A');
  await phone.getByLabel('Unit kerja / OPD').fill('Puskesmas Depok');
  await phone.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
  await phone.getByRole('button', { name: 'Mulai kuis' }).click();
  await phone.getByRole('button', { name: 'Kumpulkan jawaban' }).waitFor();
  const key = JSON.parse(process.env.NETRA_ANSWER_KEY || '{}');
  for (const fieldset of await phone.locator('fieldset.question').all()) {
    const name = await fieldset.locator('input').first().getAttribute('name');
    const qid = name.slice('answers['.length, name.indexOf(']'));
    for (const k of key[qid] || []) {
      await fieldset.locator(`input[value="${k}"]`).check();
    }
  }
  await phone.getByRole('button', { name: 'Kumpulkan jawaban' }).click();
  await phone.getByRole('heading', { name: 'Hasil kuis' }).waitFor();
  await audit(phone, 'quiz result');

  // A typed identity is a claim: her record (and the dashboard) is unchanged until the operator
  // confirms it on her page, with a reason.
  const row = op.locator('table.numbers tr', { hasText: 'Dinas Kesehatan' });
  const cell = async (i) => (await row.locator('td').nth(i).textContent()).trim();
  const dashboard = async () => {
    await op.goto(`${base}/operator/dasbor`);
    await op.getByRole('heading', { name: 'Dasbor penyelesaian modul' }).waitFor();
    await row.waitFor();
  };
  await dashboard();
  check((await cell(1)) === '0' && (await cell(3)) === '0', 'a claim is not on the record');
  await op.goto(`${base}/operator`);
  await op.getByRole('link', { name: 'Rina Wati' }).click();
  await op.getByTestId('claims').waitFor();
  await hydrated(op);
  await audit(op, 'employee page with a claim');
  await op.getByLabel('Alasan konfirmasi').fill('Dikerjakan di ruang BKPSDM, KTP diperiksa operator');
  await op.getByRole('button', { name: 'Konfirmasi milik pegawai ini' }).click();
  await op.getByTestId('claims').waitFor({ state: 'detached' });
  await dashboard();
  check((await cell(1)) === '0' && (await cell(3)) === '1', 'confirmed: shown as diisi sendiri, not counted');
  // The agency accepts self-declared passes: now it counts.
  await op.goto(`${base}/operator/penugasan`);
  await op.getByRole('heading', { name: 'Syarat identitas kelulusan' }).waitFor();
  await hydrated(op);
  await op.locator('input[name="required_assurance"][value="self_declared"]').check();
  await op.getByRole('button', { name: 'Simpan syarat' }).click();
  await op.getByText('Syarat identitas disimpan.').waitFor();

  // The dashboard shows the pass, with the numbers as text next to the chart.
  await dashboard();
  await op.locator('figure.chart svg').waitFor();
  await audit(op, 'operator dashboard');
  check((await cell(1)) === '1', 'one pass in Dinas Kesehatan');
  check((await row.locator('td').nth(2).textContent()).trim() === '50,0%', 'half of the OPD passed');
  await op.screenshot({ path: `${shots}/netra-dasbor.png`, fullPage: true });
  await row.getByRole('link', { name: 'Dinas Kesehatan' }).click();
  await op.locator('tr.status-lulus', { hasText: 'Rina Wati' }).waitFor();
  const reminder = await op.locator('textarea.reminder').inputValue();
  check(reminder.includes('Budi Hartono') && !reminder.includes('Rina Wati'), `reminder text: ${reminder}`);

  // The export (CSV) lists her as passed.
  const [download] = await Promise.all([
    op.waitForEvent('download'),
    op.locator('p.exports a').nth(1).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  check(/Rina Wati.*Lulus/.test(csv), `export: ${csv}`);
  // Staff pages use the screen: nothing is cut off on a phone, a tablet or a desktop, and at
  // 1280 px every column of the dashboard and the drill-down is visible without scrolling.
  const unitPage = op.url();
  for (const width of [360, 768, 1280]) {
    await op.setViewportSize({ width, height: 900 });
    for (const [label, url] of [['dashboard', `${base}/operator/dasbor`], ['unit', unitPage], ['roster', `${base}/operator`]]) {
      await op.goto(url);
      await op.locator('main table').first().waitFor();
      await noClipping(op, label, { tablesFit: width >= 1280 });
      await axe(op, label);
    }
  }
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  check(!overflow, 'the quiz result scrolls sideways at 360 px');
  check(errors.length === 0, `browser errors: ${errors.join('; ')}`);
  console.log('tracking journey passed');
} catch (e) {
  if (op) await op.screenshot({ path: `${shots}/netra-tracking-gagal.png`, fullPage: true });
  throw e;
} finally {
  await browser.close();
}
