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
