//! `/operator` (the agency's roster) and `/operator/pegawai/{id}` (one employee): BKPSDM
//! operators only. Every server function scopes to the operator's own agency.

use super::loaded;
use crate::api::operator::{
    get_employee_detail, roster, AddEmployee, ConfirmClaim, DeleteEmployee, EmployeeDetail,
    GrantAttempt, IssueLearnerCode, IssueUnitCodes, RosterPage,
};
use crate::components::error_notice::ErrorNotice;
use crate::components::field::TextField;
use crate::components::hydrated::use_hydrated;
use crate::components::issued_code::IssuedCodeCard;
use crate::model::auth::RosterEmployee;
use crate::model::nip::format_nip;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_params_map, use_query_map};

fn account_status(e: &RosterEmployee) -> &'static str {
    match e.account_activated {
        None => "belum punya akun",
        Some(false) => "kode diterbitkan",
        Some(true) => "akun aktif",
    }
}

#[component]
pub fn RosterPageView() -> impl IntoView {
    let query = use_query_map();
    let add = ServerAction::<AddEmployee>::new();
    let page = Resource::new(
        move || {
            (
                query.read().get("q").unwrap_or_default(),
                add.version().get(),
            )
        },
        |(q, _)| roster(q),
    );
    let error = move || add.value().get().and_then(Result::err);
    let field = move |name: &'static str| {
        Signal::derive(move || error().and_then(|e| e.field_message(name)))
    };
    view! {
        <Title text="Roster pegawai" />
        <super::tracking::OperatorNav />
        <h1>"Roster pegawai"</h1>
        <Form method="GET" action="">
            <label for="q">"Cari NIP atau nama"</label>
            <input id="q" name="q" type="search" maxlength=100 value=move || query.read().get("q").unwrap_or_default() />
            <button type="submit" class="button">"Cari"</button>
        </Form>
        {loaded(page, |p| view! { <RosterTable page=p /> })}
        <UnitCodes />
        <h2>"Tambah pegawai ke roster"</h2>
        {move || error().filter(|e| !matches!(e, crate::error::AppError::Invalid(_))).map(|error| view! { <ErrorNotice error /> })}
        <ActionForm action=add>
            <TextField name="nip" label="NIP" inputmode="numeric" maxlength=30 error=field("nip") />
            <TextField name="name" label="Nama lengkap" error=field("name") />
            <TextField name="unit_kerja" label="Unit kerja / OPD" error=field("unit_kerja") />
            <button type="submit" class="button button-primary">"Tambah"</button>
        </ActionForm>
    }
}

/// Codes for a whole unit, as a table to print and cut: a Leptos island, since the codes are
/// shown once, on the page that issued them.
#[island]
fn UnitCodes() -> impl IntoView {
    let action = ServerAction::<IssueUnitCodes>::new();
    let hydrated = use_hydrated();
    view! {
        <h2>"Kode aktivasi per unit"</h2>
        <p class="hint">"Untuk setiap pegawai di unit ini yang belum mengaktifkan akun. Kode lama mereka tidak berlaku lagi."</p>
        <noscript><p class="hint">"Kode hanya ditampilkan sekali, di halaman ini: membuatnya memerlukan JavaScript."</p></noscript>
        <ActionForm action=action>
            <div class="field"><label for="u-unit">"Unit kerja"</label><input id="u-unit" name="unit_kerja" required=true maxlength=200 /></div>
            <button type="submit" class="button" disabled=move || !hydrated.get()>"Buat kode untuk unit ini"</button>
        </ActionForm>
        {move || action.value().get().map(|r| match r {
            Ok(codes) => view! {
                <div class="table-wrap printable">
                    <table>
                        <caption>{format!("{} kode aktivasi, berlaku 14 hari, satu kali pakai", codes.len())}</caption>
                        <thead><tr><th scope="col">"NIP (login)"</th><th scope="col">"Nama"</th><th scope="col">"Kode"</th><th scope="col">"Berlaku sampai (WIB)"</th></tr></thead>
                        <tbody>
                            {codes.into_iter().map(|c| view! {
                                <tr><td>{format_nip(&c.login)}</td><th scope="row">{c.name}</th><td class="code">{c.code}</td><td>{c.expires}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })}
    }
}

#[component]
fn RosterTable(page: RosterPage) -> impl IntoView {
    let transfers = page.transfers;
    view! {
        <p>{format!("{} · {} pegawai di roster", page.agency, page.total)}</p>
        {(!transfers.is_empty()).then(|| view! {
            <h2>"Menunggu persetujuan pindah instansi"</h2>
            <p class="hint">"Pegawai ini tercatat di roster instansi lain. Riwayatnya tidak ditampilkan sampai pegawai menyetujui setelah masuk, atau admin menyetujui."</p>
            <ul data-testid="transfers">
                {transfers.into_iter().map(|t| view! {
                    <li>{format!("{} · NIP {} · dari {} · unit {} · diminta {}", t.name, t.nip_masked, t.from_agency, t.unit, t.requested_at)}</li>
                }).collect_view()}
            </ul>
        })}
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"NIP"</th><th scope="col">"Nama"</th><th scope="col">"Unit kerja"</th><th scope="col">"Akun"</th><th scope="col">"Percobaan"</th><th scope="col">"Nilai terbaik"</th></tr></thead>
                <tbody>
                    {page.employees.into_iter().map(|e| {
                        let status = account_status(&e);
                        view! {
                        <tr>
                            <td>{format_nip(&e.nip)}</td>
                            <th scope="row"><A href=format!("/operator/pegawai/{}", e.id)>{e.name.clone()}</A></th>
                            <td>{e.unit_kerja.clone()}</td>
                            <td>{status}</td>
                            <td>{e.attempts}</td>
                            <td>{e.best_score.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn EmployeePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let delete = ServerAction::<DeleteEmployee>::new();
    let confirm = ServerAction::<ConfirmClaim>::new();
    let grant = ServerAction::<GrantAttempt>::new();
    let detail = Resource::new(
        move || (id(), confirm.version().get() + grant.version().get()),
        |(id, _)| get_employee_detail(id),
    );
    view! {
        <Title text="Data pegawai" />
        <nav aria-label="Jejak" class="breadcrumb"><A href="/operator">"Roster"</A></nav>
        {move || delete.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        {move || confirm.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        {move || grant.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        {loaded(detail, move |d| view! { <EmployeeView detail=d delete confirm grant /> })}
    }
}

/// Issues an employee's activation code (or a new one): a Leptos island, since the code is shown
/// once, on the page that issued it.
#[island]
fn IssueCodeForm(employee_id: i64, has_account: bool) -> impl IntoView {
    let issue = ServerAction::<IssueLearnerCode>::new();
    let hydrated = use_hydrated();
    view! {
        <noscript><p class="hint">"Kode hanya ditampilkan sekali, di halaman ini: membuatnya memerlukan JavaScript."</p></noscript>
        <ActionForm action=issue>
            <input type="hidden" name="employee_id" value=employee_id />
            <button type="submit" class="button button-primary" disabled=move || !hydrated.get()>
                {if has_account { "Buat kode baru (reset kata sandi)" } else { "Buat kode aktivasi" }}
            </button>
        </ActionForm>
        {move || issue.value().get().map(|r| match r {
            Ok(code) => view! { <IssuedCodeCard code /> }.into_any(),
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })}
    }
}

#[component]
fn EmployeeView(
    detail: EmployeeDetail,
    delete: ServerAction<DeleteEmployee>,
    confirm: ServerAction<ConfirmClaim>,
    grant: ServerAction<GrantAttempt>,
) -> impl IntoView {
    let e = detail.employee;
    let id = e.id;
    let claims = detail.claims;
    let limited = detail.limited_modules;
    view! {
        <h1>{e.name.clone()}</h1>
        <p class="lead">{format!("NIP {} · {} · {}", format_nip(&e.nip), e.unit_kerja, account_status(&e))}</p>
        <div class="actions">
            <IssueCodeForm employee_id=id has_account=e.account_activated.is_some() />
            <a class="button" href=format!("/api/export_employee?employee_id={id}") download=format!("pegawai-{id}.json")>"Unduh semua data (JSON)"</a>
        </div>
        <h2>"Percobaan kuis"</h2>
        {if detail.attempts.is_empty() {
            view! { <p>"Belum ada percobaan."</p> }.into_any()
        } else {
            view! {
                <ul>
                    {detail.attempts.into_iter().map(|a| view! {
                        <li>{format!(
                            "{}: {} ({}) · {}",
                            a.module_title,
                            a.score.map(|s| s.to_string()).unwrap_or_else(|| "belum selesai".into()),
                            a.started_at,
                            a.assurance.label().to_lowercase(),
                        )}</li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {(!limited.is_empty()).then(|| view! {
            <h2>"Percobaan tambahan"</h2>
            <p>"Batas percobaan dihitung per siklus penugasan. Tambahan satu percobaan dicatat di log audit beserta alasannya."</p>
            <ActionForm action=grant attr:class="stacked">
                <input type="hidden" name="employee_id" value=id />
                <label for="grant-module">"Modul"</label>
                <select id="grant-module" name="module_slug">
                    {limited.into_iter().map(|(slug, title)| view! { <option value=slug>{title}</option> }).collect_view()}
                </select>
                <label for="grant-reason">"Alasan"</label>
                <input id="grant-reason" name="reason" required=true minlength="5" maxlength="300" />
                <button type="submit" class="button">"Beri satu percobaan tambahan"</button>
            </ActionForm>
        })}
        {(!claims.is_empty()).then(|| view! {
            <h2>"Isian sendiri dengan NIP ini (belum dikonfirmasi)"</h2>
            <p>"Orang lain dapat mengetik NIP dan nama pegawai ini di formulir isian sendiri. Riwayat isian itu tidak masuk ke catatan pegawai, dasbor, JP, atau sertifikat sampai pegawai mengonfirmasinya setelah masuk, atau Anda mengonfirmasinya dengan alasan."</p>
            <ul data-testid="claims">
                {claims.into_iter().map(|c| view! {
                    <li>
                        {format!(
                            "{} · {} · {} · {} · {} dikumpulkan, {} lulus",
                            c.claimed_at, c.name, c.instansi, c.unit_kerja, c.submitted, c.passes,
                        )}
                        <ActionForm action=confirm attr:class="inline-form">
                            <input type="hidden" name="employee_id" value=id />
                            <input type="hidden" name="claim_id" value=c.id />
                            <label for=format!("claim-reason-{}", c.id)>"Alasan konfirmasi"</label>
                            <input id=format!("claim-reason-{}", c.id) name="reason" required=true minlength="10" maxlength="300" />
                            <button type="submit" class="button">"Konfirmasi milik pegawai ini"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
        })}
        <h2>"Pelatihan selesai dan JP"</h2>
        {if detail.credits.is_empty() {
            view! { <p>"Belum ada webinar atau modul bersertifikat yang selesai."</p> }.into_any()
        } else {
            let total: u32 = detail.credits.iter().filter(|c| !c.revoked).map(|c| c.jp).sum();
            view! {
                <p>{format!("Total {total} JP dari pelatihan di Netra.")}</p>
                <ul data-testid="credits">
                    {detail.credits.into_iter().map(|c| view! {
                        <li>{format!(
                            "{} · penyelenggara {} · {} · {} JP · sertifikat {}{}",
                            c.title, c.organiser, c.date, c.jp, c.number,
                            if c.revoked { " (dicabut)" } else { "" },
                        )}</li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2>"Hapus data pribadi"</h2>
        <p>"NIP, nama, akun dan riwayat baca dihapus. Nilai tetap tercatat tanpa nama untuk statistik unit."</p>
        <ActionForm action=delete>
            <input type="hidden" name="employee_id" value=id />
            <label><input type="checkbox" name="confirm" value="hapus" required=true />" Saya yakin menghapus data pegawai ini"</label>
            <button type="submit" class="button">"Hapus data pegawai"</button>
        </ActionForm>
    }
}
