//! `/`: the module catalogue with the learner's status.

use super::loaded;
use crate::api::catalog::list_modules;
use crate::components::join_form::JoinForm;
use crate::model::catalog::{ModuleCard, ModuleStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let modules = Resource::new(|| (), |_| list_modules());
    view! {
        <Title text="Modul pelatihan" />
        <h1>"Modul pelatihan netralitas ASN"</h1>
        <p class="lead">
            "Pelajari aturan netralitas ASN dalam Pemilu dan Pilkada, lalu uji pemahaman Anda dengan kuis. "
            "Setiap jawaban disertai dasar hukumnya."
        </p>
        {loaded(modules, |list| view! {
            <ul class="module-list">
                {list.into_iter().map(|m| view! { <ModuleCardView module=m /> }).collect_view()}
            </ul>
        })}
        <section class="card join-card" aria-labelledby="join-title">
            <h2 id="join-title">"Ikut webinar?"</h2>
            <JoinForm />
        </section>
    }
}

#[component]
fn ModuleCardView(module: ModuleCard) -> impl IntoView {
    let status_class = match module.status {
        ModuleStatus::Passed { .. } => "status status-passed",
        ModuleStatus::NotPassed { .. } => "status status-failed",
        ModuleStatus::InProgress { .. } => "status status-progress",
        ModuleStatus::NotStarted => "status",
    };
    view! {
        <li class="card module-card">
            <h2>
                <A href=format!("/modul/{}", module.slug)>{module.title.clone()}</A>
            </h2>
            <p>{module.summary.clone()}</p>
            <ul class="meta">
                <li>{format!("± {} menit", module.estimated_minutes)}</li>
                <li>{format!("{} JP", module.jp)}</li>
                <li>
                    {match module.lesson_count {
                        0 => "tes saja, tanpa materi".to_string(),
                        n => format!("{n} materi"),
                    }}
                </li>
            </ul>
            <p class=status_class>{module.status.label()}</p>
        </li>
    }
}
