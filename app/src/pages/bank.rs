//! `/host/impor-soal`: a host, operator or admin uploads a GIFT or Moodle XML bank and gets the
//! report (imported, skipped and why, warnings) and the `questions.toml` to add to a module.

use super::loaded;
use crate::api::webinar::get_host_home;
use crate::components::error_notice::ErrorNotice;
use crate::error::AppError;
use crate::model::bank::{BankConversion, ConversionLine};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn BankImportPage() -> impl IntoView {
    // Loading the host's home checks the role, so the page answers 401/403 like the others.
    let access = Resource::new(|| (), |_| get_host_home());
    view! {
        <Title text="Impor soal" />
        <nav aria-label="Jejak" class="breadcrumb"><A href="/host">"Sesi webinar"</A></nav>
        <h1>"Impor soal dari Moodle atau GIFT"</h1>
        {loaded(access, |_| view! { <BankImportForm /> })}
    }
}

/// Upload and report: a Leptos island (the upload needs the browser).
#[island]
fn BankImportForm() -> impl IntoView {
    let result = RwSignal::new(None::<Result<BankConversion, AppError>>);
    let pending = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = super::submitted_form_data(&ev) else {
                return;
            };
            pending.set(true);
            leptos::task::spawn_local(async move {
                let converted = crate::api::bank::convert_bank(data.into()).await;
                result.set(Some(converted));
                pending.set(false);
            });
        }
    };
    let field_error = move || {
        result
            .get()
            .and_then(Result::err)
            .and_then(|e| e.field_message("file").or_else(|| e.field_message("text")))
    };
    let other_error = move || {
        result
            .get()
            .and_then(Result::err)
            .filter(|e| !matches!(e, AppError::Invalid(_)))
    };
    view! {
        <p>
            "Unggah bank soal hasil ekspor Moodle (Moodle XML) atau berkas GIFT. Netra mengubahnya ke format "
            <code>"questions.toml"</code>
            " dan melaporkan setiap soal: diimpor, dilewati beserta alasannya, atau diimpor dengan peringatan. "
            "Tidak ada yang disimpan di server."
        </p>
        <noscript><p class="notice">"Halaman ini memerlukan JavaScript untuk mengunggah berkas. Tanpa JavaScript, gunakan perintah "<code>"netra questions import"</code>"."</p></noscript>
        {move || other_error().map(|error| view! { <ErrorNotice error /> })}
        <form class="bank-import" on:submit=on_submit>
            <div class="field">
                <label for="f-bank-file">"Berkas bank soal (.xml, .gift, .txt)"</label>
                <input id="f-bank-file" name="file" type="file" accept=".xml,.gift,.txt,text/plain,text/xml,application/xml" />
            </div>
            <div class="field">
                <label for="f-bank-text">"Atau tempelkan isinya di sini"</label>
                <textarea id="f-bank-text" name="text" rows=6></textarea>
                {move || field_error().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </div>
            <div class="field">
                <label for="f-bank-format">"Format"</label>
                <select id="f-bank-format" name="format">
                    <option value="auto">"Kenali otomatis"</option>
                    <option value="gift">"GIFT"</option>
                    <option value="moodle-xml">"Moodle XML"</option>
                </select>
            </div>
            <button type="submit" class="button button-primary" disabled=move || pending.get()>
                {move || if pending.get() { "Memproses…" } else { "Periksa dan ubah" }}
            </button>
        </form>
        {move || result.get().and_then(Result::ok).map(|c| view! { <ConversionReport c /> })}
    }
}

#[component]
fn ConversionReport(c: BankConversion) -> impl IntoView {
    let href = c.download_href();
    let rows = c
        .lines
        .into_iter()
        .map(
            |ConversionLine {
                 place,
                 name,
                 id,
                 notes,
             }| {
                let status = match &id {
                    Some(id) => format!("Diimpor sebagai {id}"),
                    None => "Dilewati".to_string(),
                };
                let skipped = id.is_none();
                view! {
                    <tr class:skipped=skipped>
                        <td>{place}</td>
                        <th scope="row">{name}</th>
                        <td>{status}</td>
                        <td>{notes.join("; ")}</td>
                    </tr>
                }
            },
        )
        .collect_view();
    view! {
        <section class="bank-report" aria-live="polite">
            <h2>"Hasil"</h2>
            <p class="summary">
                {format!("{} ({}): {} soal diimpor, {} dilewati.", c.file_name, c.format, c.imported, c.skipped)}
            </p>
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"Letak"</th><th scope="col">"Soal"</th><th scope="col">"Status"</th><th scope="col">"Catatan"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(c.imported > 0).then(|| view! {
                <p><a class="button button-primary" href=href download="questions.toml">"Unduh questions.toml"</a></p>
                <p>
                    "Simpan berkas ini sebagai "<code>"content/<modul>/questions.toml"</code>
                    " (atau tambahkan isinya ke bank yang sudah ada), lengkapi dasar hukum yang ditandai, lalu jalankan "
                    <code>"netra check-content"</code>"."
                </p>
                <details>
                    <summary>"Lihat isi TOML"</summary>
                    <pre class="toml">{c.toml.clone()}</pre>
                </details>
            })}
        </section>
    }
}
