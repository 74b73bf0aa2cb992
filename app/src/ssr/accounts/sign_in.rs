//! Accounts: passwords (argon2id), sign-in with lock-out and rate limits, one-time activation
//! codes and the audit log. Sessions and role checks are in [`super::session`].

use super::session::{start_account_session, ACCOUNTS};
use crate::error::{AppError, FieldError};
use crate::model::auth::{mask_nip, AccountView, AgencyView, Role};
use crate::ssr::db::{self, accounts::AuditRecord, entities::account};
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::time::format_wib;
use crate::ssr::tokens::{hash_token, random_code};
use crate::ssr::AppState;
use axum::extract::ConnectInfo;
use axum::http::{header, request::Parts, HeaderValue};
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Failed passwords before an account is locked, and for how long.
pub const MAX_FAILURES: i32 = 5;
pub const LOCK_MINUTES: i64 = 15;
/// Sign-in and activation attempts allowed per IP address and per login in a window.
pub const ATTEMPTS_PER_WINDOW: usize = 10;
pub const WINDOW_SECONDS: u64 = 300;
/// How long an activation or reset code works.
pub const CODE_DAYS: i64 = 14;
pub const MIN_PASSWORD: usize = 12;
const MAX_PASSWORD: usize = 128;

/// Passwords refused whatever their length: the most common ones, in Indonesia too.
const COMMON_PASSWORDS: &[&str] = &[
    "password1234",
    "password12345",
    "password123456",
    "123456789012",
    "1234567890123",
    "qwerty123456",
    "qwertyuiop12",
    "1q2w3e4r5t6y",
    "abc123456789",
    "iloveyou1234",
    "passwordpassword",
    "admin1234567",
    "administrator",
    "welcome12345",
    "indonesia123",
    "indonesia1945",
    "merdeka17081945",
    "bismillah123",
    "bismillah1234",
    "alhamdulillah",
    "sayangku1234",
    "rahasia12345",
    "katasandi123",
    "katasandi1234",
    "passwordasn123",
    "pegawainegeri",
    "netra1234567",
    "jakarta12345",
    "aaaaaaaaaaaa",
    "111111111111",
    "000000000000",
    "123123123123",
    "qwertyqwerty",
    "asdfghjkl123",
    "zxcvbnm12345",
];

/// Argon2 runs at most one per core at a time: each takes 19 MiB and a core for tens of
/// milliseconds, so a flood of sign-ins waits its turn instead of filling the blocking pool
/// (512 threads, about 10 GB) and starving every other request of CPU.
fn argon2_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    })
}

/// Runs CPU-heavy `work` on the blocking pool once one of `slots` is free.
async fn run_limited<T: Send + 'static>(
    slots: &tokio::sync::Semaphore,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _slot = slots
        .acquire()
        .await
        .map_err(|e| AppError::internal("argon2 slots closed", e))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal("password task failed", e))
}

/// Hashes a password with argon2id (OWASP parameters: 19 MiB, 2 passes) and a random salt.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let password = password.to_string();
    run_limited(argon2_slots(), move || {
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
            .map_err(|e| AppError::internal("encoding a password salt", e))?;
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| {
                tracing::error!(error = %e, "hashing a password");
                AppError::Internal
            })
    })
    .await?
}

/// Checks a password against a stored hash. A malformed hash never matches.
pub async fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    let (password, hash) = (password.to_string(), hash.to_string());
    run_limited(argon2_slots(), move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// The password rules, with the reason in Indonesian.
pub fn check_password(password: &str, login: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    let lower = password.to_lowercase();
    let reason = if n < MIN_PASSWORD {
        Some(format!("Kata sandi minimal {MIN_PASSWORD} karakter."))
    } else if n > MAX_PASSWORD {
        Some(format!("Kata sandi maksimal {MAX_PASSWORD} karakter."))
    } else if COMMON_PASSWORDS.contains(&lower.as_str())
        || lower
            .chars()
            .all(|c| c == lower.chars().next().unwrap_or(' '))
    {
        Some("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain.".to_string())
    } else if !login.is_empty() && lower.contains(&login.to_lowercase()) {
        Some("Kata sandi tidak boleh memuat NIP atau nama pengguna Anda.".to_string())
    } else {
        None
    };
    reason.map_or(Ok(()), |r| Err(FieldError::new("password", r)))
}

/// Normalises what a person types as login: emails and usernames are case-insensitive; a NIP
/// may arrive with spaces.
pub fn normalise_login(login: &str) -> String {
    let trimmed = login.trim();
    if trimmed.chars().all(|c| c.is_ascii_digit() || c == ' ') {
        trimmed.replace(' ', "")
    } else {
        trimmed.to_lowercase()
    }
}

/// Sliding-window counter per key (IP address, login). In memory: with several processes each
/// keeps its own window, so the effective limit is per process; account lock-out is in the
/// database and holds across processes.
#[derive(Default)]
pub struct RateLimiter {
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Records one attempt, or says how many seconds to wait.
    pub fn check(&self, key: &str, limit: usize, window: std::time::Duration) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut hits) = self.hits.lock() else {
            return Ok(());
        };
        if hits.len() > 100_000 {
            // Bound memory under a flood of distinct keys: forget windows that have passed.
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let q = hits.entry(key.to_string()).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= limit {
            let oldest = q.front().copied().unwrap_or(now);
            let wait = window
                .saturating_sub(now.duration_since(oldest))
                .as_secs()
                .max(1);
            return Err(wait);
        }
        q.push_back(now);
        Ok(())
    }
}

/// The client's address as the server saw it (the socket peer).
pub fn client_ip() -> String {
    use_context::<Parts>()
        .and_then(|p| {
            // Behind a trusted proxy the server has resolved the real client already.
            p.extensions
                .get::<crate::ssr::http::ClientAddr>()
                .map(|c| c.0.to_string())
                .or_else(|| {
                    p.extensions
                        .get::<ConnectInfo<SocketAddr>>()
                        .map(|c| c.0.ip().to_string())
                })
        })
        .unwrap_or_else(|| "-".to_string())
}

fn rate_limit(state: &AppState, keys: &[String]) -> Result<(), AppError> {
    let window = std::time::Duration::from_secs(WINDOW_SECONDS);
    for key in keys {
        if let Err(wait) = state.limiter.check(key, ATTEMPTS_PER_WINDOW, window) {
            if let Some(res) = use_context::<ResponseOptions>() {
                if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                    res.insert_header(header::RETRY_AFTER, v);
                }
            }
            return Err(fail(AppError::TooManyRequests(wait)));
        }
    }
    Ok(())
}

pub async fn audit(
    state: &AppState,
    actor: Option<&account::Model>,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), AppError> {
    // The log is read by admins of every agency: NIPs in it are masked.
    let masked = |s: &str| {
        if s.len() == 18 && s.chars().all(|c| c.is_ascii_digit()) {
            mask_nip(s)
        } else {
            s.to_string()
        }
    };
    let actor_label = masked(actor.map(|a| a.login.as_str()).unwrap_or("-"));
    let target = masked(target);
    let record = AuditRecord {
        actor_id: actor.map(|a| a.id),
        actor: &actor_label,
        action,
        target: &target,
        ip: &client_ip(),
        detail,
    };
    db::accounts::audit(&state.db, record, Utc::now())
        .await
        .or_fail()
}

fn locked_message(until: DateTime<Utc>) -> AppError {
    AppError::Conflict(format!(
        "Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal. Coba lagi setelah {}, \
         atau minta kode baru kepada admin/operator.",
        format_wib(until)
    ))
}

fn wrong_credentials() -> AppError {
    AppError::invalid("password", "Nama pengguna/NIP atau kata sandi salah.")
}

/// Signs in with login (email, username or NIP) and password.
pub async fn sign_in(
    state: &AppState,
    login: &str,
    password: &str,
) -> Result<account::Model, AppError> {
    let login = normalise_login(login);
    rate_limit(
        state,
        &[format!("ip:{}", client_ip()), format!("login:{login}")],
    )?;
    let now = Utc::now();
    let Some(account) = db::accounts::by_login(&state.db, &login).await.or_fail()? else {
        // Same work as a real check, so timing does not reveal which logins exist.
        let _ = verify_password(password, DUMMY_HASH).await;
        audit(state, None, "sign_in_failed", &login, "unknown login").await?;
        return Err(fail(wrong_credentials()));
    };
    if let Some(until) = account.locked_until.filter(|u| *u > now) {
        audit(state, Some(&account), "sign_in_locked", &login, "").await?;
        return Err(fail(locked_message(until)));
    }
    let ok = match &account.password_hash {
        Some(hash) => verify_password(password, hash).await,
        None => false,
    };
    if !ok {
        let updated = db::accounts::record_failure(
            &state.db,
            account.id,
            MAX_FAILURES,
            now + Duration::minutes(LOCK_MINUTES),
        )
        .await
        .or_fail()?;
        audit(
            state,
            Some(&account),
            "sign_in_failed",
            &login,
            "wrong password",
        )
        .await?;
        if let Some(until) = updated.and_then(|a| a.locked_until).filter(|u| *u > now) {
            audit(state, Some(&account), "account_locked", &login, "").await?;
            return Err(fail(locked_message(until)));
        }
        return Err(fail(wrong_credentials()));
    }
    db::accounts::clear_failures(&state.db, account.id)
        .await
        .or_fail()?;
    start_account_session(state, account.id).await?;
    audit(state, Some(&account), "sign_in", &login, "").await?;
    Ok(account)
}

/// A valid argon2id hash of a random string, verified against when the login is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bmV0cmEtZHVtbXktc2FsdA$Jx+1rXH8b0w1jZQm3hUqTqv1cQ4m0sZ6YBf0zkVOnqk";

/// Activation (first password) or reset: login + one-time code + new password, then signed in.
pub async fn activate(
    state: &AppState,
    login: &str,
    code: &str,
    password: &str,
    confirm: &str,
) -> Result<account::Model, AppError> {
    let login = normalise_login(login);
    rate_limit(
        state,
        &[format!("ip:{}", client_ip()), format!("login:{login}")],
    )?;
    let mut errors = Vec::new();
    if let Err(e) = check_password(password, &login) {
        errors.push(e);
    }
    if password != confirm {
        errors.push(FieldError::new("confirm", "Ulangi kata sandi yang sama."));
    }
    let invalid_code = || {
        AppError::invalid("code", "Kode aktivasi tidak cocok, sudah dipakai, atau kedaluwarsa. Minta kode baru kepada operator.")
    };
    let account = db::accounts::by_login(&state.db, &login).await.or_fail()?;
    let Some(account) = account else {
        audit(state, None, "activation_failed", &login, "unknown login").await?;
        return Err(fail(invalid_code()));
    };
    if !errors.is_empty() {
        return Err(fail(AppError::Invalid(errors)));
    }
    let now = Utc::now();
    let hash = hash_password(password).await?;
    if !db::accounts::claim_code(
        &state.db,
        account.id,
        &hash_token(&normalise_code(code)),
        now,
    )
    .await
    .or_fail()?
    {
        audit(
            state,
            Some(&account),
            "activation_failed",
            &login,
            "bad code",
        )
        .await?;
        return Err(fail(invalid_code()));
    }
    db::accounts::set_password(&state.db, account.id, &hash)
        .await
        .or_fail()?;
    db::accounts::clear_failures(&state.db, account.id)
        .await
        .or_fail()?;
    ACCOUNTS.close_all_of(state, account.id).await?;
    audit(state, Some(&account), "activate", &login, "").await?;
    start_account_session(state, account.id).await?;
    Ok(account)
}

/// Code alphabet without look-alikes (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Issues a new one-time code for an account (activation or reset), retiring older ones. 12
/// characters from 31 symbols: about 59 bits, and sign-in attempts are rate limited.
pub async fn issue_code(
    state: &AppState,
    actor: &account::Model,
    target: &account::Model,
) -> Result<(String, DateTime<Utc>), AppError> {
    let code = random_code(CODE_ALPHABET, 12);
    let now = Utc::now();
    let expires = now + Duration::days(CODE_DAYS);
    db::accounts::replace_code(
        &state.db,
        target.id,
        &hash_token(&code),
        expires,
        actor.id,
        now,
    )
    .await
    .or_fail()?;
    audit(state, Some(actor), "issue_code", &target.login, "").await?;
    let shown = format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..]);
    Ok((shown, expires))
}

/// The DTO for an account, with its agency.
pub async fn view(state: &AppState, account: &account::Model) -> Result<AccountView, AppError> {
    let agency = match account.agency_id {
        Some(id) => db::accounts::agency(&state.db, id)
            .await
            .or_fail()?
            .map(|a| AgencyView {
                id: a.id,
                code: a.code,
                name: a.name,
            }),
        None => None,
    };
    Ok(AccountView {
        id: account.id,
        login: account.login.clone(),
        display_name: account.display_name.clone(),
        role: Role::from_code(&account.role).unwrap_or(Role::Learner),
        agency,
        activated: account.password_hash.is_some(),
        locked: account.locked_until.is_some_and(|u| u > Utc::now()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn heavy_password_work_never_runs_more_than_its_slots_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let slots = Arc::new(tokio::sync::Semaphore::new(2));
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (slots, running, most) = (slots.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    run_limited(&slots, move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("task").expect("ran");
        }
        assert_eq!(
            most.load(Ordering::SeqCst),
            2,
            "at most two at a time, and both used"
        );
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(check_password("pendek", "budi").is_err());
        assert!(
            check_password("Bismillah123", "budi").is_err(),
            "common, case-insensitive"
        );
        assert!(check_password("aaaaaaaaaaaaaa", "budi").is_err());
        assert!(
            check_password("198609122010011003x", "198609122010011003").is_err(),
            "contains the NIP"
        );
        assert!(check_password("kuda-laut-berenang-7", "budi").is_ok());
    }

    #[test]
    fn logins_are_normalised() {
        assert_eq!(
            normalise_login("  Admin@BKPSDM.go.id "),
            "admin@bkpsdm.go.id"
        );
        assert_eq!(
            normalise_login("19860912 201001 1 003"),
            "198609122010011003"
        );
    }

    #[test]
    fn the_rate_limiter_counts_per_key_and_says_how_long_to_wait() {
        let limiter = RateLimiter::default();
        let window = std::time::Duration::from_secs(60);
        for _ in 0..3 {
            assert!(limiter.check("a", 3, window).is_ok());
        }
        let wait = limiter
            .check("a", 3, window)
            .expect_err("fourth is refused");
        assert!((1..=60).contains(&wait));
        assert!(
            limiter.check("b", 3, window).is_ok(),
            "other keys are independent"
        );
    }

    #[test]
    fn codes_ignore_dashes_spaces_and_case() {
        assert_eq!(normalise_code("abcd-efgh jk23"), "ABCDEFGHJK23");
    }

    #[tokio::test]
    async fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("kuda-laut-berenang-7").await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("kuda-laut-berenang-7", &hash).await);
        assert!(!verify_password("kuda-laut-berenang-8", &hash).await);
        assert!(!verify_password("apa saja", DUMMY_HASH).await);
    }
}
