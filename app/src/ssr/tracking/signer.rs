//! The official who signs an agency's module certificates, set by its operators.

use crate::error::AppError;
use crate::ssr::accounts::sign_in::audit;
use crate::ssr::db::entities::{account, agency};
use crate::ssr::learning::certificates::Signer;
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::AppState;
use sea_orm::{ActiveModelTrait, Set};

/// Sets the official who signs an agency's certificates for mandatory modules (operators).
pub async fn set_agency_signer(
    state: &AppState,
    actor: &account::Model,
    name: &str,
    nip: &str,
    position: &str,
) -> Result<(), AppError> {
    let agency = super::import::agency_of(state, actor).await?;
    let mut errors = Vec::new();
    let signer = Signer::parse(name, nip, position, &mut errors);
    if !errors.is_empty() {
        return Err(fail(AppError::Invalid(errors)));
    }
    let mut row: agency::ActiveModel = agency.clone().into();
    row.signer_name = Set(signer.name.clone());
    row.signer_nip = Set(signer.nip.clone());
    row.signer_position = Set(signer.position.clone());
    row.update(&state.db).await.or_fail()?;
    audit(
        state,
        Some(actor),
        "certificate_signer",
        &agency.code,
        &format!("{} ({})", signer.name, signer.position),
    )
    .await
}

/// Sets an agency's policy: the weakest assurance level whose pass counts as completion, JP and
/// a module certificate. An operator sets their own agency's; an admin any agency's. Nothing is
/// recomputed: every dashboard, export and ledger applies the policy when it is shown, with the
/// level of each pass beside it.
pub async fn set_policy(
    state: &AppState,
    actor: &account::Model,
    agency_id: Option<i64>,
    level: &str,
) -> Result<(), AppError> {
    use crate::model::assurance::Assurance;
    use crate::model::auth::Role;
    let agency = match (Role::from_code(&actor.role), agency_id) {
        (Some(Role::Admin), Some(id)) => crate::ssr::db::accounts::agency(&state.db, id)
            .await
            .or_fail()?
            .ok_or(AppError::NotFound)
            .map_err(fail)?,
        (Some(Role::Operator), _) => super::import::agency_of(state, actor).await?,
        (Some(Role::Admin), None) => {
            return Err(fail(AppError::invalid(
                "agency_id",
                "Pilih instansi yang syaratnya diubah.",
            )))
        }
        _ => return Err(fail(AppError::Forbidden)),
    };
    let level = Assurance::parse(level)
        .ok_or_else(|| {
            AppError::invalid(
                "required_assurance",
                "Pilih salah satu tingkat: diisi sendiri, akun terverifikasi, atau SSO instansi.",
            )
        })
        .map_err(fail)?;
    let before = Assurance::from_code(&agency.required_assurance);
    let mut row: agency::ActiveModel = agency.clone().into();
    row.required_assurance = Set(level.code().to_string());
    row.update(&state.db).await.or_fail()?;
    audit(
        state,
        Some(actor),
        "assurance_policy",
        &agency.code,
        &format!("{} -> {}", before.code(), level.code()),
    )
    .await
}
