// Self-check of provider.mjs without Netra: starts it, drives the authorization code + PKCE flow
// like a browser would (manual redirects, a cookie jar, the plain HTML login form), checks the ID
// tokens (normal user and the three knob users), userinfo and RP-initiated logout.
// Run: NETRA_TOOLS=~/.cache/netra/tools node tests/oidc/selfcheck.mjs   (exit 0 = all good)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import * as crypto from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const TOOLS = process.env.NETRA_TOOLS || path.join(os.homedir(), '.cache/netra/tools');
const opPath = createRequire(path.join(TOOLS, 'package.json')).resolve('oidc-provider');
const jose = await import(pathToFileURL(createRequire(opPath).resolve('jose')).href);

const REDIRECT = 'http://127.0.0.1:9/cb';
const BYE = 'http://127.0.0.1:9/bye';
const USERS = ['budi', 'aud-salah', 'kedaluwarsa', 'nonce-salah'].map((login) => ({
  login, claims: { name: `Pengguna ${login}`, nip: '198609122010011003', instansi: 'pemkab-sleman' },
}));

const op = spawn(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'provider.mjs')], {
  env: {
    ...process.env, NETRA_TOOLS: TOOLS, OIDC_PORT: '0', OIDC_REDIRECT_URIS: REDIRECT,
    OIDC_POST_LOGOUT_URIS: BYE, OIDC_USERS: JSON.stringify(USERS), OIDC_MAX_SECONDS: '120',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const killer = setTimeout(() => { console.error('selfcheck: timed out'); op.kill(); process.exit(1); }, 60_000);
const [line] = await once(createInterface({ input: op.stdout }), 'line');
const issuer = /^issuer (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];

let passed = 0; let failed = 0;
function check(ok, what) {
  if (ok) passed += 1; else failed += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}
check(issuer, `stdout line "${line}"`);

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const decode = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url'));
const JWKS = jose.createRemoteJWKSet(new URL(`${issuer}/jwks`));
const disco = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
check(disco.issuer === issuer && disco.end_session_endpoint && disco.code_challenge_methods_supported.join() === 'S256',
  'discovery: issuer, end_session_endpoint, PKCE S256 only');

// A browser in miniature: one cookie jar per user, redirects followed by hand.
function browser() {
  const jar = new Map();
  return async function go(url, init = {}) {
    const res = await fetch(url, {
      ...init, redirect: 'manual',
      headers: { ...init.headers, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [, k, v] = /^([^=]+)=([^;]*)/.exec(c);
      if (v && !/expires=Thu, 01 Jan 1970/i.test(c)) jar.set(k, v); else jar.delete(k);
    }
    return res;
  };
}
async function follow(go, res) {
  while (res.status >= 300 && res.status < 400) {
    const to = new URL(res.headers.get('location'), issuer).href;
    if (!to.startsWith(issuer)) return to;
    res = await go(to);
  }
  return res;
}
const form = (obj) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(obj).toString() });

async function flow(login) {
  const go = browser();
  const verifier = b64u(crypto.randomBytes(32));
  const state = b64u(crypto.randomBytes(12));
  const nonce = b64u(crypto.randomBytes(12));
  const auth = new URL(disco.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: 'netra', response_type: 'code', scope: 'openid profile', redirect_uri: REDIRECT, state, nonce,
    code_challenge: b64u(crypto.createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
  });
  const page = await follow(go, await go(auth.href));
  const html = await page.text();
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)[1], issuer).href;
  if (login === 'budi') {
    check(/name="login"/.test(html) && /name="password" type="password"/.test(html) && /<button type="submit">Masuk<\/button>/.test(html),
      'login form has login, password and a "Masuk" button');
    const bad = await go(action, form({ login: 'siapa', password: 'x' }));
    check(bad.status === 200 && /tidak dikenal/.test(await bad.text()), 'unknown login shows the form again with an error');
  }
  const cb = new URL(await follow(go, await go(action, form({ login, password: 'rahasia' }))));
  check(cb.href.startsWith(REDIRECT) && cb.searchParams.get('state') === state && cb.searchParams.get('code'),
    `${login}: redirected to the client with code and state`);

  const tok = await (await fetch(disco.token_endpoint, {
    ...form({ grant_type: 'authorization_code', code: cb.searchParams.get('code'), redirect_uri: REDIRECT, code_verifier: verifier }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('netra:netra-secret').toString('base64')}` },
  })).json();
  const claims = decode(tok.id_token);
  let sigOk = false;
  try { await jose.compactVerify(tok.id_token, JWKS); sigOk = true; } catch { /* reported below */ }
  check(sigOk, `${login}: ID token signature verifies against the JWKS`);
  return { go, tok, claims, nonce };
}

const budi = await flow('budi');
const c = budi.claims;
console.log(`     budi's ID token: ${JSON.stringify(JSON.parse(Buffer.from(budi.tok.id_token.split('.')[0], 'base64url')))} ${JSON.stringify(c)}`);
check(c.sub === 'budi' && c.aud === 'netra' && c.nonce === budi.nonce && c.iss === issuer
  && c.name === 'Pengguna budi' && c.nip === '198609122010011003' && c.instansi === 'pemkab-sleman',
'budi: ID token has sub, aud netra, nonce, name, nip, instansi');
check(await jose.jwtVerify(budi.tok.id_token, JWKS, { issuer, audience: 'netra' }).then(() => true, () => false), 'budi: jwtVerify accepts the ID token');
const me = await (await fetch(disco.userinfo_endpoint, { headers: { authorization: `Bearer ${budi.tok.access_token}` } })).json();
check(me.sub === 'budi' && me.nip === '198609122010011003' && me.instansi === 'pemkab-sleman', 'budi: userinfo has nip and instansi');

const aud = await flow('aud-salah');
check(aud.claims.aud === 'someone-else' && aud.claims.nonce === aud.nonce, 'aud-salah: aud is "someone-else"');
const exp = await flow('kedaluwarsa');
const t = Math.floor(Date.now() / 1000);
check(exp.claims.exp < t - 500 && exp.claims.iat < t - 1100 && exp.claims.aud === 'netra', 'kedaluwarsa: exp 10 min and iat 20 min in the past');
check(await jose.jwtVerify(exp.tok.id_token, JWKS, { issuer, audience: 'netra' }).then(() => false, (e) => e.code === 'ERR_JWT_EXPIRED'),
  'kedaluwarsa: jwtVerify rejects it as expired');
const nonce = await flow('nonce-salah');
check(nonce.claims.nonce === 'not-the-nonce' && nonce.claims.aud === 'netra', 'nonce-salah: nonce is "not-the-nonce"');

// RP-initiated logout: confirmation page with a plain form, then back to the post-logout URI.
const end = new URL(disco.end_session_endpoint);
end.search = new URLSearchParams({ id_token_hint: budi.tok.id_token, post_logout_redirect_uri: BYE, state: 'keluar1' });
const confirm = await (await budi.go(end.href)).text();
const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm)?.[1];
check(xsrf && /name="logout" value="yes"[^>]*>Keluar</.test(confirm), 'logout page has a "Keluar" button');
const out = await budi.go(new URL(/action="([^"]+)"/.exec(confirm)[1], issuer).href, form({ xsrf, logout: 'yes' }));
check(out.headers.get('location') === `${BYE}?state=keluar1`, `logout redirects to ${BYE}?state=keluar1`);

clearTimeout(killer);
op.kill('SIGTERM');
const [code] = await once(op, 'exit');
check(code === 0, 'provider exits 0 on SIGTERM');
console.log(`selfcheck: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
