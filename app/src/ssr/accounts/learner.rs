//! Learner identity: validating the self-declared identity form, opening a claim for it and
//! keeping the learner identified with a server-side session behind an HttpOnly, SameSite=Lax
//! cookie; and who the learner of a request is, at which assurance level.

use super::session::{self, SignedIn, LEARNERS};
use crate::error::{AppError, FieldError};
use crate::model::assurance::Assurance;
use crate::model::nip::{Nip, YearMonth};
use crate::ssr::db::claims::{ClaimStatus, Holder};
use crate::ssr::db::entities::webinar_session;
use crate::ssr::db::sessions::Owner;
use crate::ssr::db::{self, entities::account, entities::employee, entities::learner_claim};
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
pub fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Self-declared identifications one NIP accepts per quarter hour, from anywhere.
const CLAIMS_PER_NIP: usize = 5;
const CLAIMS_PER_NIP_WINDOW_SECONDS: u64 = 15 * 60;

/// Refuses with 429 once this address has used up its identifications for the minute. Checked
/// before anything is read, so a flood of made-up forms costs no database work.
pub fn throttle_address(state: &AppState) -> Result<(), AppError> {
    let key = format!("identify-ip:{}", super::sign_in::client_ip());
    let limit = state.settings.identify_per_address_per_minute;
    let window = std::time::Duration::from_secs(60);
    super::sign_in::throttle(state, &key, limit, window)
}

fn throttle_nip(state: &AppState, nip: &str) -> Result<(), AppError> {
    let window = std::time::Duration::from_secs(CLAIMS_PER_NIP_WINDOW_SECONDS);
    super::sign_in::throttle(
        state,
        &format!("identify-nip:{nip}"),
        CLAIMS_PER_NIP,
        window,
    )
}

/// Opens a new claim on the identity's NIP and starts this browser's learner session for it,
/// in one transaction (one commit per identification).
///
/// Every identification is a claim of its own: it sees only what it does itself, never the
/// history of the NIP (the employee's record or other claims), and uses none of their attempts.
/// So typing a colleague's NIP and name opens nothing of theirs, and the answer is the same
/// whether the NIP is known or not. A NIP whose employee signs in (an activated account or the
/// agency's SSO) cannot be used on the form at all.
///
/// Identifying on a webinar's page (`joining`) also records the attendee as a participant, in the
/// same transaction: the page the form leads to then only reads.
pub async fn identify(
    state: &AppState,
    identity: &Identity,
    joining: Option<&webinar_session::Model>,
) -> Result<Me, AppError> {
    throttle_nip(state, identity.nip.as_str())?;
    let existing = db::employees::find_by_nip(&state.db, identity.nip.as_str())
        .await
        .or_fail()?;
    if let Some(existing) = &existing {
        let account = db::accounts::by_employee(&state.db, existing.id)
            .await
            .or_fail()?;
        if account.is_some_and(|a| signs_in(&a)) {
            return Err(AppError::Invalid(vec![FieldError::new(
                "nip",
                "NIP ini sudah memiliki akun. Silakan masuk dengan akun Anda di halaman Masuk; \
                 formulir isian sendiri tidak dapat dipakai untuk NIP ini.",
            )]))
            .or_fail();
        }
    }
    let now = Utc::now();
    let opening = LEARNERS.opening(state);
    let identity = identity.clone();
    let session_id = joining.map(|s| s.id);
    // The transaction runs on the writer's thread; from here on nothing reads the request.
    let (me, token) = state
        .writer
        .run(move |txn| async move {
            let employee = match existing {
                Some(e) => e,
                None => {
                    db::employees::insert(
                        &txn,
                        identity.nip.as_str(),
                        &identity.name,
                        &identity.instansi,
                        &identity.unit_kerja,
                    )
                    .await?
                }
            };
            let typed = db::claims::Typed {
                name: &identity.name,
                instansi: &identity.instansi,
                unit_kerja: &identity.unit_kerja,
            };
            let claim = db::claims::create(&txn, employee.id, typed, now).await?;
            let owner = Owner::Claim {
                id: claim.id,
                employee_id: employee.id,
            };
            opening.write(&txn, owner).await?;
            let me = Me::of_claim(employee, &claim);
            if let Some(session_id) = session_id {
                db::webinars::join(&txn, session_id, &me, me.holder, me.assurance, now).await?;
            }
            txn.commit().await?;
            Ok::<_, sea_orm::DbErr>((me, opening.token))
        })
        .await
        .or_fail()?;
    if let Some(session_id) = session_id {
        state.session_rows.joined(session_id, me.id);
    }
    LEARNERS.set_cookie(state, &token);
    super::session::HandOver::offer(&me);
    Ok(me)
}

/// Whether an account is how its employee signs in (activated with a password, or used through
/// SSO): such a NIP is closed to the self-declared form.
pub fn signs_in(account: &account::Model) -> bool {
    account.password_hash.is_some() || account.sso_subject.is_some()
}

/// The learner behind this request: who they are as far as Netra knows, how sure it is
/// ([`Assurance`]) and whose history they see and add to ([`Holder`]).
#[derive(Clone, Debug)]
pub struct Me {
    /// The employee, with the name, agency and unit the claim typed when self-declared.
    pub employee: employee::Model,
    pub assurance: Assurance,
    pub holder: Holder,
}

impl Me {
    /// A self-declared claim: its own history until confirmed, then the employee's record.
    fn of_claim(mut employee: employee::Model, claim: &learner_claim::Model) -> Me {
        let holder = match ClaimStatus::of(claim) {
            ClaimStatus::Confirmed => Holder::record(employee.id),
            _ => Holder::claim(employee.id, claim.id),
        };
        employee.name = claim.name.clone();
        employee.instansi = claim.instansi.clone();
        employee.unit_kerja = claim.unit_kerja.clone();
        Me {
            employee,
            assurance: Assurance::SelfDeclared,
            holder,
        }
    }

    /// Signed in (account or SSO): the employee's own record.
    fn signed_in(employee: employee::Model, assurance: Assurance) -> Me {
        Me {
            holder: Holder::record(employee.id),
            employee,
            assurance,
        }
    }

    /// Signed in rather than self-declared.
    pub fn is_signed_in(&self) -> bool {
        self.assurance >= Assurance::Account
    }
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
    let account = session::signed_in(state).await?;
    lookup_with(state, account.as_ref(), LEARNERS.token()).await
}

/// The learner for a signed-in account linked to an employee, or a learner session's claim.
pub(crate) async fn lookup_with(
    state: &AppState,
    account: Option<&SignedIn>,
    token: Option<String>,
) -> Result<Option<Me>, AppError> {
    // A signed-in account linked to an employee is the stronger identity.
    if let Some(signed_in) = account {
        if let Some(employee_id) = signed_in.account.employee_id {
            let employee = db::employees::find(&state.db, employee_id)
                .await
                .map_err(db_error)?;
            return Ok(employee.map(|e| Me::signed_in(e, signed_in.assurance)));
        }
    }
    let Some(token) = token else { return Ok(None) };
    let Some(live) = LEARNERS.live(state, &token).await? else {
        return Ok(None);
    };
    let found = db::claims::with_employee(&state.db, live.owner_id)
        .await
        .map_err(db_error)?;
    Ok(found
        .filter(|(claim, _)| ClaimStatus::of(claim) != ClaimStatus::Rejected)
        .map(|(claim, employee)| Me::of_claim(employee, &claim)))
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
