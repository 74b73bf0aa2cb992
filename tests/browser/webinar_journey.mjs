// A webinar in headless Chromium with JavaScript on: the host signs in and creates a session,
// opens the live board; an attendee on a phone joins by code, takes the pre-test and post-test;
// the board updates without a reload; the attendee downloads the certificate and the public
// verification page confirms it.
// Usage: node webinar_journey.mjs BASE_URL HOST_LOGIN PASSWORD NIP SCREENSHOT_DIR
import { check, launch } from './common.mjs';
import { audit } from './audit.mjs';
import { readFileSync } from 'node:fs';

const [base, hostLogin, password, nip, shots = '/tmp'] = process.argv.slice(2);

const browser = await launch();
const errors = [];
let host;
try {
  const hostContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  host = await hostContext.newPage();
  host.on('pageerror', (e) => errors.push(`host: ${e}`));
  const hydrated = (page) => page.waitForSelector('body[data-hydrated="true"]', { timeout: 30000 });

  // The host signs in and lands on their sessions; creates one.
  await host.goto(`${base}/masuk`);
  await hydrated(host);
  await host.getByLabel('Email, nama pengguna, atau NIP').fill(hostLogin);
  await host.getByLabel('Kata sandi').fill(password);
  await host.getByRole('button', { name: 'Masuk' }).click();
  await host.getByRole('heading', { name: 'Sesi webinar' }).waitFor();
  await host.getByLabel('Judul kegiatan').fill('Webinar Netralitas ASN Pilkada');
  await host.getByLabel('Penyelenggara').fill('BKPSDM Kota Makassar');
  await host.getByLabel('Tanggal dan jam mulai').fill('2026-11-25T09:00');
  await host.getByLabel('JP (jam pelajaran)').fill('2');
  await host.getByLabel('Nilai minimal post-test untuk sertifikat (0-100)').fill('0');
  await host.getByLabel('Nama pejabat penandatangan').fill('Dra. Andi Nurhayati, M.Si.');
  await host.getByLabel('Jabatan penandatangan').fill('Kepala BKPSDM Kota Makassar');
  await host.getByRole('button', { name: 'Buat sesi' }).click();
  await host.getByTestId('join-code').waitFor();
  const code = (await host.getByTestId('join-code').textContent()).trim();
  check(/^[A-HJ-NP-Z2-9]{6}$/.test(code), `unexpected join code ${code}`);
  const sessionUrl = host.url();
  await host.getByRole('button', { name: 'Buka Pre-test' }).click();
  await host.getByTestId('window-pre-test').getByText('Dibuka', { exact: true }).waitFor();
  await host.screenshot({ path: `${shots}/netra-sesi-host.png`, fullPage: true });

  // The live board, in its own tab.
  const board = await hostContext.newPage();
  board.on('pageerror', (e) => errors.push(`board: ${e}`));
  await board.goto(`${sessionUrl}/live`);
  await hydrated(board);
  await board.getByText('Terhubung').waitFor({ timeout: 15000 });
  check((await board.getByTestId('joined').textContent()).trim() === '0', 'nobody joined yet');

  // The attendee, on a phone, joins by code.
  const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  phone.on('pageerror', (e) => errors.push(`phone: ${e}`));
  // The session page is a light page: plain HTML and forms, no wasm.
  const wasm = [];
  phone.on('request', (req) => { if (req.url().endsWith('.wasm')) wasm.push(req.url()); });
  await phone.goto(`${base}/w/${code.toLowerCase()}`, { waitUntil: 'networkidle' });
  check(wasm.length === 0, `the join page fetched wasm: ${wasm.join(', ')}`);
  await phone.getByLabel('NIP').fill(nip);
  await phone.getByLabel('Nama lengkap').fill('Rina Kartika');
  await phone.getByLabel('Instansi').fill('Pemerintah Kota Makassar');
  await phone.getByLabel('Unit kerja / OPD').fill('Dinas Kominfo');
  await phone.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
  await board.getByTestId('joined').getByText('1').waitFor({ timeout: 15000 });
  await audit(phone, 'webinar page after joining');

  const takeTest = async (label) => {
    await phone.getByRole('button', { name: `Mulai ${label}` }).click();
    await phone.getByRole('button', { name: 'Kumpulkan jawaban' }).waitFor();
    for (const fieldset of await phone.locator('fieldset.question').all()) {
      await fieldset.locator('input').first().check();
    }
    await phone.getByRole('button', { name: 'Kumpulkan jawaban' }).click();
    await phone.getByTestId(`status-${label.toLowerCase()}`).getByText('Sudah dikerjakan').waitFor();
  };
  await takeTest('Pre-test');
  // The board follows without a reload.
  await board.getByTestId('pre-submitted').getByText('1').waitFor({ timeout: 15000 });

  await host.getByRole('button', { name: 'Tutup Pre-test' }).click();
  await host.getByTestId('window-pre-test').getByText('Sudah ditutup').waitFor();
  await host.getByRole('button', { name: 'Buka Post-test' }).click();
  await host.getByTestId('window-post-test').getByText('Dibuka', { exact: true }).waitFor();
  await phone.reload();
  await takeTest('Post-test');
  await board.getByTestId('post-submitted').getByText('1').waitFor({ timeout: 15000 });
  check((await board.getByTestId('gain').textContent()).trim() !== '-', 'learning gain shown');
  await board.screenshot({ path: `${shots}/netra-papan-langsung.png`, fullPage: true });
  await audit(board, 'live board');
  await audit(phone, 'webinar page with certificate');

  // The certificate: downloaded as a PDF, confirmed by the public page.
  const [download] = await Promise.all([
    phone.waitForEvent('download'),
    phone.getByRole('link', { name: 'Unduh sertifikat (PDF)' }).click(),
  ]);
  const file = await download.path();
  check(readFileSync(file).subarray(0, 4).toString() === '%PDF', 'the certificate is a PDF');
  await phone.screenshot({ path: `${shots}/netra-sesi-peserta.png`, fullPage: true });
  await phone.getByRole('link', { name: 'Halaman verifikasi' }).click();
  await phone.getByTestId('verify-status').getByText('SAH').waitFor();
  // Anyone holding the link (no identity in that browser) sees the masked NIP only.
  const stranger = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  await stranger.goto(phone.url());
  await stranger.getByTestId('verify-status').getByText('SAH').waitFor();
  await audit(stranger, 'verification page');
  check(await stranger.locator('dd', { hasText: 'Rina Kartika' }).isVisible(), 'holder named on the verification page');
  const publicHtml = await stranger.content();
  check(!publicHtml.includes(nip) && !publicHtml.includes(nip.slice(0, 8) + ' '), 'full NIP on the public page');
  const overflow = await stranger.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  check(!overflow, 'the verification page scrolls sideways at 360 px');
  check(errors.length === 0, `browser errors: ${errors.join('; ')}`);
  console.log('webinar journey passed');
} catch (e) {
  if (host) await host.screenshot({ path: `${shots}/netra-webinar-gagal.png`, fullPage: true });
  throw e;
} finally {
  await browser.close();
}
