//! Single sign-on through the agency's identity provider (OpenID Connect): authorization code
//! with PKCE, discovery, ID-token validation (signature, issuer, audience, expiry), nonce and
//! state. A user whose NIP (from a configured claim) is on the roster of the agency the provider
//! maps them to signs in as that employee, at the `sso` assurance level. Nothing is created for
//! an unknown NIP.
//!
//! `begin` stores the state (hashed), PKCE verifier and nonce in `sso_requests` and binds the
//! browser with a short-lived cookie; `finish` takes the row (once), checks the cookie, exchanges
//! the code and validates the ID token.

use super::learner::name_key;
use super::session::start_account_session;
use super::sign_in::{audit, end_self_declared_sessions};
use crate::error::AppError;
use crate::model::assurance::Assurance;
use crate::model::auth::Role;
use crate::model::nip::Nip;
use crate::ssr::db::{
    self,
    accounts::NewAccount,
    entities::{account, sso_request},
};
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::tokens::hash_token;
use crate::ssr::AppState;
use chrono::{Duration, Utc};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout, RedirectUrl, Scope,
    StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::RwLock;

/// How one deployment talks to its identity provider (`--oidc-*` settings).
#[derive(Debug, Clone)]
pub struct SsoSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// Where the provider sends the browser back: `<public url>/masuk/sso/kembali`.
    pub redirect_url: String,
    /// The claim holding the employee's NIP.
    pub nip_claim: String,
    /// The claim naming the employee's agency; without it every user belongs to `agency`.
    pub agency_claim: Option<String>,
    /// Claim value -> Netra agency code; a value not listed is taken as the agency code itself.
    pub agency_map: Vec<(String, String)>,
    /// The agency code for every user when no agency claim is configured.
    pub agency: Option<String>,
    /// The provider's name on the sign-in button ("SSO Pemkab Sleman").
    pub label: String,
}

/// The provider's metadata is fetched (discovery, keys) when first needed and kept this long.
const METADATA_SECONDS: u64 = 600;
/// How long the provider's login may take before the callback is refused.
const REQUEST_MINUTES: i64 = 15;
const COOKIE: &str = "netra_sso";
const SECURE_COOKIE: &str = "__Host-netra_sso";

/// The single sign-on of a deployment: its settings and the provider's cached metadata.
pub struct Sso {
    pub settings: SsoSettings,
    metadata: RwLock<Option<(std::time::Instant, Arc<ProviderMetadataWithLogout>)>>,
    http: openidconnect::reqwest::Client,
}

impl std::fmt::Debug for Sso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sso")
            .field("settings", &self.settings)
            .finish()
    }
}

/// Every claim of the ID token, so the NIP and agency claims can be named in the settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Claims {
    #[serde(flatten)]
    all: HashMap<String, serde_json::Value>,
}

impl AdditionalClaims for Claims {}

type Fields = IdTokenFields<
    Claims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<Fields, CoreTokenType>;
type RelyingParty = Client<
    Claims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// What the learner is told when the provider cannot be used (details go to the log).
fn unavailable(context: &str, e: impl std::fmt::Display) -> AppError {
    tracing::warn!(error = %e, "single sign-on: {context}");
    AppError::Conflict(
        "Layanan masuk tunggal (SSO) instansi sedang tidak dapat dihubungi. Coba lagi sebentar \
         lagi, atau masuk dengan NIP dan kata sandi."
            .into(),
    )
}

/// What the learner is told when the provider's answer cannot be trusted.
fn refused(context: &str, e: impl std::fmt::Display) -> AppError {
    tracing::warn!(error = %e, "single sign-on refused: {context}");
    AppError::Conflict(
        "Masuk melalui SSO tidak dapat dipastikan keabsahannya, jadi tidak diteruskan. Silakan \
         ulangi dari tombol Masuk dengan SSO."
            .into(),
    )
}

impl Sso {
    pub fn new(settings: SsoSettings) -> Result<Sso, String> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would let a provider's answer reach other addresses (SSRF).
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        IssuerUrl::new(settings.issuer.clone()).map_err(|e| format!("--oidc-issuer: {e}"))?;
        RedirectUrl::new(settings.redirect_url.clone())
            .map_err(|e| format!("--oidc-redirect-url: {e}"))?;
        Ok(Sso {
            settings,
            metadata: RwLock::new(None),
            http,
        })
    }

    async fn metadata(&self) -> Result<Arc<ProviderMetadataWithLogout>, AppError> {
        if let Some((at, m)) = self.metadata.read().await.as_ref() {
            if at.elapsed().as_secs() < METADATA_SECONDS {
                return Ok(m.clone());
            }
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| unavailable("issuer URL", e))?;
        let fetched = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| unavailable("discovery", e))?;
        let fetched = Arc::new(fetched);
        *self.metadata.write().await = Some((std::time::Instant::now(), fetched.clone()));
        Ok(fetched)
    }

    async fn client(&self) -> Result<RelyingParty, AppError> {
        let metadata = (*self.metadata().await?).clone();
        let redirect = RedirectUrl::new(self.settings.redirect_url.clone())
            .map_err(|e| unavailable("redirect URL", e))?;
        Ok(RelyingParty::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// The provider's end-session address (RP-initiated logout), when it has one.
    pub async fn end_session_url(&self, back_to: &str) -> Option<String> {
        let metadata = self.metadata().await.ok()?;
        let end = metadata
            .additional_metadata()
            .end_session_endpoint
            .as_ref()?;
        let mut url = end.url().clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("post_logout_redirect_uri", back_to);
        Some(url.to_string())
    }
}

fn sso(state: &AppState) -> Result<&Sso, AppError> {
    state.sso.as_deref().ok_or(AppError::NotFound).map_err(fail)
}

fn cookie_name(state: &AppState) -> &'static str {
    if state.settings.secure_cookies {
        SECURE_COOKIE
    } else {
        COOKIE
    }
}

/// Starts a sign-in: remembers state, verifier and nonce, binds this browser to the state, and
/// returns the provider's authorization URL. `next` is a local path to land on afterwards.
pub async fn begin(state: &AppState, next: &str) -> Result<String, AppError> {
    let sso = sso(state)?;
    let client = sso.client().await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let now = Utc::now();
    sso_request::ActiveModel {
        state_hash: Set(hash_token(csrf.secret())),
        verifier: Set(verifier.secret().clone()),
        nonce: Set(nonce.secret().clone()),
        next_path: Set(next.to_string()),
        expires_at: Set(now + Duration::minutes(REQUEST_MINUTES)),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .or_fail()?;
    super::session::set_cookie(
        cookie_name(state),
        csrf.secret(),
        REQUEST_MINUTES * 60,
        state.settings.secure_cookies,
    );
    Ok(url.to_string())
}

/// The provider's answer on the callback: `code` and `state`, or an `error`.
#[derive(Debug, Clone, Default)]
pub struct Callback {
    pub code: String,
    pub state: String,
    pub error: String,
}

/// Finishes a sign-in: the state is used once and must be this browser's; the code is exchanged
/// with the PKCE verifier; the ID token must be signed by the provider, issued by it, for this
/// client, unexpired and carry the nonce. Returns where to go next.
pub async fn finish(state: &AppState, answer: Callback) -> Result<String, AppError> {
    let sso = sso(state)?;
    if !answer.error.is_empty() {
        return Err(fail(AppError::Conflict(
            "Masuk melalui SSO dibatalkan atau ditolak oleh layanan instansi.".into(),
        )));
    }
    if answer.state.is_empty() || answer.state.len() > 512 || answer.code.len() > 4096 {
        return Err(fail(refused("malformed callback", "state or code")));
    }
    // Used once, whatever happens next: a replayed callback finds nothing.
    let pending = sso_request::Entity::find()
        .filter(sso_request::Column::StateHash.eq(hash_token(&answer.state)))
        .one(&state.db)
        .await
        .or_fail()?;
    let Some(pending) = pending else {
        return Err(fail(refused("unknown or used state", &answer.state)));
    };
    let taken = sso_request::Entity::delete_by_id(pending.id)
        .exec(&state.db)
        .await
        .or_fail()?;
    let bound = super::session::cookie_value(cookie_name(state)).as_deref() == Some(&answer.state);
    super::session::set_cookie(cookie_name(state), "", 0, state.settings.secure_cookies);
    if taken.rows_affected != 1 || pending.expires_at < Utc::now() || !bound {
        return Err(fail(refused(
            "state expired, used or not this browser's",
            "",
        )));
    }
    let client = sso.client().await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(answer.code))
        .map_err(|e| fail(unavailable("token endpoint", e)))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
        .request_async(&sso.http)
        .await
        .map_err(|e| fail(refused("code exchange", e)))?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| fail(refused("no ID token", "")))?;
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &Nonce::new(pending.nonce))
        .map_err(|e| fail(refused("ID token", e)))?;
    let subject = claims.subject().as_str().to_string();
    let extra = &claims.additional_claims().all;
    let text = |name: &str| -> Option<String> {
        match extra.get(name)? {
            serde_json::Value::String(s) => Some(s.trim().to_string()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let nip = text(&sso.settings.nip_claim)
        .and_then(|raw| Nip::parse(&raw, super::learner::today()).ok())
        .ok_or_else(|| {
            fail(AppError::Conflict(
                "Akun SSO Anda tidak memuat NIP yang sah, jadi tidak dapat dicocokkan dengan data \
                 pegawai. Hubungi pengelola SSO atau BKPSDM instansi Anda."
                    .into(),
            ))
        })?;
    let agency_code = match &sso.settings.agency_claim {
        Some(claim) => text(claim).map(|v| {
            sso.settings
                .agency_map
                .iter()
                .find(|(from, _)| name_key(from) == name_key(&v))
                .map_or(v.clone(), |(_, to)| to.clone())
        }),
        None => sso.settings.agency.clone(),
    };
    let agency = match agency_code {
        Some(code) => db::accounts::agency_by_code(&state.db, &code)
            .await
            .or_fail()?,
        None => None,
    };
    let Some(agency) = agency else {
        return Err(fail(AppError::Conflict(
            "Instansi akun SSO Anda tidak dikenal di Netra. Hubungi BKPSDM instansi Anda.".into(),
        )));
    };
    let employee = db::employees::find_by_nip(&state.db, nip.as_str())
        .await
        .or_fail()?;
    let employee = match employee {
        Some(e) if e.agency_id == Some(agency.id) => e,
        Some(_) => {
            return Err(fail(AppError::Conflict(format!(
                "NIP Anda tercatat pada roster instansi lain, bukan {}. Masuk melalui SSO instansi \
                 tempat Anda terdaftar, atau minta BKPSDM memindahkan data Anda.",
                agency.name
            ))))
        }
        None => {
            return Err(fail(AppError::Conflict(format!(
                "NIP Anda belum terdaftar di roster {}. Tidak ada akun yang dibuat; minta BKPSDM \
                 menambahkan Anda ke roster, lalu masuk lagi.",
                agency.name
            ))))
        }
    };
    let account = link_account(state, &employee, &subject).await?;
    end_self_declared_sessions(state, &account).await?;
    start_account_session(state, account.id, Assurance::Sso).await?;
    audit(state, Some(&account), "sign_in_sso", &employee.nip, "").await?;
    Ok(pending.next_path)
}

/// The employee's learner account, created on their first sign-in through SSO (they are on the
/// roster: this is their account, not a new person), and tied to the provider's subject.
async fn link_account(
    state: &AppState,
    employee: &db::entities::employee::Model,
    subject: &str,
) -> Result<account::Model, AppError> {
    let existing = db::accounts::by_employee(&state.db, employee.id)
        .await
        .or_fail()?;
    let account = match existing {
        Some(a) if a.role != Role::Learner.code() => {
            return Err(fail(AppError::Conflict(
                "NIP ini terhubung ke akun staf; masuk dengan akun staf di halaman Masuk.".into(),
            )))
        }
        Some(a) if a.sso_subject.as_deref().is_some_and(|s| s != subject) => {
            return Err(fail(refused("another subject for this NIP", subject)));
        }
        Some(a) => a,
        None => {
            let created = db::accounts::create(
                &state.db,
                NewAccount {
                    role: Role::Learner.code(),
                    login: &employee.nip,
                    display_name: &employee.name,
                    password_hash: None,
                    agency_id: employee.agency_id,
                    employee_id: Some(employee.id),
                },
            )
            .await
            .or_fail()?;
            audit(
                state,
                Some(&created),
                "sso_account_created",
                &employee.nip,
                "",
            )
            .await?;
            created
        }
    };
    if account.sso_subject.is_none() {
        let mut active: account::ActiveModel = account.clone().into();
        active.sso_subject = Set(Some(subject.to_string()));
        return active.update(&state.db).await.or_fail();
    }
    Ok(account)
}

/// Whether this browser's account session was opened through SSO (for the sign-out page).
pub async fn signed_in_through_sso(state: &AppState) -> bool {
    matches!(
        super::session::signed_in(state).await,
        Ok(Some(s)) if s.assurance == Assurance::Sso
    )
}
