//! `/modul/{slug}`: the module overview with its lessons in order and a progress bar.

use super::loaded;
use crate::api::catalog::get_module;
use crate::components::progress_bar::ProgressBar;
use crate::model::catalog::ModuleDetail;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ModulePage() -> impl IntoView {
    let params = use_params_map();
    let module = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_module,
    );
    loaded(module, |m| view! { <ModuleView module=m /> })
}

#[component]
fn ModuleView(module: ModuleDetail) -> impl IntoView {
    let read = module.lessons.iter().filter(|l| l.read).count();
    let total = module.lessons.len();
    let progress = module.progress_percent();
    let first_unread = module
        .lessons
        .iter()
        .find(|l| !l.read)
        .or(module.lessons.first())
        .map(|l| l.slug.clone());
    let slug = module.slug.clone();
    view! {
        <Title text=module.title.clone() />
        <nav aria-label="Jejak" class="breadcrumb">
            <A href="/">"Modul"</A>
        </nav>
        <h1>{module.title.clone()}</h1>
        <p class="lead">{module.summary.clone()}</p>
        {(total == 0).then(|| view! {
            <p class="notice" role="note">"Tes ini tidak berisi materi bacaan: langsung kerjakan kuisnya."</p>
        })}
        {(total > 0).then(|| view! {
            <ProgressBar percent=progress label=format!("{read} dari {total} materi sudah dibaca") />
        })}
        <p class="status">{module.status.label()}</p>
        {(total > 0).then(|| view! {
            <h2>"Materi"</h2>
            <ol class="lesson-list">
                {module
                    .lessons
                    .clone()
                    .into_iter()
                    .map(|l| {
                        let href = format!("/modul/{}/{}", slug, l.slug);
                        view! {
                            <li class:lesson-read=l.read>
                                <A href=href>{l.title}</A>
                                {l.read.then(|| view! { <span class="badge">" ✓ sudah dibaca"</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        })}
        <div class="actions">
            {first_unread.map(|l| view! {
                <A href=format!("/modul/{}/{}", module.slug, l) attr:class="button">
                    {if read == 0 { "Mulai membaca" } else { "Lanjut membaca" }}
                </A>
            })}
            <A href=format!("/modul/{}/kuis", module.slug) attr:class="button button-primary">"Ke kuis"</A>
        </div>
        <h2>"Tentang kuis"</h2>
        <ul class="meta-list">
            <li>{format!("{} soal diacak dari bank soal", module.question_count)}</li>
            <li>{format!("Nilai lulus: {}", module.passing_score)}</li>
            <li>
                {match module.time_limit_minutes {
                    Some(m) => format!("Batas waktu: {m} menit"),
                    None => "Tanpa batas waktu".to_string(),
                }}
            </li>
            <li>
                {match module.attempt_limit {
                    Some(n) => format!("Maksimal {n} kali percobaan"),
                    None => "Percobaan tidak dibatasi".to_string(),
                }}
            </li>
            <li>{format!("Kredit: {} JP · perkiraan {} menit · versi {}", module.jp, module.estimated_minutes, module.version)}</li>
        </ul>
        <h2>"Dasar hukum"</h2>
        <ul class="basis-list">
            {module.legal_basis.into_iter().map(|b| view! { <li>{b.to_string()}</li> }).collect_view()}
        </ul>
    }
}
