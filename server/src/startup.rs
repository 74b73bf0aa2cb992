//! Start-up: load and validate content, connect and migrate the database, build the state.

use anyhow::Context;
use app::ssr::accounts::sso::{Sso, SsoSettings};
use app::ssr::{content, db, AppState, Settings};
use leptos::config::LeptosOptions;
use migrations::{Migrator, MigratorTrait};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the server needs to start, independent of where it came from (CLI or tests).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub addr: SocketAddr,
    pub database_url: String,
    pub content_dir: PathBuf,
    pub site_root: PathBuf,
    pub public_url: Option<String>,
    /// SQLite's `synchronous` level (`--sqlite-synchronous`).
    pub sqlite_synchronous: db::SqliteSynchronous,
    /// The bearer token that may read `/metrics` (`--metrics-token`).
    pub metrics_token: Option<String>,
    /// Reverse proxies whose forwarded client address is believed (`--trusted-proxy`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Self-declared identifications per client address per minute.
    pub identify_per_minute: usize,
    /// Single sign-on (`--oidc-*`), when an issuer is configured.
    pub sso: Option<SsoSettings>,
}

impl ServerConfig {
    /// The configuration the command line asked for; an incomplete SSO setting is an error.
    pub fn from_args(a: crate::cli::ServeArgs) -> anyhow::Result<Self> {
        let sso = sso_settings(a.sso, a.public_url.as_deref())?;
        Ok(Self {
            addr: a.addr,
            database_url: a.db.database_url,
            content_dir: a.content_dir,
            site_root: a.site_root,
            public_url: a.public_url,
            sqlite_synchronous: a.db.sqlite_synchronous,
            metrics_token: a.metrics_token.filter(|t| !t.is_empty()),
            trusted_proxies: a.trusted_proxies,
            identify_per_minute: a.identify_per_minute.max(1),
            sso,
        })
    }
}

fn sso_settings(
    a: crate::cli::SsoArgs,
    public_url: Option<&str>,
) -> anyhow::Result<Option<SsoSettings>> {
    let Some(issuer) = a.oidc_issuer.filter(|i| !i.is_empty()) else {
        return Ok(None);
    };
    let client_id = a
        .oidc_client_id
        .filter(|c| !c.is_empty())
        .context("--oidc-issuer needs --oidc-client-id")?;
    let redirect_url = match (a.oidc_redirect_url, public_url) {
        (Some(url), _) => url,
        (None, Some(base)) => format!("{}/masuk/sso/kembali", base.trim_end_matches('/')),
        (None, None) => anyhow::bail!("--oidc-issuer needs --oidc-redirect-url or --public-url"),
    };
    let mut agency_map = Vec::new();
    for pair in a.oidc_agency_map.iter().filter(|p| !p.trim().is_empty()) {
        let (from, to) = pair
            .split_once('=')
            .with_context(|| format!("--oidc-agency-map: `{pair}` is not `value=code`"))?;
        agency_map.push((from.trim().to_string(), to.trim().to_string()));
    }
    if a.oidc_agency_claim.is_none() && a.oidc_agency.is_none() {
        anyhow::bail!("--oidc-issuer needs --oidc-agency-claim or --oidc-agency");
    }
    Ok(Some(SsoSettings {
        issuer,
        client_id,
        client_secret: a.oidc_client_secret.filter(|s| !s.is_empty()),
        redirect_url,
        nip_claim: a.oidc_nip_claim,
        agency_claim: a.oidc_agency_claim.filter(|c| !c.is_empty()),
        agency_map,
        agency: a.oidc_agency.filter(|c| !c.is_empty()),
        label: a.oidc_label,
    }))
}

/// Creates the folder of a SQLite database file so `?mode=rwc` can create the file itself.
pub fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    if let Some(rest) = url.strip_prefix("sqlite://") {
        let path = Path::new(rest.split('?').next().unwrap_or(rest));
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
    }
    Ok(())
}

/// Connects to the database and applies pending migrations.
pub async fn connect_and_migrate(
    url: &str,
    synchronous: db::SqliteSynchronous,
) -> anyhow::Result<sea_orm::DatabaseConnection> {
    ensure_sqlite_dir(url)?;
    let conn = db::connect_with(url, synchronous)
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    Migrator::up(&conn, None)
        .await
        .context("applying migrations")?;
    Ok(conn)
}

/// Hides a password in a database URL for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Loads content (refusing to start on any error), prepares the database, builds the state.
pub async fn prepare(config: &ServerConfig) -> anyhow::Result<AppState> {
    let catalog = content::load_catalog(&config.content_dir).map_err(|errors| {
        anyhow::anyhow!(
            "content in {} is invalid:\n{errors}",
            config.content_dir.display()
        )
    })?;
    tracing::info!(
        modules = catalog.modules().len(),
        lessons = catalog.lesson_count(),
        questions = catalog.question_count(),
        "content loaded"
    );
    let conn = connect_and_migrate(&config.database_url, config.sqlite_synchronous).await?;
    let writer = db::connect_writer(&conn, &config.database_url, config.sqlite_synchronous)
        .await
        .context("opening the writer connection")?;
    let module_ids = db::modules::sync(&conn, &catalog)
        .await
        .context("recording content versions")?;
    let leptos_options = LeptosOptions::builder()
        .output_name(asset_name(&config.site_root))
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let settings = Settings {
        secure_cookies: config
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://")),
        public_url: config.public_url.clone(),
        metrics_token: config.metrics_token.clone(),
        trusted_proxies: config.trusted_proxies.clone(),
        identify_per_address_per_minute: config.identify_per_minute,
        ..Settings::default()
    };
    let sso = match &config.sso {
        Some(s) => Some(Arc::new(
            Sso::new(s.clone()).map_err(|e| anyhow::anyhow!("single sign-on: {e}"))?,
        )),
        None => None,
    };
    let live = Arc::new(app::ssr::live::LiveHub::default());
    live.listen(&conn);
    Ok(AppState {
        leptos_options,
        db: conn,
        writer,
        catalog: Arc::new(catalog),
        module_ids: Arc::new(module_ids),
        settings: Arc::new(settings),
        limiter: Arc::default(),
        live,
        session_rows: Arc::default(),
        sso,
    })
}

/// The content-hashed base name of the wasm, JS and CSS (`netra-<hash>`), written by
/// `.ci/build-site.sh` into `asset-name`; plain `netra` for a site built some other way.
pub fn asset_name(site_root: &Path) -> String {
    std::fs::read_to_string(site_root.join("asset-name"))
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .unwrap_or_else(|| "netra".to_string())
}

/// How often expired sessions, unconfirmed roster previews and unused codes are purged.
const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Purges what has expired, once an hour for as long as the server runs (every replica does it;
/// the deletes are idempotent). Failures are logged and retried at the next round.
pub fn spawn_housekeeping(db: sea_orm::DatabaseConnection) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
        loop {
            every.tick().await;
            match db::maintenance::purge(&db, chrono::Utc::now()).await {
                Ok(p) => tracing::info!(
                    sessions = p.sessions,
                    previews = p.previews,
                    codes = p.codes,
                    "housekeeping: expired rows purged"
                ),
                Err(e) => tracing::warn!(error = %e, "housekeeping failed; retrying next round"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden_in_logged_urls() {
        assert_eq!(
            redact("postgres://netra:secret@db/netra"),
            "postgres://netra:***@db/netra"
        );
        assert_eq!(
            redact("sqlite://data/netra.db?mode=rwc"),
            "sqlite://data/netra.db?mode=rwc"
        );
    }
}
