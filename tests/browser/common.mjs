// What every browser journey starts with: Debian's Chromium, headless, launched by playwright-core
// from the tools folder (NETRA_TOOLS), never a browser playwright would download; and a check that
// throws with its message.
import { createRequire } from 'node:module';

export function check(cond, message) {
  if (!cond) throw new Error(message);
}

export async function launch() {
  const { chromium } = createRequire(`${process.env.NETRA_TOOLS}/package.json`)('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}
