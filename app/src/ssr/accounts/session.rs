//! One session store for accounts and self-declared learners, parameterised by cookie name,
//! lifetime and table ([`Store`]), and the role checks built on it.
//!
//! Authorization happens here and only here: every protected server function starts with
//! [`require`], which answers `Unauthorized` to the anonymous and `Forbidden` to other roles.
//! Data of another agency is looked up with the actor's agency in the query, so it is `NotFound`.

use crate::error::AppError;
use crate::model::assurance::Assurance;
use crate::model::auth::Role;
use crate::ssr::accounts::learner::{self, Me};
use crate::ssr::db::{
    self,
    entities::account,
    sessions::{Kind, Live, Owner},
};
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::tokens::{hash_token, is_token, new_token};
use crate::ssr::{AppState, Settings};
use axum::http::{header, request::Parts, HeaderValue};
use chrono::{Duration, Utc};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use sea_orm::ConnectionTrait;

/// A kind of session: its cookie, its table, how long it lives without use and how long it
/// lives at most, however much it is used.
#[derive(Debug, Clone, Copy)]
pub struct Store {
    /// The cookie's name over plain HTTP (development, tests).
    cookie: &'static str,
    /// The cookie's name over HTTPS: the `__Host-` prefix makes browsers refuse it unless it is
    /// `Secure`, has `Path=/` and no `Domain`, so a sibling subdomain cannot plant or overwrite it.
    secure_cookie: &'static str,
    kind: Kind,
    idle: fn(&Settings) -> Duration,
    lifetime: fn(&Settings) -> Duration,
}

/// Staff accounts (hosts, operators, admins) and employees who activated theirs.
pub const ACCOUNTS: Store = Store {
    cookie: "netra_akun",
    secure_cookie: "__Host-netra_akun",
    kind: Kind::Account,
    idle: |s| Duration::hours(s.account_idle_hours),
    lifetime: |s| Duration::hours(s.account_lifetime_hours),
};

/// Learners identified by the self-declared form.
pub const LEARNERS: Store = Store {
    cookie: "netra_sesi",
    secure_cookie: "__Host-netra_sesi",
    kind: Kind::Learner,
    idle: |s| Duration::days(s.session_idle_days),
    lifetime: |s| Duration::days(s.session_lifetime_days),
};

/// A session about to be opened ([`Store::opening`]).
#[derive(Debug)]
pub struct Opening {
    /// The hash of the browser's current session of this kind, ended when this one opens.
    replaces: Option<String>,
    /// The new session's token, for [`Store::set_cookie`] once written.
    pub token: String,
    kind: Kind,
    now: chrono::DateTime<Utc>,
    expires: chrono::DateTime<Utc>,
    ends: chrono::DateTime<Utc>,
}

impl Opening {
    /// Ends the session it replaces and writes the new one for `owner` on `db`.
    pub async fn write(
        &self,
        db: &impl ConnectionTrait,
        owner: Owner<'_>,
    ) -> Result<(), sea_orm::DbErr> {
        if let Some(old) = &self.replaces {
            db::sessions::delete(db, self.kind, old).await?;
        }
        let token_hash = hash_token(&self.token);
        db::sessions::create(db, owner, &token_hash, self.now, self.expires, self.ends).await
    }
}

/// A session is written back (its expiry slid forward) at most this often: one write per page
/// view would be wasteful.
const TOUCH_EVERY_MINUTES: i64 = 5;

impl Store {
    /// The cookie's name: with the `__Host-` prefix when cookies are `Secure`.
    pub fn cookie_name(&self, settings: &Settings) -> &'static str {
        if settings.secure_cookies {
            self.secure_cookie
        } else {
            self.cookie
        }
    }

    /// This store's token in the current request's cookies.
    pub fn token(&self) -> Option<String> {
        let settings = use_context::<AppState>()?.settings;
        self.token_in(&use_context::<Parts>()?.headers, &settings)
    }

    /// This store's token in `headers`.
    pub fn token_in(&self, headers: &axum::http::HeaderMap, settings: &Settings) -> Option<String> {
        cookie_in(headers, self.cookie_name(settings))
    }

    /// The live session of a token (its owner: an account or a claim), sliding its expiry
    /// forward.
    pub async fn live(&self, state: &AppState, token: &str) -> Result<Option<Live>, AppError> {
        let now = Utc::now();
        let Some(session) = db::sessions::find_live(&state.db, self.kind, &hash_token(token), now)
            .await
            .or_fail()?
        else {
            return Ok(None);
        };
        if session.ends_at.is_some_and(|end| end <= now) {
            return Ok(None);
        }
        if now - session.last_seen_at > Duration::minutes(TOUCH_EVERY_MINUTES) {
            let slid = now + (self.idle)(&state.settings);
            let expires = session.ends_at.map_or(slid, |end| slid.min(end));
            db::sessions::touch(&state.db, self.kind, session.id, now, expires)
                .await
                .or_fail()?;
        }
        Ok(Some(session))
    }

    /// Replaces this browser's session of this kind (if any) with a new one for `owner`,
    /// written on `db` (the pool or the caller's transaction). A new random token every time:
    /// no session fixation. Returns the token for [`Store::set_cookie`], to be called once `db`
    /// has committed.
    pub async fn open(
        &self,
        state: &AppState,
        db: &impl ConnectionTrait,
        owner: Owner<'_>,
    ) -> Result<String, AppError> {
        let opening = self.opening(state);
        opening.write(db, owner).await.or_fail()?;
        Ok(opening.token)
    }

    /// [`Store::open`] in two halves: what the request knows (the browser's old session, the
    /// new token and times), and [`Opening::write`], which needs nothing of the request and so
    /// can run in a write job (`db::Writer::run`).
    pub fn opening(&self, state: &AppState) -> Opening {
        let now = Utc::now();
        Opening {
            replaces: self.token().map(|old| hash_token(&old)),
            token: new_token(),
            kind: self.kind,
            now,
            expires: now + (self.idle)(&state.settings),
            ends: now + (self.lifetime)(&state.settings),
        }
    }

    /// Sends the cookie for a session [`Store::open`] made.
    pub fn set_cookie(&self, state: &AppState, token: &str) {
        let max_age = (self.idle)(&state.settings).num_seconds();
        let name = self.cookie_name(&state.settings);
        set_cookie(name, token, max_age, state.settings.secure_cookies);
    }

    /// Ends this browser's session of this kind on the server and clears its cookie.
    pub async fn close(&self, state: &AppState) -> Result<(), AppError> {
        if let Some(token) = self.token() {
            db::sessions::delete(&state.db, self.kind, &hash_token(&token))
                .await
                .or_fail()?;
        }
        let name = self.cookie_name(&state.settings);
        set_cookie(name, "", 0, state.settings.secure_cookies);
        Ok(())
    }

    /// Ends every session of an owner, everywhere (password change, reset, deletion).
    pub async fn close_all_of(&self, state: &AppState, owner_id: i64) -> Result<(), AppError> {
        db::sessions::delete_all_of(&state.db, self.kind, owner_id)
            .await
            .or_fail()
    }
}

/// A session token from the request's cookies (64 hex digits, or nothing).
pub(crate) fn cookie_in(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    raw_cookie(headers, name).filter(|v| is_token(v))
}

/// The value of the first cookie named `name`, as sent.
fn raw_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_string())
}

/// A short opaque cookie value (an SSO state: base64url), or nothing.
pub(crate) fn cookie_value(name: &str) -> Option<String> {
    raw_cookie(&use_context::<Parts>()?.headers, name).filter(|v| {
        v.len() <= 128
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

pub(crate) fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) {
    if let Some(res) = use_context::<ResponseOptions>() {
        let cookie = format!(
            "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{}",
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.append_header(header::SET_COOKIE, v);
        }
    }
}

/// Who sent a request, resolved once before rendering starts (by the server's middleware), so
/// the page and header never race each other for the same session lookups.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    pub account: Option<SignedIn>,
    pub learner: Option<Me>,
}

/// A signed-in account and how it signed in (a password, or the agency's SSO).
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub account: account::Model,
    pub assurance: Assurance,
}

/// Resolves the account and learner sessions named by the request's cookies. Without any
/// session cookie nothing is looked up.
pub async fn resolve(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<Resolved, AppError> {
    let account = match ACCOUNTS.token_in(headers, &state.settings) {
        Some(token) => account_of_token(state, &token).await?,
        None => None,
    };
    let learner = learner::lookup_with(
        state,
        account.as_ref(),
        LEARNERS.token_in(headers, &state.settings),
    )
    .await?;
    Ok(Resolved { account, learner })
}

/// A slot a request carries for who it identified: `POST /w/{code}` (server/src/http/join.rs)
/// identifies and then renders the attendee's page in the same response, and hands the page the
/// learner the identification opened a session for, instead of the page looking that session up
/// again. Only server code can put it in a request's extensions.
#[derive(Clone, Debug, Default)]
pub struct HandOver(std::sync::Arc<std::sync::Mutex<Option<Resolved>>>);

impl HandOver {
    /// Who the request resolved to, if it offered anyone (once).
    pub fn take(&self) -> Option<Resolved> {
        self.0.lock().ok()?.take()
    }

    /// Offers `learner`, just identified on this request, to the page rendered after it. Not
    /// offered when the browser also has an account session: the account's employee may be who
    /// the page shows, and the page looks it up as for any request.
    pub(crate) fn offer(learner: &Me) {
        if ACCOUNTS.token().is_some() {
            return;
        }
        let Some(slot) = use_context::<Parts>().and_then(|p| p.extensions.get::<Self>().cloned())
        else {
            return;
        };
        let resolved = Resolved {
            account: None,
            learner: Some(learner.clone()),
        };
        if let Ok(mut held) = slot.0.lock() {
            *held = Some(resolved);
        };
    }
}

pub(crate) fn resolved() -> Option<Resolved> {
    use_context::<Parts>().and_then(|p| p.extensions.get::<Resolved>().cloned())
}

/// The signed-in account, if any: as resolved by the middleware, else looked up from the cookie
/// (no cookie costs nothing; a failed resolution reports its error here). Slides the expiry.
pub async fn current(state: &AppState) -> Result<Option<account::Model>, AppError> {
    Ok(signed_in(state).await?.map(|s| s.account))
}

/// The signed-in account with how it signed in.
pub async fn signed_in(state: &AppState) -> Result<Option<SignedIn>, AppError> {
    match resolved() {
        Some(r) => Ok(r.account),
        None => match ACCOUNTS.token() {
            Some(token) => account_of_token(state, &token).await,
            None => Ok(None),
        },
    }
}

async fn account_of_token(state: &AppState, token: &str) -> Result<Option<SignedIn>, AppError> {
    let Some(live) = ACCOUNTS.live(state, token).await? else {
        return Ok(None);
    };
    let account = db::accounts::by_id(&state.db, live.owner_id)
        .await
        .or_fail()?;
    Ok(account.map(|account| SignedIn {
        account,
        // An account session is at least `account`, whatever the column holds.
        assurance: live
            .assurance
            .as_deref()
            .map_or(Assurance::Account, Assurance::from_code)
            .max(Assurance::Account),
    }))
}

/// The signed-in account with one of `roles`: `Unauthorized` when nobody is signed in,
/// `Forbidden` for any other role.
pub async fn require(state: &AppState, roles: &[Role]) -> Result<account::Model, AppError> {
    let account = current(state)
        .await?
        .ok_or(AppError::Unauthorized)
        .or_fail()?;
    match Role::from_code(&account.role) {
        Some(role) if roles.contains(&role) => Ok(account),
        _ => Err(fail(AppError::Forbidden)),
    }
}

/// The agency an operator account is scoped to. An operator without one sees nothing.
pub fn agency_of(account: &account::Model) -> Result<i64, AppError> {
    account.agency_id.ok_or(AppError::Forbidden).or_fail()
}

/// Signs an account in on this browser, at a level (a password, or the agency's SSO): any
/// earlier session here, account or learner, is ended first and a fresh one started.
pub async fn start_account_session(
    state: &AppState,
    account_id: i64,
    assurance: Assurance,
) -> Result<(), AppError> {
    LEARNERS.close(state).await?;
    let owner = Owner::Account {
        id: account_id,
        assurance: assurance.code(),
    };
    let token = ACCOUNTS.open(state, &state.db, owner).await?;
    ACCOUNTS.set_cookie(state, &token);
    Ok(())
}
