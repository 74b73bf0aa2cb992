//! Shared server state handed to every request and server function.

use super::content::Catalog;
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::Arc;

/// Tunables that are not Leptos options.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Add `Secure` to cookies (the site is served over HTTPS).
    pub secure_cookies: bool,
    /// The configured public URL (`--public-url`), e.g. `https://netra.example.go.id`.
    pub public_url: Option<String>,
    /// How long an idle learner session stays valid.
    pub session_idle_days: i64,
    /// How long an idle signed-in account (staff or verified learner) stays signed in.
    pub account_idle_hours: i64,
    /// How long a learner session lasts at most, however often it is used.
    pub session_lifetime_days: i64,
    /// How long an account stays signed in at most, however often it is used.
    pub account_lifetime_hours: i64,
    /// Seconds accepted after a quiz deadline before a submission counts as late
    /// (covers a slow phone connection at the last second).
    pub grace_seconds: i64,
    /// The bearer token that may read `/metrics`; `None`: loopback clients only (and nobody
    /// once a public URL is configured).
    pub metrics_token: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Self-declared identifications accepted per client address per minute
    /// (`--identify-per-minute`): a webinar's office behind one NAT needs many.
    pub identify_per_address_per_minute: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            public_url: None,
            session_idle_days: 30,
            account_idle_hours: 12,
            session_lifetime_days: 90,
            account_lifetime_hours: 7 * 24,
            grace_seconds: 30,
            metrics_token: None,
            trusted_proxies: Vec::new(),
            identify_per_address_per_minute: 1200,
        }
    }
}

/// Everything a request needs: options, the database pool and the loaded content.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    /// Where write transactions run: SQLite's one writer connection and its thread, apart from
    /// `db`; `db` itself on PostgreSQL.
    pub writer: super::db::Writer,
    pub catalog: Arc<Catalog>,
    /// slug -> `content_modules.id` of the version currently loaded.
    pub module_ids: Arc<HashMap<String, i64>>,
    pub settings: Arc<Settings>,
    /// Sign-in and activation attempts per IP address and login.
    pub limiter: Arc<super::accounts::sign_in::RateLimiter>,
    /// Change hints for the webinar live boards.
    pub live: Arc<super::live::LiveHub>,
    /// Webinar session rows by join code, kept a second (the rush reads one row per arrival).
    pub session_rows: Arc<super::webinar::sessions::SessionRows>,
    /// Single sign-on through the agency's identity provider, when configured.
    pub sso: Option<Arc<super::accounts::sso::Sso>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// An absolute address on this site: the configured public URL, else the listening address.
    pub fn public_url(&self, path: &str) -> String {
        match &self.settings.public_url {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => format!("http://{}{path}", self.leptos_options.site_addr),
        }
    }

    /// The state provided to the current request. Its absence is a wiring bug, reported as Internal.
    pub fn current() -> Result<Self, AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            AppError::Internal
        })
    }
}
