//! Command-line interface: every flag has an environment-variable fallback.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "netra", version, about = "Pelatihan dan kuis netralitas ASN")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Flags for `serve`, also accepted without the subcommand (it is the default).
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Log lines as human-readable text or as JSON (one object per line).
    #[arg(long, global = true, env = "NETRA_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve(Box<ServeArgs>),
    /// Apply or inspect database migrations.
    Migrate {
        /// What to do.
        #[arg(value_enum, default_value_t = MigrateAction::Up)]
        action: MigrateAction,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Validate the content directory and print a summary.
    CheckContent {
        /// Content directory.
        #[arg(env = "NETRA_CONTENT_DIR", default_value = "content")]
        dir: PathBuf,
    },
    /// Content tools: `netra content lint` checks that the form of the options gives no key away.
    #[command(subcommand)]
    Content(ContentCommand),
    /// Manage accounts: `netra user add --role admin --email ...` creates the first admin.
    #[command(subcommand)]
    User(UserCommand),
    /// Import GIFT or Moodle XML question banks, or export a module to them.
    #[command(subcommand)]
    Questions(QuestionsCommand),
    /// Copy the SQLite database to FILE while the server runs (consistent, integrity-checked).
    Backup {
        /// Where to write the copy (must not exist yet).
        file: PathBuf,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Import an agency's roster from CSV or XLSX: `netra roster import FILE --instansi CODE`.
    #[command(subcommand)]
    Roster(RosterCommand),
    /// Show, per catalogue entry, the lessons and questions that teach it; exit 1 if one has no question.
    Coverage {
        /// Content directory.
        #[arg(env = "NETRA_CONTENT_DIR", default_value = "content")]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContentCommand {
    /// Per bank: the share of keys that are the longest option and the true/false balance; per
    /// item: duplicate options, "semua benar" options, negative stems, a stem echoing the key, an
    /// explanation that never names the key. Exit 1 on any finding.
    Lint {
        /// Content directory.
        #[arg(env = "NETRA_CONTENT_DIR", default_value = "content")]
        dir: PathBuf,
        #[command(flatten)]
        limits: LintLimits,
    },
}

/// The linter's limits (defaults: what the shipped content meets).
#[derive(Debug, Clone, Args)]
pub struct LintLimits {
    /// Largest share of single-choice keys that may be the strictly longest option.
    #[arg(long, default_value_t = 0.30)]
    pub max_longest_key_share: f64,
    /// Smallest share of true/false keys that are "Benar".
    #[arg(long, default_value_t = 0.40)]
    pub min_true_share: f64,
    /// Largest share of true/false keys that are "Benar".
    #[arg(long, default_value_t = 0.60)]
    pub max_true_share: f64,
    /// The true/false balance is checked from this many true/false items in a bank.
    #[arg(long, default_value_t = 4)]
    pub min_true_false_items: usize,
    /// Distinctive words a stem may share with the key alone.
    #[arg(long, default_value_t = 1)]
    pub max_echoed_words: usize,
}

impl From<LintLimits> for app::ssr::content::lint::Limits {
    fn from(l: LintLimits) -> Self {
        Self {
            max_longest_key_share: l.max_longest_key_share,
            min_true_share: l.min_true_share,
            max_true_share: l.max_true_share,
            min_true_false_items: l.min_true_false_items,
            max_echoed_words: l.max_echoed_words,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account with a password (prompted, or one line read from standard input).
    Add {
        /// admin | operator | host
        #[arg(long)]
        role: String,
        /// Email or username used to sign in.
        #[arg(long, alias = "username")]
        email: String,
        /// Name shown in the header and the audit log (defaults to the email).
        #[arg(long)]
        name: Option<String>,
        /// Agency code, required for operators (it must exist; admins create agencies on /admin).
        #[arg(long)]
        agency: Option<String>,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// Check every row (same rules as the web import), print the report, then import all valid
    /// rows in one transaction (unless --dry-run). Units that do not exist yet are created.
    Import {
        /// The roster: .xlsx (first sheet) or .csv (comma, semicolon or tab separated).
        file: PathBuf,
        /// The agency's code (as on /admin), e.g. `pemkab-sleman`.
        #[arg(long, alias = "agency")]
        instansi: String,
        /// Only check and report; change nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum QuestionsCommand {
    /// Convert a GIFT or Moodle XML file into Netra's `questions.toml` format.
    Import {
        /// The file to read (UTF-8, a byte-order mark is fine).
        file: PathBuf,
        /// Input format; guessed from the file name and content when left out.
        #[arg(long, value_enum)]
        format: Option<BankFormat>,
        /// The `questions.toml` to add the questions to (created if missing). Required unless --dry-run.
        #[arg(long, required_unless_present = "dry_run")]
        into: Option<PathBuf>,
        /// Print the TOML and the report; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a module's question bank as Moodle XML or GIFT.
    Export {
        /// Module slug (a folder in the content directory).
        module: String,
        #[arg(long, value_enum)]
        format: BankFormat,
        /// Output file; standard output when left out.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Content directory.
        #[arg(long, env = "NETRA_CONTENT_DIR", default_value = "content")]
        content_dir: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BankFormat {
    Gift,
    MoodleXml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MigrateAction {
    /// Apply all pending migrations (the default).
    Up,
    /// Revert the last applied migration.
    Down,
    /// List migrations and whether each is applied.
    Status,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/netra.db?mode=rwc"
    )]
    pub database_url: String,
    /// SQLite's durability per commit: `full` (an acknowledged answer survives power loss),
    /// `extra`, `normal` (survives a crash of Netra, may lose the last commits on power loss) or
    /// `off`. Ignored for PostgreSQL.
    #[arg(
        long,
        env = "NETRA_SQLITE_SYNCHRONOUS",
        default_value = "full",
        value_parser = app::ssr::db::parse_synchronous
    )]
    pub sqlite_synchronous: app::ssr::db::SqliteSynchronous,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "NETRA_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Folder with the training modules.
    #[arg(long, env = "NETRA_CONTENT_DIR", default_value = "content")]
    pub content_dir: PathBuf,
    /// Folder with the built site (`pkg/` with wasm, JS and CSS; favicon).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Public URL, e.g. https://netra.example.go.id: `https://` turns on Secure cookies.
    #[arg(long, env = "NETRA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Bearer token that may read `/metrics`; without one, only loopback clients may.
    #[arg(long, env = "NETRA_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Address ranges of reverse proxies in front of Netra (e.g. 127.0.0.1/32,10.0.0.0/8): only
    /// from them is the client address in X-Forwarded-For believed.
    #[arg(
        long = "trusted-proxy",
        env = "NETRA_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Self-declared identifications accepted per client address per minute (an office behind
    /// one NAT may send a whole webinar's attendees).
    #[arg(long, env = "NETRA_IDENTIFY_PER_MINUTE", default_value_t = 1200)]
    pub identify_per_minute: usize,
    #[command(flatten)]
    pub sso: SsoArgs,
}

/// Single sign-on through the agency's OpenID Connect provider (Keycloak or any other).
#[derive(Debug, Clone, Args)]
pub struct SsoArgs {
    /// The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`);
    /// setting it turns single sign-on on.
    #[arg(long, env = "NETRA_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// Netra's client id at the provider.
    #[arg(long, env = "NETRA_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// Netra's client secret at the provider (`client_secret_basic`).
    #[arg(long, env = "NETRA_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// The redirect URI registered at the provider; default `<public url>/masuk/sso/kembali`.
    #[arg(long, env = "NETRA_OIDC_REDIRECT_URL")]
    pub oidc_redirect_url: Option<String>,
    /// The ID-token claim that holds the employee's NIP.
    #[arg(long, env = "NETRA_OIDC_NIP_CLAIM", default_value = "nip")]
    pub oidc_nip_claim: String,
    /// The claim that names the employee's agency (mapped by `--oidc-agency-map`).
    #[arg(long, env = "NETRA_OIDC_AGENCY_CLAIM")]
    pub oidc_agency_claim: Option<String>,
    /// `claim value=agency code` pairs, comma-separated; an unlisted value is taken as the code.
    #[arg(long, env = "NETRA_OIDC_AGENCY_MAP", value_delimiter = ',')]
    pub oidc_agency_map: Vec<String>,
    /// The agency code of every user, when the provider serves one agency (no agency claim).
    #[arg(long, env = "NETRA_OIDC_AGENCY")]
    pub oidc_agency: Option<String>,
    /// The provider's name on the sign-in button.
    #[arg(long, env = "NETRA_OIDC_LABEL", default_value = "SSO instansi")]
    pub oidc_label: String,
}
