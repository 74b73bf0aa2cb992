//! Learner identity: validating the self-declared identity form and keeping the learner
//! identified with a server-side session behind an HttpOnly, SameSite=Lax cookie.

use super::session::{self, LEARNERS};
use crate::error::{AppError, FieldError};
use crate::model::nip::{Nip, YearMonth};
use crate::ssr::db::{self, entities::account, entities::employee, entities::webinar_session};
use crate::ssr::respond::{db_error, OrFail};
use crate::ssr::AppState;
use chrono::{Datelike, Utc};
const MAX_TEXT: usize = 200;

/// A validated identity form.
#[derive(Debug, Clone)]
pub struct Identity {
    pub nip: Nip,
    pub name: String,
    pub instansi: String,
    pub unit_kerja: String,
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// This month, the bound for a NIP's TMT (every NIP check uses it).
pub fn today() -> YearMonth {
    let now = Utc::now();
    YearMonth {
        year: now.year() as u32,
        month: now.month(),
    }
}

/// Checks every field and reports all problems at once, in Indonesian.
pub fn validate(
    nip: &str,
    name: &str,
    instansi: &str,
    unit_kerja: &str,
) -> Result<Identity, AppError> {
    let today = today();
    let mut errors = Vec::new();
    let nip = match Nip::parse(nip, today) {
        Ok(nip) => Some(nip),
        Err(e) => {
            errors.push(FieldError::new("nip", e.to_string()));
            None
        }
    };
    let mut text = |field: &str, value: &str, label: &str| -> String {
        let value = clean(value);
        if value.chars().count() < 2 {
            errors.push(FieldError::new(field, format!("{label} wajib diisi.")));
        } else if value.chars().count() > MAX_TEXT {
            errors.push(FieldError::new(
                field,
                format!("{label} terlalu panjang (maksimal {MAX_TEXT} karakter)."),
            ));
        } else if value.chars().any(char::is_control) {
            errors.push(FieldError::new(
                field,
                format!("{label} berisi karakter yang tidak diizinkan."),
            ));
        }
        value
    };
    let name = text("name", name, "Nama lengkap");
    let instansi = text("instansi", instansi, "Instansi");
    let unit_kerja = text("unit_kerja", unit_kerja, "Unit kerja");
    match nip {
        Some(nip) if errors.is_empty() => Ok(Identity {
            nip,
            name,
            instansi,
            unit_kerja,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Names compared loosely: case, spacing, punctuation and academic titles' dots do not matter.
fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Finds or creates the employee for an identity and starts this browser's learner session,
/// in one transaction (one commit per identification). A NIP already on record under a clearly
/// different name is refused, so typing someone else's NIP does not open their results; a NIP
/// with an activated account can only be used by signing in.
///
/// Identifying on a webinar's page (`joining`) also records the attendee as a participant, in the
/// same transaction: the page the form leads to then only reads.
pub async fn identify(
    state: &AppState,
    identity: &Identity,
    joining: Option<&webinar_session::Model>,
) -> Result<employee::Model, AppError> {
    let existing = db::employees::find_by_nip(&state.db, identity.nip.as_str())
        .await
        .or_fail()?;
    if let Some(existing) = &existing {
        let account = db::accounts::by_employee(&state.db, existing.id)
            .await
            .or_fail()?;
        if account.is_some_and(|a| a.password_hash.is_some()) {
            return Err(AppError::Invalid(vec![FieldError::new(
                "nip",
                "NIP ini sudah memiliki akun terverifikasi. Silakan masuk dengan NIP dan kata sandi Anda di halaman Masuk.",
            )]))
            .or_fail();
        }
        if name_key(&existing.name) != name_key(&identity.name) {
            return Err(AppError::Invalid(vec![FieldError::new(
                "name",
                "NIP ini sudah tercatat dengan nama lain. Tulis nama lengkap Anda persis seperti saat pertama kali \
                 mengisi, atau hubungi admin BKPSDM instansi Anda.",
            )]));
        }
    }
    let txn = db::begin_write(&state.db).await.or_fail()?;
    let employee = db::employees::upsert(
        &txn,
        identity.nip.as_str(),
        &identity.name,
        &identity.instansi,
        &identity.unit_kerja,
    )
    .await
    .or_fail()?;
    let token = LEARNERS.open(state, &txn, employee.id).await?;
    if let Some(session) = joining {
        db::webinars::join(&txn, session.id, &employee, false, Utc::now())
            .await
            .or_fail()?;
    }
    txn.commit().await.or_fail()?;
    LEARNERS.set_cookie(state, &token);
    Ok(employee)
}

/// The learner behind this request, and whether the identity was verified (signed in to an
/// account linked to a rostered employee) or only declared on the identification form.
#[derive(Clone, Debug)]
pub struct Me {
    pub employee: employee::Model,
    pub verified: bool,
}

impl std::ops::Deref for Me {
    type Target = employee::Model;
    fn deref(&self) -> &employee::Model {
        &self.employee
    }
}

/// The learner identified in this browser, if any. Slides the session's expiry forward.
pub async fn current(state: &AppState) -> Result<Option<Me>, AppError> {
    // Resolved once per request by the server's middleware; looked up here only without it.
    match session::resolved() {
        Some(r) => Ok(r.learner),
        None => lookup(state).await,
    }
}

async fn lookup(state: &AppState) -> Result<Option<Me>, AppError> {
    let account = session::current(state).await?;
    lookup_with(state, account.as_ref(), LEARNERS.token()).await
}

/// The learner for a signed-in account (verified) or a learner session token (self-declared).
pub(crate) async fn lookup_with(
    state: &AppState,
    account: Option<&account::Model>,
    token: Option<String>,
) -> Result<Option<Me>, AppError> {
    // A signed-in account linked to an employee is the stronger identity.
    if let Some(employee_id) = account.and_then(|a| a.employee_id) {
        let employee = db::employees::find(&state.db, employee_id)
            .await
            .map_err(db_error)?;
        return Ok(employee.map(|employee| Me {
            employee,
            verified: true,
        }));
    }
    let Some(token) = token else { return Ok(None) };
    let Some(employee_id) = LEARNERS.owner(state, &token).await? else {
        return Ok(None);
    };
    let employee = db::employees::find(&state.db, employee_id)
        .await
        .map_err(db_error)?;
    Ok(employee.map(|employee| Me {
        employee,
        verified: false,
    }))
}

/// The learner, or `Unauthorized`.
pub async fn require(state: &AppState) -> Result<Me, AppError> {
    current(state)
        .await?
        .ok_or(AppError::Unauthorized)
        .or_fail()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let err = validate("123", " ", "", "x").expect_err("invalid");
        for field in ["nip", "name", "instansi", "unit_kerja"] {
            assert!(
                err.field_message(field).is_some(),
                "missing error for {field}: {err:?}"
            );
        }
    }

    #[test]
    fn whitespace_is_normalised() {
        let id = validate(
            "19860912 201001 1 003",
            "  Budi   Santoso ",
            "Pemkab Sleman",
            "BKPSDM",
        )
        .expect("valid");
        assert_eq!(id.name, "Budi Santoso");
        assert_eq!(id.nip.as_str(), "198609122010011003");
    }

    #[test]
    fn names_match_regardless_of_case_and_punctuation() {
        assert_eq!(
            name_key("Dr. Budi Santoso, S.H."),
            name_key("dr budi santoso sh")
        );
        assert_ne!(name_key("Budi Santoso"), name_key("Siti Aminah"));
    }
}
