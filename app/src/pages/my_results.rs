//! `/saya`: the learner's attempts and best score per module.

use super::loaded;
use crate::api::learner::{DecideClaim, DecideTransfer};
use crate::api::quiz::get_my_results;
use crate::components::error_notice::ErrorNotice;
use crate::components::identify_form::IdentifyForm;
use crate::model::assurance::Assurance;
use crate::model::nip::format_nip;
use crate::model::quiz::MyResults;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn MyResultsPage() -> impl IntoView {
    let results = Resource::new(|| (), |_| get_my_results());
    view! {
        <Title text="Hasil saya" />
        <h1>"Hasil saya"</h1>
        {loaded(results, |r| match r {
            Some(r) => view! { <ResultsView results=r /> }.into_any(),
            None => view! { <IdentifyForm next="/saya".to_string() /> }.into_any(),
        })}
    }
}

#[component]
fn ResultsView(results: MyResults) -> impl IntoView {
    let learner = results.learner;
    let decide = ServerAction::<DecideClaim>::new();
    let transfer = ServerAction::<DecideTransfer>::new();
    let self_declared = learner.assurance == Assurance::SelfDeclared;
    view! {
        <p class="lead">
            {learner.name.clone()}" · NIP "{format_nip(&learner.nip)}" · "{learner.instansi.clone()}" · "
            {learner.unit_kerja.clone()}" · "
            {format!("identitas: {}", learner.assurance.label().to_lowercase())}
        </p>
        {self_declared.then(|| view! {
            <p class="notice">
                "Identitas Anda diisi sendiri: riwayat di bawah hanya milik isian ini dan belum masuk ke catatan resmi instansi. "
                "Bila instansi Anda memberi kode aktivasi, " <A href="/masuk">"masuk dengan akun"</A>
                " lalu konfirmasi riwayat ini sebagai milik Anda."
            </p>
        })}
        {move || decide.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        {move || transfer.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        {(!results.transfers.is_empty()).then(|| view! {
            <h2>"Permintaan pindah instansi"</h2>
            <ul data-testid="transfers">
                {results.transfers.into_iter().map(|t| view! {
                    <li>
                        {format!("{} ingin mencatat Anda di rosternya (unit {}), dari {}. Bila setuju, riwayat Anda ikut terlihat oleh instansi baru. ", t.to_agency, t.unit, t.from_agency)}
                        <ActionForm action=transfer attr:class="inline-form">
                            <input type="hidden" name="transfer_id" value=t.id />
                            <input type="hidden" name="answer" value="ya" />
                            <button type="submit" class="button">"Setuju"</button>
                        </ActionForm>
                        <ActionForm action=transfer attr:class="inline-form">
                            <input type="hidden" name="transfer_id" value=t.id />
                            <input type="hidden" name="answer" value="bukan" />
                            <button type="submit" class="button">"Tolak"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
        })}
        {(!results.claims.is_empty()).then(|| view! {
            <h2>"Isian dengan NIP Anda tanpa masuk akun"</h2>
            <p>"Seseorang mengetik NIP Anda di formulir isian sendiri. Riwayatnya tidak masuk ke catatan Anda kecuali Anda mengonfirmasinya."</p>
            <ul data-testid="claims">
                {results.claims.into_iter().map(|c| view! {
                    <li>
                        {format!(
                            "{} · nama diketik: {} · {} · {} · {} dikumpulkan, {} lulus ",
                            c.claimed_at, c.name, c.instansi, c.unit_kerja, c.submitted, c.passes,
                        )}
                        <ActionForm action=decide attr:class="inline-form">
                            <input type="hidden" name="claim_id" value=c.id />
                            <input type="hidden" name="answer" value="ya" />
                            <button type="submit" class="button">"Ini saya"</button>
                        </ActionForm>
                        <ActionForm action=decide attr:class="inline-form">
                            <input type="hidden" name="claim_id" value=c.id />
                            <input type="hidden" name="answer" value="bukan" />
                            <button type="submit" class="button">"Bukan saya"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
        })}
        {(!results.certificates.is_empty()).then(|| view! {
            <h2>"E-sertifikat"</h2>
            <ul class="certificate-list">
                {results.certificates.into_iter().map(|c| view! {
                    <li>
                        <strong>{c.title}</strong>
                        {format!(" · {} · {} · {} JP · nomor {}", c.organiser, c.date, c.jp, c.number)}
                        {if c.revoked {
                            view! { " · " <span class="status-revoked">"dicabut"</span> }.into_any()
                        } else {
                            view! {
                                " · " <a href=format!("/sertifikat/{}/unduh", c.id) rel="external">"Unduh (PDF)"</a>
                                " · " <A href=format!("/verifikasi/{}", c.verify_code)>"Halaman verifikasi"</A>
                            }.into_any()
                        }}
                    </li>
                }).collect_view()}
            </ul>
        })}
        {if results.best.is_empty() {
            view! {
                <p>"Anda belum mengerjakan kuis. " <A href="/">"Pilih modul"</A> " untuk mulai."</p>
            }
            .into_any()
        } else {
            view! {
                <h2>"Nilai terbaik per modul"</h2>
                <div class="table-wrap">
                    <table>
                        <thead>
                            <tr><th scope="col">"Modul"</th><th scope="col">"Nilai terbaik"</th><th scope="col">"Status"</th><th scope="col">"Percobaan"</th></tr>
                        </thead>
                        <tbody>
                            {results.best.into_iter().map(|b| view! {
                                <tr>
                                    <th scope="row"><A href=format!("/modul/{}", b.module_slug)>{b.module_title}</A></th>
                                    <td>{b.best_score}</td>
                                    <td>{if b.passed { "Lulus" } else { "Belum lulus" }}</td>
                                    <td>{b.attempts}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <h2>"Riwayat percobaan"</h2>
                <ul class="attempt-list">
                    {results.attempts.into_iter().map(|a| {
                        let text = match (a.score, a.submitted_at.clone()) {
                            (Some(score), Some(at)) => format!(
                                "{} · nilai {} · {}{} · {}",
                                a.module_title,
                                score,
                                if a.passed == Some(true) { "lulus" } else { "belum lulus" },
                                if a.late { " · terlambat" } else { "" },
                                at,
                            ),
                            _ => format!("{} · sedang dikerjakan · dimulai {}", a.module_title, a.started_at),
                        };
                        let href = if a.submitted_at.is_some() {
                            format!("/modul/{}/hasil/{}", a.module_slug, a.attempt_id)
                        } else {
                            format!("/modul/{}/kuis", a.module_slug)
                        };
                        view! { <li><A href=href>{text}</A></li> }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}
