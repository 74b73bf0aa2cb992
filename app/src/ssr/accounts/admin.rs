//! Admin actions: agencies and staff accounts. Callers have already checked the admin role.

use super::session::ACCOUNTS;
use super::sign_in as auth;
use crate::error::{AppError, FieldError};
use crate::model::auth::{IssuedCode, Role};
use crate::ssr::db::{self, accounts::NewAccount, entities::account};
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::time::format_wib;
use crate::ssr::AppState;

fn valid_code(code: &str) -> bool {
    (2..=64).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub async fn create_agency(
    state: &AppState,
    actor: &account::Model,
    code: &str,
    name: &str,
) -> Result<(), AppError> {
    let (code, name) = (
        code.trim().to_lowercase(),
        name.split_whitespace().collect::<Vec<_>>().join(" "),
    );
    let mut errors = Vec::new();
    if !valid_code(&code) {
        errors.push(FieldError::new(
            "code",
            "Kode instansi 2-64 karakter: huruf kecil, angka dan tanda minus.",
        ));
    }
    if !(3..=200).contains(&name.chars().count()) {
        errors.push(FieldError::new(
            "name",
            "Nama instansi wajib diisi (3-200 karakter).",
        ));
    }
    if !errors.is_empty() {
        return Err(fail(AppError::Invalid(errors)));
    }
    if db::accounts::agency_by_code(&state.db, &code)
        .await
        .or_fail()?
        .is_some()
    {
        return Err(fail(AppError::invalid(
            "code",
            "Kode instansi ini sudah dipakai.",
        )));
    }
    db::accounts::create_agency(&state.db, &code, &name)
        .await
        .or_fail()?;
    auth::audit(state, Some(actor), "create_agency", &code, &name).await
}

/// A staff login is an email address or a username: letters, digits, `.`, `_`, `-`, `@`.
fn valid_login(login: &str) -> bool {
    (3..=254).contains(&login.len())
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+'))
        && !login.chars().all(|c| c.is_ascii_digit())
}

pub async fn create_staff(
    state: &AppState,
    actor: &account::Model,
    role: &str,
    login: &str,
    display_name: &str,
    agency_code: &str,
) -> Result<IssuedCode, AppError> {
    let login = auth::normalise_login(login);
    let display_name = display_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut errors = Vec::new();
    let role = match Role::from_code(role) {
        Some(r @ (Role::Admin | Role::Operator | Role::Host)) => Some(r),
        _ => {
            errors.push(FieldError::new(
                "role",
                "Pilih peran: admin, operator, atau penyelenggara.",
            ));
            None
        }
    };
    if !valid_login(&login) {
        errors.push(FieldError::new(
            "login",
            "Email atau nama pengguna 3-254 karakter (huruf, angka, . _ - @), bukan NIP.",
        ));
    }
    if !(2..=200).contains(&display_name.chars().count()) {
        errors.push(FieldError::new("display_name", "Nama wajib diisi."));
    }
    let agency = match agency_code.trim() {
        "" => None,
        code => match db::accounts::agency_by_code(&state.db, &code.to_lowercase())
            .await
            .or_fail()?
        {
            Some(a) => Some(a),
            None => {
                errors.push(FieldError::new("agency_code", "Instansi tidak dikenal."));
                None
            }
        },
    };
    if role == Some(Role::Operator)
        && agency.is_none()
        && errors.iter().all(|e| e.field != "agency_code")
    {
        errors.push(FieldError::new(
            "agency_code",
            "Operator harus terikat pada satu instansi.",
        ));
    }
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return Err(fail(AppError::Invalid(errors)));
    };
    if db::accounts::by_login(&state.db, &login)
        .await
        .or_fail()?
        .is_some()
    {
        return Err(fail(AppError::invalid(
            "login",
            "Email atau nama pengguna ini sudah dipakai.",
        )));
    }
    let account = db::accounts::create(
        &state.db,
        NewAccount {
            role: role.code(),
            login: &login,
            display_name: &display_name,
            password_hash: None,
            agency_id: agency.as_ref().map(|a| a.id),
            employee_id: None,
        },
    )
    .await
    .or_fail()?;
    auth::audit(state, Some(actor), "create_account", &login, role.code()).await?;
    let (code, expires) = auth::issue_code(state, actor, &account).await?;
    Ok(IssuedCode {
        login,
        name: display_name,
        code,
        expires: format_wib(expires),
    })
}

pub async fn reset_staff(
    state: &AppState,
    actor: &account::Model,
    account_id: i64,
) -> Result<IssuedCode, AppError> {
    let account = db::accounts::by_id(&state.db, account_id)
        .await
        .or_fail()?
        .filter(|a| a.role != Role::Learner.code())
        .ok_or(AppError::NotFound)
        .map_err(fail)?;
    // The old password stops working at once: a reset is also how a compromised account is closed.
    ACCOUNTS.close_all_of(state, account.id).await?;
    let (code, expires) = auth::issue_code(state, actor, &account).await?;
    Ok(IssuedCode {
        login: account.login,
        name: account.display_name,
        code,
        expires: format_wib(expires),
    })
}

/// Creates an account from the command line (the first admin): no code, the password given.
pub async fn create_with_password(
    state_db: &sea_orm::DatabaseConnection,
    role: Role,
    login: &str,
    display_name: &str,
    password: &str,
    agency_id: Option<i64>,
) -> Result<account::Model, AppError> {
    let login = auth::normalise_login(login);
    if !valid_login(&login) {
        return Err(AppError::invalid(
            "login",
            "Email atau nama pengguna tidak valid.",
        ));
    }
    auth::check_password(password, &login).map_err(|e| AppError::Invalid(vec![e]))?;
    if db::accounts::by_login(state_db, &login)
        .await
        .map_err(crate::ssr::respond::db_error)?
        .is_some()
    {
        return Err(AppError::Conflict(format!("Akun `{login}` sudah ada.")));
    }
    let hash = auth::hash_password(password).await?;
    let account = db::accounts::create(
        state_db,
        NewAccount {
            role: role.code(),
            login: &login,
            display_name,
            password_hash: Some(hash),
            agency_id,
            employee_id: None,
        },
    )
    .await
    .map_err(crate::ssr::respond::db_error)?;
    db::accounts::audit(
        state_db,
        db::accounts::AuditRecord {
            actor_id: None,
            actor: "cli",
            action: "create_account",
            target: &login,
            ip: "-",
            detail: role.code(),
        },
        chrono::Utc::now(),
    )
    .await
    .map_err(crate::ssr::respond::db_error)?;
    Ok(account)
}
