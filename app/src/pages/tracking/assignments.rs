//! Assignments and cycles, and the official who signs module certificates: `/operator/penugasan`.

use super::*;
use crate::api::tracking::{
    get_assignments, CreateAssignment, NewAssignmentCycle, SetAssurancePolicy, SetCertificateSigner,
};
use crate::components::error_notice::ErrorNotice;
use crate::model::assurance::Assurance;
use crate::model::tracking::{percent, AssignmentsPage, Tally};
use crate::pages::loaded;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn AssignmentsPageView() -> impl IntoView {
    let create = ServerAction::<CreateAssignment>::new();
    let cycle = ServerAction::<NewAssignmentCycle>::new();
    let data = Resource::new(
        move || (create.version().get(), cycle.version().get()),
        |_| get_assignments(),
    );
    view! {
        <Title text="Penugasan modul" />
        <OperatorNav />
        <h1>"Penugasan modul"</h1>
        {loaded(data, move |page| view! {
            <Assignments page=page.clone() create cycle />
            <PolicyForm current=page.required />
            <SignerForm current=page.signer />
        })}
    }
}

/// The agency's policy: how sure a pass must be of who made it to count. A Leptos island, so
/// that saving says so in place.
#[island]
fn PolicyForm(current: Assurance) -> impl IntoView {
    let action = ServerAction::<SetAssurancePolicy>::new();
    let error = move || action.value().get().and_then(Result::err);
    let saved = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <h2>"Syarat identitas kelulusan"</h2>
        <p class="hint">
            "Kelulusan di bawah syarat ini tetap tampil (dengan tingkatnya) tetapi tidak dihitung sebagai selesai, "
            "tidak menambah JP, dan tidak mendapat e-sertifikat modul. Perubahan berlaku langsung pada dasbor dan unduhan."
        </p>
        {move || error().map(|error| view! { <ErrorNotice error /> })}
        {move || saved().then(|| view! { <p class="notice" role="status">"Syarat identitas disimpan."</p> })}
        <ActionForm action=action>
            <fieldset>
                <legend>"Kelulusan dihitung bila identitas pegawai minimal:"</legend>
                {Assurance::ALL.into_iter().map(|level| view! {
                    <label class="choice">
                        <input type="radio" name="required_assurance" value=level.code() checked=level == current />
                        <span>{level.label()}" · "{level.explanation()}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button" disabled=move || action.pending().get()>"Simpan syarat"</button>
        </ActionForm>
    }
}

/// The official who signs the e-certificates of mandatory modules. A Leptos island, so that
/// saving says so in place.
#[island]
pub(super) fn SignerForm(current: (String, String, String)) -> impl IntoView {
    let action = ServerAction::<SetCertificateSigner>::new();
    let error = move || action.value().get().and_then(Result::err);
    let saved = move || matches!(action.value().get(), Some(Ok(())));
    let (name, nip, position) = current;
    view! {
        <h2>"Penandatangan e-sertifikat modul wajib"</h2>
        <p class="hint">"Pegawai yang lulus modul yang ditugaskan menerima e-sertifikat otomatis, ditandatangani pejabat ini."</p>
        {move || error().filter(|e| !matches!(e, AppError::Invalid(_))).map(|error| view! { <ErrorNotice error /> })}
        {move || saved().then(|| view! { <p class="notice" role="status">"Penandatangan disimpan."</p> })}
        <ActionForm action=action>
            <div class="field">
                <label for="s-name">"Nama pejabat"</label>
                <input id="s-name" name="signer_name" maxlength=120 value=name />
                {move || field_error(error(), "signer_name").map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="s-nip">"NIP pejabat"</label>
                <input id="s-nip" name="signer_nip" inputmode="numeric" maxlength=30 value=nip />
                {move || field_error(error(), "signer_nip").map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="s-position">"Jabatan"</label>
                <input id="s-position" name="signer_position" maxlength=160 value=position />
                {move || field_error(error(), "signer_position").map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <button type="submit" class="button" disabled=move || action.pending().get()>"Simpan penandatangan"</button>
        </ActionForm>
    }
}

pub(super) fn tally_text(t: &Tally) -> String {
    format!(
        "{} dari {} lulus ({}), {} terlambat",
        t.passed,
        t.assigned(),
        percent(t.completion_percent()),
        t.overdue
    )
}

#[component]
pub(super) fn Assignments(
    page: AssignmentsPage,
    create: ServerAction<CreateAssignment>,
    cycle: ServerAction<NewAssignmentCycle>,
) -> impl IntoView {
    let create_error = move || create.value().get().and_then(Result::err);
    let cycle_error = move || cycle.value().get().and_then(Result::err);
    let list = page
        .assignments
        .iter()
        .map(|a| {
            let id = a.id;
            let title = a.module_title.clone();
            view! {
                <li class="assignment">
                    <h3><A href=format!("/operator/dasbor?penugasan={id}")>{title}</A></h3>
                    <p>{format!("{} · siklus ke-{} · dibuka {} · tenggat {}", a.scope, a.cycle, a.opens, a.deadline)}</p>
                    <p>{tally_text(&a.tally)}</p>
                    <details>
                        <summary>"Buka siklus baru (pemilu/pilkada berikutnya)"</summary>
                        <p class="hint">"Kelulusan sebelum tanggal mulai siklus baru tidak dihitung lagi."</p>
                        <ActionForm action=cycle>
                            <input type="hidden" name="assignment_id" value=id />
                            <div class="field">
                                <label for=format!("c-open-{id}")>"Mulai"</label>
                                <input id=format!("c-open-{id}") name="opens_on" type="date" required=true />
                            </div>
                            <div class="field">
                                <label for=format!("c-dl-{id}")>"Tenggat"</label>
                                <input id=format!("c-dl-{id}") name="deadline" type="datetime-local" required=true />
                            </div>
                            <button type="submit" class="button">"Buka siklus baru"</button>
                        </ActionForm>
                    </details>
                </li>
            }
        })
        .collect_view();
    let unit_options = page
        .units
        .iter()
        .map(|u| {
            let indent = "— ".repeat(u.depth.saturating_sub(1) as usize);
            view! { <option value=u.id>{format!("{indent}{}", u.name)}</option> }
        })
        .collect_view();
    let module_options = page
        .modules
        .iter()
        .map(|m| view! { <option value=m.slug.clone()>{m.title.clone()}</option> })
        .collect_view();
    let zones = ["WIB", "WITA", "WIT"]
        .into_iter()
        .map(|z| view! { <option value=z selected=z == page.time_zone>{z}</option> })
        .collect_view();
    let no_units = page.units.is_empty();
    view! {
        <p>{page.agency.clone()}</p>
        {move || cycle_error().map(|error| view! { <ErrorNotice error /> })}
        {if page.assignments.is_empty() {
            view! { <p>"Belum ada penugasan. Buat penugasan pertama di bawah."</p> }.into_any()
        } else {
            view! { <ul class="assignments">{list}</ul> }.into_any()
        }}
        <h2>"Penugasan baru"</h2>
        {move || create_error().filter(|e| !matches!(e, AppError::Invalid(_))).map(|error| view! { <ErrorNotice error /> })}
        <ActionForm action=create>
            <div class="field">
                <label for="a-module">"Modul"</label>
                <select id="a-module" name="module_slug">{module_options}</select>
                {move || field_error(create_error(), "module_slug").map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <fieldset class="field">
                <legend>"Ditugaskan kepada"</legend>
                <div class="option">
                    <input type="radio" id="a-all" name="scope" value="all" checked=true />
                    <label for="a-all">"Seluruh pegawai instansi"</label>
                </div>
                <div class="option">
                    <input type="radio" id="a-units" name="scope" value="units" disabled=no_units />
                    <label for="a-units">"OPD / unit kerja terpilih (termasuk sub-unitnya)"</label>
                </div>
                <label for="a-unit-ids">"OPD / unit kerja"</label>
                <select id="a-unit-ids" name="unit_ids[]" multiple=true size=8 disabled=no_units>{unit_options}</select>
                {move || field_error(create_error(), "unit_ids").map(|m| view! { <p class="field-error">{m}</p> })}
                <div class="option">
                    <input type="radio" id="a-list" name="scope" value="list" />
                    <label for="a-list">"Daftar NIP (misalnya peserta yang ditunjuk)"</label>
                </div>
                <label for="a-nips">"NIP, satu per baris (boleh ditempel dari kolom Excel)"</label>
                <textarea id="a-nips" name="nips" rows=4></textarea>
                {move || field_error(create_error(), "nips").map(|m| view! { <p class="field-error">{m}</p> })}
            </fieldset>
            <div class="field">
                <label for="a-open">"Mulai (tanggal)"</label>
                <input id="a-open" name="opens_on" type="date" required=true />
                {move || field_error(create_error(), "opens_on").map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="a-deadline">"Tenggat (tanggal dan jam)"</label>
                <input id="a-deadline" name="deadline" type="datetime-local" required=true />
                {move || field_error(create_error(), "deadline").map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="a-tz">"Zona waktu"</label>
                <select id="a-tz" name="time_zone">{zones}</select>
            </div>
            <button type="submit" class="button button-primary" disabled=move || create.pending().get()>"Tugaskan"</button>
        </ActionForm>
    }
}
