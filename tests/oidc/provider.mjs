// A real OpenID Connect provider for Netra's tests, built on the npm package oidc-provider (9.x),
// installed by .ci/tools.sh --test into $NETRA_TOOLS. See README.md beside this file.
//
// stdout carries exactly one line, `issuer http://127.0.0.1:<port>`, once listening; everything
// else (oidc-provider's notices included) goes to stderr.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

// oidc-provider prints its "you SHOULD change ..." notices with console.info: keep stdout clean.
console.info = (...args) => console.error(...args);
console.log = (...args) => console.error(...args);

const TOOLS = process.env.NETRA_TOOLS || path.join(os.homedir(), '.cache/netra/tools');
const requireFromTools = createRequire(path.join(TOOLS, 'package.json'));
// oidc-provider 9 is ESM-only: resolve its entry file with require.resolve, then import() it.
let entry;
try {
  entry = requireFromTools.resolve('oidc-provider');
} catch {
  console.error(`provider.mjs: oidc-provider is not installed in ${TOOLS}; run .ci/tools.sh --test`);
  process.exit(2);
}
const { Provider } = await import(pathToFileURL(entry).href);

const env = process.env;
const list = (v) => (v || '').split(',').map((s) => s.trim()).filter(Boolean);
const PORT = Number(env.OIDC_PORT || 0);
const CLIENT_ID = env.OIDC_CLIENT_ID || 'netra';
const CLIENT_SECRET = env.OIDC_CLIENT_SECRET || 'netra-secret';
const REDIRECT_URIS = list(env.OIDC_REDIRECT_URIS);
const POST_LOGOUT_URIS = list(env.OIDC_POST_LOGOUT_URIS);
const MAX_SECONDS = Number(env.OIDC_MAX_SECONDS || 7200);
if (!REDIRECT_URIS.length) {
  console.error('provider.mjs: OIDC_REDIRECT_URIS is required');
  process.exit(2);
}

const USERS = new Map();
for (const u of JSON.parse(env.OIDC_USERS || '[]')) {
  if (!u || typeof u.login !== 'string' || !u.login) throw new Error(`bad OIDC_USERS entry: ${JSON.stringify(u)}`);
  USERS.set(u.login, { ...(u.claims || {}), sub: u.login });
}

// Logins whose ID token (token endpoint response) gets one claim spoiled, still validly signed.
const now = () => Math.floor(Date.now() / 1000);
const KNOBS = {
  'aud-salah': (p) => { p.aud = 'someone-else'; },
  kedaluwarsa: (p) => { p.exp = now() - 10 * 60; p.iat = now() - 20 * 60; },
  'nonce-salah': (p) => { p.nonce = 'not-the-nonce'; },
};

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = `netra-test-${crypto.randomBytes(4).toString('hex')}`;
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:22rem;margin:3rem auto;padding:0 1rem}
label,input,button{display:block;width:100%;box-sizing:border-box;margin:.3rem 0}input,button{padding:.5rem}
.error{color:#a40000}</style></head>
<body><main><h1>${esc(title)}</h1>
${body}
</main></body></html>`;

function loginForm(uid, { login = '', error = '' } = {}) {
  return page('Masuk ke Penyedia Identitas Uji', `${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}">
<label for="login">Nama pengguna</label>
<input id="login" name="login" autocomplete="username" required autofocus value="${esc(login)}">
<label for="password">Kata sandi</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Masuk</button>
</form>`);
}

async function readForm(req, limit = 64 * 1024) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const b64json = (seg) => JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));

// Re-sign a compact JWS after changing its payload; the header (alg RS256, kid) is kept as is.
function spoil(idToken) {
  const [h, p] = idToken.split('.');
  const payload = b64json(p);
  const knob = KNOBS[payload.sub];
  if (!knob) return idToken;
  knob(payload);
  const input = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const sig = crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url');
  return `${input}.${sig}`;
}

const server = http.createServer();
server.listen(PORT, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: REDIRECT_URIS,
      post_logout_redirect_uris: POST_LOGOUT_URIS,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      // oidc-provider accepts client_secret_post as well for a client registered with _basic.
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [signingJwk] },
    cookies: {
      keys: [crypto.randomBytes(32).toString('base64url')],
      // Browsers do not separate cookies by port: keep clear of the names Netra (also on 127.0.0.1) may use.
      names: { session: 'oidc_op_session', interaction: 'oidc_op_interaction', resume: 'oidc_op_resume' },
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'nip', 'instansi'],
    },
    // With the default (true), a code flow ID token carries only sub & co. when userinfo exists;
    // Netra reads the profile claims from the ID token itself.
    conformIdTokenClaims: false,
    pkce: { required: () => true }, // oidc-provider 9 supports S256 only
    responseTypes: ['code'],
    findAccount: async (_ctx, sub) => {
      const claims = USERS.get(sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ ...claims }) };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = page('Keluar', `<p>Keluar dari penyedia identitas ${esc(ctx.host)}?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Keluar</button>
<button type="submit" form="op.logoutForm">Batal</button>`);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = page('Berhasil keluar', '<p>Anda telah keluar.</p>');
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Galat', `<p class="error" role="alert">${esc(out.error)}: ${esc(out.error_description)}</p>`);
    },
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 86400,
      Grant: 86400,
      RefreshToken: 86400,
    },
  });

  async function interaction(ctx, uid) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) throw new Error('interaction cookie does not match the URL');
    const { prompt, params } = details;
    let result;

    if (prompt.name === 'login') {
      if (ctx.method === 'GET') {
        ctx.type = 'html';
        ctx.body = loginForm(uid);
        return;
      }
      if (ctx.method !== 'POST') { ctx.status = 405; return; }
      const form = await readForm(ctx.req);
      const login = (form.get('login') || '').trim();
      const password = form.get('password') || '';
      if (!USERS.has(login) || !password) {
        ctx.type = 'html';
        ctx.body = loginForm(uid, { login, error: USERS.has(login) ? 'Kata sandi wajib diisi.' : 'Nama pengguna tidak dikenal.' });
        return;
      }
      result = { login: { accountId: login } };
    } else if (prompt.name === 'consent') {
      // Consent is granted without asking: whatever scope/claims the client asked for.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
      const missing = prompt.details || {};
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      result = { consent: { grantId: await grant.save() } };
    } else {
      throw new Error(`unsupported prompt ${prompt.name}`);
    }

    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.redirect(returnTo);
    ctx.status = 303;
  }

  provider.use(async (ctx, next) => {
    const m = /^\/interaction\/([\w-]+)$/.exec(ctx.path);
    if (m) {
      try {
        await interaction(ctx, m[1]);
      } catch (err) {
        const msg = err.error_description || err.message;
        console.error(`interaction error: ${msg}`);
        ctx.status = err.status || 400;
        ctx.type = 'html';
        ctx.body = page('Galat', `<p class="error" role="alert">${esc(msg)}</p>`);
      }
      return;
    }
    await next();
    if (ctx.oidc?.route === 'token' && ctx.status === 200 && typeof ctx.body?.id_token === 'string') {
      ctx.body.id_token = spoil(ctx.body.id_token);
    }
  });

  provider.on('server_error', (_ctx, err) => console.error('server_error:', err));
  server.on('request', provider.callback());
  process.stdout.write(`issuer ${issuer}\n`);
});

const stop = () => { server.closeAllConnections?.(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// A test tool: never outlive a forgotten test run by much.
if (MAX_SECONDS > 0) setTimeout(() => { console.error('provider.mjs: OIDC_MAX_SECONDS reached'); stop(); }, MAX_SECONDS * 1000).unref?.();
