//! Roster import with preview: `/operator/impor`.

use super::*;
use crate::api::tracking::{get_assignments, ConfirmRoster};
use crate::components::error_notice::ErrorNotice;
use crate::model::roster::RosterPreview;
use crate::pages::loaded;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RosterImportPage() -> impl IntoView {
    // Loading the assignments page data checks the operator role for the page's status code.
    let access = Resource::new(|| (), |_| get_assignments());
    view! {
        <Title text="Impor roster" />
        <OperatorNav />
        <h1>"Impor roster pegawai"</h1>
        {loaded(access, |_| view! { <RosterImportForm /> })}
    }
}

/// Upload, preview and confirm: a Leptos island (the upload needs the browser).
#[island]
pub(super) fn RosterImportForm() -> impl IntoView {
    let preview = RwSignal::new(None::<Result<RosterPreview, AppError>>);
    let pending = RwSignal::new(false);
    let confirm = ServerAction::<ConfirmRoster>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = crate::pages::submitted_form_data(&ev) else {
                return;
            };
            pending.set(true);
            confirm.clear();
            leptos::task::spawn_local(async move {
                let checked = crate::api::tracking::preview_roster(data.into()).await;
                preview.set(Some(checked));
                pending.set(false);
            });
        }
    };
    let upload_error = move || preview.get().and_then(Result::err);
    view! {
        <p>
            "Unggah daftar pegawai dalam format Excel (.xlsx) atau CSV dengan kolom NIP, Nama, Jabatan, Golongan, Jenis (PNS/PPPK), OPD dan Unit Kerja. "
            "Unit yang belum ada dibuat otomatis; sub-unit ditulis dengan tanda \">\" (misalnya "<q>"Bidang P2P > Seksi Surveilans"</q>"). "
            "Setiap baris diperiksa dulu; tidak ada yang disimpan sebelum Anda menekan Impor."
        </p>
        <p>
            "Templat: "<a href="/operator/templat-roster.xlsx" rel="external">"Excel (kolom NIP berformat teks)"</a>" · "
            <a href="/operator/templat-roster.csv" rel="external">"CSV"</a>
        </p>
        <noscript><p class="notice">"Unggah berkas memerlukan JavaScript. Tanpa JavaScript, gunakan perintah "<code>"netra roster import"</code>"."</p></noscript>
        {move || upload_error().filter(|e| !matches!(e, AppError::Invalid(_))).map(|error| view! { <ErrorNotice error /> })}
        <form class="roster-import" on:submit=on_submit>
            <div class="field">
                <label for="f-roster">"Berkas roster (.xlsx atau .csv)"</label>
                <input id="f-roster" name="file" type="file" required=true accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
                {move || field_error(upload_error(), "file").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </div>
            <button type="submit" class="button button-primary" disabled=move || pending.get()>
                {move || if pending.get() { "Memeriksa…" } else { "Periksa berkas" }}
            </button>
        </form>
        {move || preview.get().and_then(Result::ok).map(|p| view! { <PreviewView p confirm /> })}
    }
}

#[component]
pub(super) fn PreviewView(p: RosterPreview, confirm: ServerAction<ConfirmRoster>) -> impl IntoView {
    let c = p.changes.clone();
    let problems = (!p.problems.is_empty()).then(|| {
        let rows = p
            .problems
            .iter()
            .map(|r| view! {
                <tr><td>{r.line}</td><td class="code">{r.nip.clone()}</td><td>{r.reason.clone()}</td></tr>
            })
            .collect_view();
        view! {
            <h3>{format!("{} baris bermasalah (tidak diimpor)", p.problems.len())}</h3>
            <div class="table-wrap">
                <table class="problems">
                    <thead><tr><th scope="col">"Baris"</th><th scope="col">"NIP"</th><th scope="col">"Masalah"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let new_units = (!c.new_units.is_empty()).then(|| {
        let items = c
            .new_units
            .iter()
            .take(50)
            .map(|u| view! { <li>{u.clone()}</li> })
            .collect_view();
        let more = c.new_units.len().saturating_sub(50);
        view! {
            <details>
                <summary>{format!("{} unit baru akan dibuat", c.new_units.len())}</summary>
                <ul>{items}</ul>
                {(more > 0).then(|| view! { <p>{format!("... dan {more} lainnya")}</p> })}
            </details>
        }
    });
    let import_id = p.import_id;
    let nothing = p.valid == 0;
    view! {
        <section class="roster-preview" aria-live="polite">
            <h2>"Pratinjau"</h2>
            <p class="summary">{format!(
                "{}: {} baris data, {} sah, {} bermasalah.",
                p.file_name, p.rows, p.valid, p.problems.len()
            )}</p>
            <ul class="meta-list">
                <li>{format!("{} pegawai baru", c.added)}</li>
                <li>{format!("{} diperbarui", c.updated)}</li>
                <li>{format!("{} pindah unit (riwayat unit disimpan)", c.moved)}</li>
                <li>{format!("{} tidak berubah", c.unchanged)}</li>
            </ul>
            {new_units}
            {problems}
            {move || match confirm.value().get() {
                Some(Ok(done)) => view! {
                    <p class="notice success" role="status">{format!(
                        "Roster diimpor: {} baru, {} diperbarui, {} pindah unit, {} tidak berubah.",
                        done.added, done.updated, done.moved, done.unchanged
                    )}</p>
                }.into_any(),
                other => view! {
                    {other.and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
                    {(!nothing).then(|| view! {
                        <ActionForm action=confirm>
                            <input type="hidden" name="import_id" value=import_id />
                            <button type="submit" class="button button-primary" disabled=move || confirm.pending().get()>
                                {format!("Impor {} baris yang sah", p.valid)}
                            </button>
                        </ActionForm>
                    })}
                }.into_any(),
            }}
        </section>
    }
}
