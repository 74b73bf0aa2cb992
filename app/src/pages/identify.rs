//! `/identitas`: identify, then go back to where the learner came from.

use crate::components::identify_form::IdentifyForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn IdentifyPage() -> impl IntoView {
    let query = use_query_map();
    let next = query
        .with_untracked(|q| q.get("lanjut"))
        .unwrap_or_else(|| "/".to_string());
    view! {
        <Title text="Identitas peserta" />
        <h1>"Identitas peserta"</h1>
        <IdentifyForm next />
    }
}
