//! The violation catalogue: list with filters, and one entry.

use crate::error::AppError;
use crate::model::violations::ViolationView;
use leptos::prelude::*;

/// Entries matching the filters (`kategori`, `sanksi`: codes; `q`: text). Unknown codes filter nothing.
#[server(client = crate::api::client::Netra, endpoint = "violations")]
pub async fn list_violations(
    #[server(default)] kategori: String,
    #[server(default)] sanksi: String,
    #[server(default)] q: String,
) -> Result<Vec<ViolationView>, AppError> {
    use crate::model::violations::{Category, Sanction, ViolationFilter};
    use crate::ssr::{respond::OrFail, AppState};
    if q.chars().count() > 100 {
        return Err(AppError::invalid(
            "q",
            "Kata kunci terlalu panjang (maksimal 100 karakter).",
        ))
        .or_fail();
    }
    let state = AppState::current()?;
    let filter = ViolationFilter {
        category: Category::from_code(&kategori),
        sanction: Sanction::from_code(&sanksi),
        text: q,
    };
    Ok(state
        .catalog
        .violations()
        .iter()
        .filter(|v| filter.matches(v))
        .cloned()
        .collect())
}

/// One catalogue entry by id.
#[server(client = crate::api::client::Netra, endpoint = "violation")]
pub async fn get_violation(id: String) -> Result<ViolationView, AppError> {
    use crate::ssr::{respond::OrFail, AppState};
    let state = AppState::current()?;
    state
        .catalog
        .violations()
        .iter()
        .find(|v| v.id == id)
        .cloned()
        .ok_or(AppError::NotFound)
        .or_fail()
}

/// "Cek tindakan": the verdict for a described action. All answers are optional except `act`;
/// an empty `act` just returns the list of actions to choose from.
#[server(client = crate::api::client::Netra, endpoint = "self_check")]
#[allow(clippy::too_many_arguments)]
pub async fn self_check(
    #[server(default)] act: String,
    #[server(default)] calon: String,
    #[server(default)] aktif: String,
    #[server(default)] fasilitas: String,
    #[server(default)] kerahkan: String,
    #[server(default)] pejabat: String,
    #[server(default)] cltn: String,
    #[server(default)] pemilihan: String,
) -> Result<crate::model::selfcheck::CheckPage, AppError> {
    use crate::model::selfcheck::{evaluate, yes_no, CandidateStage, CheckAnswers, CheckPage};
    use crate::model::violations::Election;
    use crate::ssr::{respond::OrFail, AppState};
    let state = AppState::current()?;
    let data = state.catalog.self_check();
    let acts = data.acts.clone();
    if act.is_empty() {
        return Ok(CheckPage {
            acts,
            outcome: None,
        });
    }
    if !acts.iter().any(|a| a.id == act) {
        return Err(AppError::invalid(
            "act",
            "Pilih salah satu tindakan dari daftar.",
        ))
        .or_fail();
    }
    let answers = CheckAnswers {
        act,
        candidate: match calon.as_str() {
            "bakal_calon" => Some(CandidateStage::BakalCalon),
            "calon" => Some(CandidateStage::Calon),
            _ => None,
        },
        active_support: yes_no(&aktif),
        state_facilities: yes_no(&fasilitas),
        mobilises: yes_no(&kerahkan),
        official: yes_no(&pejabat),
        cltn: yes_no(&cltn),
        election: match pemilihan.as_str() {
            "pemilu" => Some(Election::Pemilu),
            "pilkada" => Some(Election::Pilkada),
            _ => None,
        },
    };
    Ok(CheckPage {
        acts,
        outcome: Some(evaluate(&data.rules, &data.not_violations, &answers)),
    })
}
