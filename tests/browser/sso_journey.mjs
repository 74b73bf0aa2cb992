// Single sign-on in headless Chromium: from Netra's sign-in page, the "Masuk dengan SSO" button
// leads to the agency's provider (a real oidc-provider started by the test), whose login form
// the employee fills in; back on Netra they land on their results page, signed in at the SSO
// level. Netra's own pages pass axe-core; the provider's pages are not Netra's to check.
// Usage: node sso_journey.mjs BASE_URL LOGIN SCREENSHOT_DIR
import { check, launch } from './common.mjs';
import { audit } from './audit.mjs';

const [base, login, shots = '/tmp'] = process.argv.slice(2);

const browser = await launch();
let page;
try {
  page = await (await browser.newContext({ viewport: { width: 360, height: 780 } })).newPage();
  await page.goto(`${base}/masuk`);
  await audit(page, 'sign-in page with SSO');
  await page.getByTestId('sso-sign-in').click();
  // The provider's login form (another origin).
  await page.waitForSelector('input[name="login"]', { timeout: 30000 });
  check(!page.url().startsWith(base), `still on Netra: ${page.url()}`);
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'rahasia-sekali');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(`${base}/saya`, { timeout: 30000 });
  await page.getByText('identitas: sso instansi').waitFor({ timeout: 30000 });
  await audit(page, 'results after SSO');
  console.log('sso journey passed');
} catch (e) {
  if (page) await page.screenshot({ path: `${shots}/sso-journey-failure.png`, fullPage: true }).catch(() => {});
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
