//! The violation catalogue: list with filters, and one entry.

use crate::error::AppError;
use crate::model::violations::ViolationView;
use leptos::prelude::*;

/// Entries matching the filters (`kategori`, `sanksi`: codes; `q`: text). Unknown codes filter nothing.
#[server(endpoint = "violations")]
pub async fn list_violations(
    #[server(default)] kategori: String,
    #[server(default)] sanksi: String,
    #[server(default)] q: String,
) -> Result<Vec<ViolationView>, AppError> {
    use crate::model::violations::{Category, Sanction, ViolationFilter};
    use crate::ssr::{respond::OrFail, AppState};
    if q.chars().count() > 100 {
        return Err(AppError::invalid("q", "Kata kunci terlalu panjang (maksimal 100 karakter).")).or_fail();
    }
    let state = AppState::current()?;
    let filter = ViolationFilter { category: Category::from_code(&kategori), sanction: Sanction::from_code(&sanksi), text: q };
    Ok(state.catalog.violations().iter().filter(|v| filter.matches(v)).cloned().collect())
}

/// One catalogue entry by id.
#[server(endpoint = "violation")]
pub async fn get_violation(id: String) -> Result<ViolationView, AppError> {
    use crate::ssr::{respond::OrFail, AppState};
    let state = AppState::current()?;
    state.catalog.violations().iter().find(|v| v.id == id).cloned().ok_or(AppError::NotFound).or_fail()
}
