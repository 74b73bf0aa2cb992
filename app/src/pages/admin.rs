//! `/admin` (agencies and staff accounts) and `/admin/audit` (the audit log). Admins only:
//! the server functions refuse everyone else, these pages just show what they return.

use super::loaded;
use crate::api::admin::{
    audit_log, get_admin_overview, ApproveTransfer, CreateAgency, CreateStaff, ResetStaff,
};
use crate::components::error_notice::ErrorNotice;
use crate::components::hydrated::use_hydrated;
use crate::components::issued_code::IssuedCodeCard;
use crate::model::auth::{AdminOverview, AuditView};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn AdminPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_admin_overview());
    view! {
        <Title text="Admin" />
        <h1>"Admin"</h1>
        <p><A href="/admin/audit">"Lihat log audit"</A></p>
        {loaded(overview, |overview| view! { <AdminConsole overview /> })}
    }
}

/// Agencies, staff accounts and transfer approvals: a Leptos island, because an activation code
/// is shown once, on the page that issued it. After each change the lists are read again.
/// Without JavaScript the forms post and the page comes back with the lists changed.
#[island]
fn AdminConsole(overview: AdminOverview) -> impl IntoView {
    let create_agency = ServerAction::<CreateAgency>::new();
    let create_staff = ServerAction::<CreateStaff>::new();
    let reset = ServerAction::<ResetStaff>::new();
    let approve = ServerAction::<ApproveTransfer>::new();
    let current = RwSignal::new(overview);
    let hydrated = use_hydrated();
    let changes = move || {
        create_agency.version().get()
            + create_staff.version().get()
            + reset.version().get()
            + approve.version().get()
    };
    Effect::new(move |seen: Option<usize>| {
        let now = changes();
        if seen.is_some_and(|seen| seen != now) {
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = get_admin_overview().await {
                    current.set(fresh);
                }
            });
        }
        now
    });
    view! {
        {move || approve.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
        {move || view! { <Overview overview=current.get() create_agency create_staff reset approve hydrated /> }}
    }
}

#[component]
fn Overview(
    overview: AdminOverview,
    create_agency: ServerAction<CreateAgency>,
    create_staff: ServerAction<CreateStaff>,
    reset: ServerAction<ResetStaff>,
    approve: ServerAction<ApproveTransfer>,
    hydrated: ReadSignal<bool>,
) -> impl IntoView {
    let transfers = overview.transfers.clone();
    let issued = move || match (create_staff.value().get(), reset.value().get()) {
        (Some(Ok(code)), _) | (_, Some(Ok(code))) => Some(view! { <IssuedCodeCard code /> }),
        _ => None,
    };
    let errors = move || {
        [
            create_agency.value().get().and_then(Result::err),
            create_staff.value().get().and_then(Result::err),
            reset.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|error| view! { <ErrorNotice error /> })
    };
    let agencies = overview.agencies.clone();
    view! {
        {errors}
        {issued}
        {(!transfers.is_empty()).then(|| view! {
            <h2>"Permintaan pindah instansi"</h2>
            <p class="hint">"Setujui hanya bila pegawai tidak dapat masuk untuk menyetujuinya sendiri; riwayatnya lalu terlihat oleh instansi baru."</p>
            <ul data-testid="transfers">
                {transfers.into_iter().map(|t| view! {
                    <li>
                        {format!("{} · NIP {} · {} → {} · unit {} · diminta {} ", t.name, t.nip_masked, t.from_agency, t.to_agency, t.unit, t.requested_at)}
                        <ActionForm action=approve attr:class="inline-form">
                            <input type="hidden" name="transfer_id" value=t.id />
                            <button type="submit" class="button">"Setujui"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
        })}
        <h2>"Instansi"</h2>
        <ul>
            {overview.agencies.into_iter().map(|a| view! { <li>{a.name}" ("<code>{a.code}</code>")"</li> }).collect_view()}
        </ul>
        <ActionForm action=create_agency attr:class="inline-form">
            <div class="field"><label for="ag-code">"Kode instansi"</label><input id="ag-code" name="code" required=true maxlength=64 /></div>
            <div class="field"><label for="ag-name">"Nama instansi"</label><input id="ag-name" name="name" required=true maxlength=200 /></div>
            <button type="submit" class="button">"Tambah instansi"</button>
        </ActionForm>
        <h2>"Akun staf"</h2>
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"Login"</th><th scope="col">"Nama"</th><th scope="col">"Peran"</th><th scope="col">"Instansi"</th><th scope="col">"Status"</th><th scope="col">"Aksi"</th></tr></thead>
                <tbody>
                    {overview.staff.into_iter().map(|s| view! {
                        <tr>
                            <th scope="row">{s.login.clone()}</th>
                            <td>{s.display_name.clone()}</td>
                            <td>{s.role.label()}</td>
                            <td>{s.agency.map(|a| a.name).unwrap_or_default()}</td>
                            <td>
                                {if s.activated { "aktif" } else { "menunggu aktivasi" }}
                                {(s.failed_sign_ins > 0).then(|| format!(" ({} kali gagal masuk)", s.failed_sign_ins))}
                            </td>
                            <td>
                                <ActionForm action=reset>
                                    <input type="hidden" name="account_id" value=s.id />
                                    <button type="submit" class="button-link" disabled=move || !hydrated.get()>"Kode baru"</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h3>"Tambah akun staf"</h3>
        <noscript><p class="hint">"Kode hanya ditampilkan sekali, di halaman ini: membuatnya memerlukan JavaScript."</p></noscript>
        <ActionForm action=create_staff>
            <div class="field">
                <label for="st-role">"Peran"</label>
                <select id="st-role" name="role">
                    <option value="operator">"Operator BKPSDM"</option>
                    <option value="host">"Penyelenggara webinar"</option>
                    <option value="admin">"Admin"</option>
                </select>
            </div>
            <div class="field"><label for="st-login">"Email atau nama pengguna"</label><input id="st-login" name="login" required=true maxlength=254 /></div>
            <div class="field"><label for="st-name">"Nama"</label><input id="st-name" name="display_name" required=true maxlength=200 /></div>
            <div class="field">
                <label for="st-agency">"Instansi (wajib untuk operator)"</label>
                <select id="st-agency" name="agency_code">
                    <option value="">"—"</option>
                    {agencies.into_iter().map(|a| view! { <option value=a.code>{a.name}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button button-primary" disabled=move || !hydrated.get()>"Buat akun dan kode aktivasi"</button>
        </ActionForm>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let entries = Resource::new(|| (), |_| audit_log());
    view! {
        <Title text="Log audit" />
        <h1>"Log audit"</h1>
        <p><A href="/admin">"Kembali ke admin"</A></p>
        {loaded(entries, |e| view! { <AuditTable entries=e /> })}
    }
}

#[component]
fn AuditTable(entries: Vec<AuditView>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"Waktu (WIB)"</th><th scope="col">"Pelaku"</th><th scope="col">"Tindakan"</th><th scope="col">"Sasaran"</th><th scope="col">"IP"</th><th scope="col">"Keterangan"</th></tr></thead>
                <tbody>
                    {entries.into_iter().map(|e| view! {
                        <tr><td>{e.at}</td><td>{e.actor}</td><td>{e.action}</td><td>{e.target}</td><td>{e.ip}</td><td>{e.detail}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
