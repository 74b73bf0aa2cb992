// Accounts in headless Chromium with JavaScript on: an operator signs in, issues an activation
// code, signs out; the learner activates with it, lands on their own results, signs out and signs
// in again with NIP and password.
// Usage: node account_journey.mjs BASE_URL OPERATOR_LOGIN PASSWORD NIP NEW_PASSWORD SCREENSHOT_DIR
import { check, launch } from './common.mjs';

const [base, operator, password, nip, newPassword, shots = '/tmp'] = process.argv.slice(2);

const browser = await launch();
const errors = [];
try {
  const page = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  const hydrated = () => page.waitForSelector('body[data-hydrated="true"]', { timeout: 30000 });

  // The operator signs in and lands on the roster.
  await page.goto(`${base}/masuk`);
  await hydrated();
  await page.getByLabel('Email, nama pengguna, atau NIP').fill(operator);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('heading', { name: 'Roster pegawai' }).waitFor();
  await page.getByRole('link', { name: 'Budi Santoso' }).click();
  await page.getByRole('button', { name: 'Buat kode aktivasi' }).click();
  const code = (await page.getByTestId('activation-code').textContent()).trim();
  check(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/.test(code), `unexpected code ${code}`);
  await page.screenshot({ path: `${shots}/netra-kode-aktivasi.png` });
  await page.getByRole('button', { name: 'Keluar' }).click();
  await page.getByRole('link', { name: 'Masuk' }).waitFor();

  // The learner activates and lands on their own results, verified.
  await page.goto(`${base}/aktivasi`);
  await hydrated();
  await page.getByLabel('NIP, email, atau nama pengguna').fill(nip);
  await page.getByLabel('Kode aktivasi').fill(code.toLowerCase());
  await page.getByLabel('Kata sandi baru').fill(newPassword);
  await page.getByLabel('Ulangi kata sandi').fill(newPassword);
  await page.getByRole('button', { name: 'Aktifkan dan masuk' }).click();
  await page.getByText('identitas: akun terverifikasi').waitFor();
  check(!(await page.content()).includes('Siti Aminah'), 'another learner is visible');
  await page.getByRole('button', { name: 'Keluar' }).click();
  await page.getByRole('link', { name: 'Masuk' }).waitFor();

  // The same code does not work twice; signing in with NIP and password does.
  await page.goto(`${base}/aktivasi`);
  await hydrated();
  await page.getByLabel('NIP, email, atau nama pengguna').fill(nip);
  await page.getByLabel('Kode aktivasi').fill(code);
  await page.getByLabel('Kata sandi baru').fill(newPassword);
  await page.getByLabel('Ulangi kata sandi').fill(newPassword);
  await page.getByRole('button', { name: 'Aktifkan dan masuk' }).click();
  await page.getByText('sudah dipakai').first().waitFor();
  await page.goto(`${base}/masuk`);
  await hydrated();
  await page.getByLabel('Email, nama pengguna, atau NIP').fill(nip);
  await page.getByLabel('Kata sandi').fill(newPassword);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByText('identitas: akun terverifikasi').waitFor();
  await page.screenshot({ path: `${shots}/netra-saya-terverifikasi.png` });
  check(errors.length === 0, `browser errors: ${errors.join('; ')}`);
  console.log('account journey passed');
} finally {
  await browser.close();
}
