//! A unit's employees: `/operator/dasbor/{assignment}/unit/{unit}`.

use super::dashboard::{assignment_summary, export_links, unit_table};
use super::*;
use crate::api::tracking::get_unit_status;
use crate::model::tracking::{Status, UnitDrillDown};
use crate::pages::loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

pub(super) fn id_param(name: &'static str) -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

#[component]
pub fn UnitStatusPage() -> impl IntoView {
    let assignment = id_param("assignment");
    let unit = id_param("unit");
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                assignment(),
                unit(),
                q.get("status").unwrap_or_default(),
                q.get("q").unwrap_or_default(),
                q.get("urut").unwrap_or_default(),
                q.get("hal")
                    .and_then(|p| p.parse::<u32>().ok())
                    .unwrap_or(1),
            )
        },
        |(a, u, status, q, sort, page)| get_unit_status(a, u, status, q, sort, page),
    );
    view! {
        <Title text="Status per unit" />
        <OperatorNav />
        {loaded(data, move |d| view! { <DrillDownView d /> })}
    }
}

#[component]
pub(super) fn DrillDownView(d: UnitDrillDown) -> impl IntoView {
    let query = use_query_map();
    let a = d.assignment.clone();
    let unit = d.trail.last().cloned();
    let unit_id = unit.as_ref().map(|u| u.id);
    let trail = d
        .trail
        .iter()
        .map(|u| {
            let name = u.name.clone();
            view! { " › "<A href=format!("/operator/dasbor/{}/unit/{}", a.id, u.id)>{name}</A> }
        })
        .collect_view();
    let current = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let status_options = [
        ("", "Semua status"),
        ("belum-selesai", "Belum selesai (semua selain lulus)"),
    ]
    .into_iter()
    .chain(Status::ALL.iter().map(|s| (s.code(), s.label())))
    .map(|(code, label)| {
        view! { <option value=code selected=current("status") == code>{label}</option> }
    })
    .collect_view();
    let sort_options = [
        ("nama", "Nama"),
        ("nip", "NIP"),
        ("status", "Status"),
        ("nilai", "Nilai terbaik"),
        ("aktivitas", "Aktivitas terakhir"),
    ]
    .into_iter()
    .map(|(code, label)| view! { <option value=code selected=current("urut") == code>{label}</option> })
    .collect_view();
    let rows = d
        .employees
        .iter()
        .map(|e| {
            let name = e.name.clone();
            let status = if e.late {
                format!("{} (terlambat)", e.status.label())
            } else {
                e.status.label().to_string()
            };
            view! {
                <tr class=format!("status-{}", e.status.code())>
                    <td class="code">{crate::model::nip::format_nip(&e.nip)}</td>
                    <th scope="row"><A href=format!("/operator/pegawai/{}", e.id)>{name}</A></th>
                    <td>{e.unit.clone()}</td>
                    <td>{status}</td>
                    <td>{e.best_score.map(|s| s.to_string()).unwrap_or_else(|| "–".into())}</td>
                    <td>{e.last_activity.clone().unwrap_or_else(|| "–".into())}</td>
                    <td>{e.pass_level.map(|l| l.label()).unwrap_or("–")}</td>
                    <td>{if e.signs_in { "aktif" } else { "belum aktif" }}</td>
                </tr>
            }
        })
        .collect_view();
    let page_link = move |page: u32| {
        let q = query.read_untracked();
        let keep = |k: &str| {
            q.get(k)
                .map(|v| format!("&{k}={}", crate::model::percent_encode(&v)))
                .unwrap_or_default()
        };
        format!("?hal={page}{}{}{}", keep("status"), keep("q"), keep("urut"))
    };
    let pager = (d.pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Halaman">
                {(d.page > 1).then(|| view! { <a href=page_link(d.page - 1)>"‹ Sebelumnya"</a> })}
                <span>{format!(" Halaman {} dari {} ", d.page, d.pages)}</span>
                {(d.page < d.pages).then(|| view! { <a href=page_link(d.page + 1)>"Berikutnya ›"</a> })}
            </nav>
        }
    });
    view! {
        <nav aria-label="Jejak" class="breadcrumb">
            <A href=format!("/operator/dasbor?penugasan={}", a.id)>"Dasbor"</A>{trail}
        </nav>
        <h1>{unit.as_ref().map(|u| u.name.clone()).unwrap_or_default()}</h1>
        {assignment_summary(&a)}
        {export_links(a.id, unit_id)}
        {(!d.sub_units.is_empty()).then(|| view! {
            <h2>"Sub-unit"</h2>
            {unit_table(&d.sub_units, a.id)}
        })}
        <h2>{format!("Pegawai ({})", d.total)}</h2>
        <form method="get" class="filters">
            <div class="field">
                <label for="f-q">"Cari NIP atau nama"</label>
                <input id="f-q" name="q" type="search" maxlength=100 value=current("q") />
            </div>
            <div class="field">
                <label for="f-status">"Status"</label>
                <select id="f-status" name="status">{status_options}</select>
            </div>
            <div class="field">
                <label for="f-sort">"Urutkan"</label>
                <select id="f-sort" name="urut">{sort_options}</select>
            </div>
            <button type="submit" class="button">"Terapkan"</button>
        </form>
        <div class="table-wrap">
            <table>
                <thead><tr>
                    <th scope="col">"NIP"</th><th scope="col">"Nama"</th><th scope="col">"Unit kerja"</th>
                    <th scope="col">"Status"</th><th scope="col">"Nilai terbaik"</th><th scope="col">"Aktivitas terakhir"</th>
                    <th scope="col">"Identitas saat lulus"</th><th scope="col">"Akun"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {pager}
        <h2>"Pesan pengingat"</h2>
        <p class="hint">"Salin teks ini ke pesan untuk kepala unit."</p>
        <textarea class="reminder" readonly=true rows=10 aria-label="Teks pengingat">{d.reminder.clone()}</textarea>
    }
}
