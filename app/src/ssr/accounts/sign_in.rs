//! Accounts: passwords (argon2id), sign-in with lock-out and rate limits, one-time activation
//! codes and the audit log. Sessions and role checks are in [`super::session`].

use super::session::{start_account_session, ACCOUNTS};
use crate::error::{AppError, FieldError};
use crate::model::assurance::Assurance;
use crate::model::auth::{mask_nip, AccountView, AgencyView, Role};
use crate::ssr::db::{self, accounts::AuditRecord, entities::account};
use crate::ssr::respond::{fail, OrFail};
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

/// Failed sign-ins on one login that cost nothing; after them each failure makes the next
/// attempt wait twice as long as the last, up to [`MAX_DELAY_SECONDS`]. There is no lock-out: a
/// stranger who types wrong passwords for someone delays them by a minute at most.
pub const FREE_FAILURES: u32 = 3;
pub const MAX_DELAY_SECONDS: u64 = 60;
/// A login's failures are forgotten this long after the last one.
const FAILURES_FORGOTTEN_AFTER: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// Sign-in and activation attempts allowed per address and login together, and per address
/// over all logins, in a window.
pub const ATTEMPTS_PER_LOGIN_AND_ADDRESS: usize = 10;
pub const ATTEMPTS_PER_ADDRESS: usize = 30;
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

/// Hashes a password with argon2id (OWASP parameters: 19 MiB, 2 passes) and a random salt.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let password = password.to_string();
    crate::ssr::cpu::PASSWORDS
        .run(move || {
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
    crate::ssr::cpu::PASSWORDS
        .run(move || {
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

/// Sliding-window counters per key (address, address and login) and the growing delay per
/// login. In memory: with several processes each keeps its own, so the limits hold per process.
#[derive(Default)]
pub struct RateLimiter {
    hits: Mutex<Hits>,
    failures: Mutex<HashMap<String, Failures>>,
}

/// Recent attempts per key, each key with its own window.
#[derive(Default)]
struct Hits {
    by_key: HashMap<String, (std::time::Duration, VecDeque<Instant>)>,
    last_sweep: Option<Instant>,
}

/// Keys kept before the expired ones are swept (bounds memory under a flood of made-up keys).
const MAX_KEYS: usize = 100_000;

/// Consecutive failed sign-ins on one login.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// When the next attempt may be made.
    fn next_allowed(&self) -> Instant {
        let over = self.count.saturating_sub(FREE_FAILURES);
        let delay = if over == 0 {
            0
        } else {
            (1u64 << (over - 1).min(16)).min(MAX_DELAY_SECONDS)
        };
        self.last + std::time::Duration::from_secs(delay)
    }
}

impl RateLimiter {
    /// Records one attempt, or says how many seconds to wait.
    pub fn check(&self, key: &str, limit: usize, window: std::time::Duration) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut hits) = self.hits.lock() else {
            return Ok(());
        };
        let hits = &mut *hits;
        // Full: sweep what expired, at most once a second (so a flood of made-up keys costs one
        // pass a second, not one per request). Still full: a new key is let through unrecorded,
        // so memory stays bounded; the per-address limits still hold.
        if hits.by_key.len() >= MAX_KEYS && !hits.by_key.contains_key(key) {
            if hits
                .last_sweep
                .is_none_or(|t| now.duration_since(t).as_secs() >= 1)
            {
                hits.by_key
                    .retain(|_, (w, q)| q.back().is_some_and(|t| now.duration_since(*t) < *w));
                hits.last_sweep = Some(now);
            }
            if hits.by_key.len() >= MAX_KEYS {
                return Ok(());
            }
        }
        let (_, q) = hits
            .by_key
            .entry(key.to_string())
            .or_insert_with(|| (window, VecDeque::new()));
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

    /// Seconds `login` must wait before its next attempt, if any.
    pub fn delay(&self, login: &str) -> Option<u64> {
        let now = Instant::now();
        let failures = *self.failures.lock().ok()?.get(login)?;
        let ready = failures.next_allowed();
        (ready > now).then(|| (ready - now).as_secs_f64().ceil() as u64)
    }

    /// Counts a failed attempt on `login`.
    pub fn failed(&self, login: &str) {
        let now = Instant::now();
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if failures.len() > MAX_KEYS {
            failures.retain(|_, f| now.duration_since(f.last) < FAILURES_FORGOTTEN_AFTER);
        }
        let entry = failures.entry(login.to_string()).or_insert(Failures {
            count: 0,
            last: now,
        });
        if now.duration_since(entry.last) >= FAILURES_FORGOTTEN_AFTER {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
    }

    /// Forgets the failures of `login` after a successful sign-in.
    pub fn succeeded(&self, login: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(login);
        }
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

/// Refuses with 429 and `Retry-After` once this address, or this address on this login, has
/// used up its window.
fn rate_limit(state: &AppState, login: &str) -> Result<(), AppError> {
    let window = std::time::Duration::from_secs(WINDOW_SECONDS);
    let ip = client_ip();
    for (key, limit) in [
        (format!("ip:{ip}"), ATTEMPTS_PER_ADDRESS),
        (
            format!("ip+login:{ip} {login}"),
            ATTEMPTS_PER_LOGIN_AND_ADDRESS,
        ),
    ] {
        throttle(state, &key, limit, window)?;
    }
    Ok(())
}

/// Counts one attempt on `key`; once `limit` are used in `window`, 429 with `Retry-After`.
pub fn throttle(
    state: &AppState,
    key: &str,
    limit: usize,
    window: std::time::Duration,
) -> Result<(), AppError> {
    state.limiter.check(key, limit, window).map_err(too_many)
}

fn too_many(wait: u64) -> AppError {
    if let Some(res) = use_context::<ResponseOptions>() {
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            res.insert_header(header::RETRY_AFTER, v);
        }
    }
    fail(AppError::TooManyRequests(wait))
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

/// The reason a staff action records in the audit log: whitespace collapsed, `min` to 300
/// characters, else `Invalid` on the `reason` field with `message`.
pub fn audit_reason(reason: &str, min: usize, message: &str) -> Result<String, AppError> {
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = reason.chars().count();
    if n < min || n > 300 {
        return Err(fail(AppError::invalid("reason", message)));
    }
    Ok(reason)
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
    rate_limit(state, &login)?;
    // The same answer whether the login exists or not.
    if let Some(wait) = state.limiter.delay(&login) {
        audit(state, None, "sign_in_delayed", &login, "").await?;
        return Err(too_many(wait));
    }
    let Some(account) = db::accounts::by_login(&state.db, &login).await.or_fail()? else {
        // Same work as a real check, so timing does not reveal which logins exist.
        let _ = verify_password(password, DUMMY_HASH).await;
        state.limiter.failed(&login);
        audit(state, None, "sign_in_failed", &login, "unknown login").await?;
        return Err(fail(wrong_credentials()));
    };
    let ok = match &account.password_hash {
        Some(hash) => verify_password(password, hash).await,
        None => false,
    };
    if !ok {
        state.limiter.failed(&login);
        db::accounts::record_failure(&state.db, account.id)
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
        return Err(fail(wrong_credentials()));
    }
    state.limiter.succeeded(&login);
    db::accounts::clear_failures(&state.db, account.id)
        .await
        .or_fail()?;
    start_account_session(state, account.id, Assurance::Account).await?;
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
    rate_limit(state, &login)?;
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
    end_self_declared_sessions(state, &account).await?;
    audit(state, Some(&account), "activate", &login, "").await?;
    start_account_session(state, account.id, Assurance::Account).await?;
    Ok(account)
}

/// Ends every self-declared session on the NIP of an employee's account, whatever claim it
/// belongs to: once the employee signs in (or is about to), typed identities stop.
pub async fn end_self_declared_sessions(
    state: &AppState,
    account: &account::Model,
) -> Result<(), AppError> {
    if let Some(employee_id) = account.employee_id {
        db::sessions::delete_learner_sessions_of_employee(&state.db, employee_id)
            .await
            .or_fail()?;
    }
    Ok(())
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
    // A new code (a reset) also ends every self-declared session on the employee's NIP.
    end_self_declared_sessions(state, target).await?;
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
        failed_sign_ins: account.failed_attempts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_flood_of_made_up_keys_stays_bounded_and_known_keys_stay_limited() {
        let limiter = RateLimiter::default();
        let window = std::time::Duration::from_secs(900);
        for _ in 0..2 {
            assert!(limiter.check("known", 2, window).is_ok());
        }
        for i in 0..MAX_KEYS + 5_000 {
            let _ = limiter.check(&format!("made-up-{i}"), 5, window);
        }
        let kept = limiter.hits.lock().map(|h| h.by_key.len()).unwrap_or(0);
        assert!(kept <= MAX_KEYS, "{kept} keys kept");
        assert!(
            limiter.check("known", 2, window).is_err(),
            "a key seen before the flood is still limited"
        );
    }

    #[test]
    fn failures_delay_the_next_attempt_doubling_up_to_a_minute() {
        let last = Instant::now();
        let delay = |count| {
            Failures { count, last }
                .next_allowed()
                .duration_since(last)
                .as_secs()
        };
        let delays: Vec<u64> = (0..=12).map(delay).collect();
        assert_eq!(delays, [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(delay(u32::MAX), MAX_DELAY_SECONDS, "no overflow");
        let limiter = RateLimiter::default();
        for _ in 0..FREE_FAILURES {
            limiter.failed("a");
        }
        assert_eq!(limiter.delay("a"), None, "free failures cost nothing");
        limiter.failed("a");
        assert_eq!(limiter.delay("a"), Some(1));
        assert_eq!(limiter.delay("b"), None, "other logins are independent");
        limiter.succeeded("a");
        assert_eq!(limiter.delay("a"), None);
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
