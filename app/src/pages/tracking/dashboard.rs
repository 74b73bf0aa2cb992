//! Completion per OPD: `/operator/dasbor`, with its chart, table and exports.

use super::*;
use crate::api::tracking::get_dashboard;
use crate::model::tracking::{percent, AssignmentView, AttemptsBucket, Overview, UnitRow};
use crate::pages::loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            query
                .read()
                .get("penugasan")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        },
        get_dashboard,
    );
    view! {
        <Title text="Dasbor penyelesaian" />
        <OperatorNav />
        <h1>"Dasbor penyelesaian modul"</h1>
        {loaded(data, |overview| match overview {
            Some(o) => view! { <OverviewView o /> }.into_any(),
            None => view! {
                <p>"Belum ada penugasan. "<A href="/operator/penugasan">"Buat penugasan"</A>" untuk melihat penyelesaian per OPD."</p>
            }.into_any(),
        })}
    }
}

/// Horizontal bars, one per row, with the percentage written next to each bar. The table
/// below the chart carries the same numbers for screen readers.
pub(super) fn completion_chart(rows: &[UnitRow], caption: &str) -> impl IntoView {
    const ROW_H: f64 = 26.0;
    const LABEL_W: f64 = 260.0;
    const BAR_W: f64 = 300.0;
    let height = ROW_H * rows.len() as f64 + 4.0;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = i as f64 * ROW_H + 2.0;
            let share = r.tally.completion_percent();
            let name: String = if r.name.chars().count() > 34 {
                format!("{}…", r.name.chars().take(33).collect::<String>())
            } else {
                r.name.clone()
            };
            view! {
                <text x=LABEL_W - 6.0 y=y + 17.0 text-anchor="end" class="bar-label">{name}</text>
                <rect x=LABEL_W y=y + 4.0 width=BAR_W height=ROW_H - 8.0 class="bar-track" />
                <rect x=LABEL_W y=y + 4.0 width=BAR_W * share / 100.0 height=ROW_H - 8.0 class="bar" />
                <text x=LABEL_W + BAR_W + 6.0 y=y + 17.0 class="bar-count">{percent(share)}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {} {height}", LABEL_W + BAR_W + 70.0) role="img" aria-label=caption.to_string()>
                {bars}
            </svg>
            <figcaption>{caption.to_string()}</figcaption>
        </figure>
    }
}

pub(super) fn unit_table(rows: &[UnitRow], assignment_id: i64) -> impl IntoView {
    let body = rows
        .iter()
        .map(|r| {
            let label = r.name.clone();
            let name = match r.unit_id {
                Some(id) => view! {
                    <A href=format!("/operator/dasbor/{assignment_id}/unit/{id}")>{label}</A>
                }
                .into_any(),
                None => view! { <span>{r.name.clone()}</span> }.into_any(),
            };
            let t = &r.tally;
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td>{t.assigned()}</td>
                    <td>{t.passed}</td>
                    <td>{percent(t.completion_percent())}</td>
                    <td>{t.below_level}</td>
                    <td>{t.failed}</td>
                    <td>{t.in_progress}</td>
                    <td>{t.not_started}</td>
                    <td>{t.overdue}</td>
                    <td>{t.average_best().map(|a| format!("{a:.1}").replace('.', ",")).unwrap_or_else(|| "–".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="numbers">
                <thead><tr>
                    <th scope="col">"Unit"</th><th scope="col">"Ditugaskan"</th><th scope="col">"Lulus"</th>
                    <th scope="col">"Penyelesaian"</th><th scope="col">"Diisi sendiri (tidak dihitung)"</th><th scope="col">"Tidak lulus"</th><th scope="col">"Sedang"</th>
                    <th scope="col">"Belum mulai"</th><th scope="col">"Terlambat"</th><th scope="col">"Rata-rata nilai terbaik"</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

pub(super) fn assignment_summary(a: &AssignmentView) -> impl IntoView {
    let t = &a.tally;
    view! {
        <p class="lead">{format!("{} · {} · siklus ke-{}", a.module_title, a.scope, a.cycle)}</p>
        <p>{format!("Dibuka {} · tenggat {}{}", a.opens, a.deadline, if a.past_deadline { " (sudah lewat)" } else { "" })}</p>
        <p>{format!("Syarat identitas kelulusan: minimal {}.", a.required.label().to_lowercase())}</p>
        <ul class="stat-cards">
            <li><strong>{percent(t.completion_percent())}</strong>" lulus"</li>
            <li><strong>{t.passed}</strong>{format!(" dari {} ASN", t.assigned())}</li>
            <li><strong>{t.below_level}</strong>" lulus di bawah syarat identitas (tidak dihitung)"</li>
            <li><strong>{t.overdue}</strong>" terlambat"</li>
            <li><strong>{t.average_best().map(|a| format!("{a:.1}").replace('.', ",")).unwrap_or_else(|| "–".into())}</strong>" rata-rata nilai terbaik"</li>
        </ul>
    }
}

pub(super) fn attempts_list(buckets: &[AttemptsBucket]) -> impl IntoView {
    let items = buckets
        .iter()
        .map(|b| view! { <li>{format!("{} kali: {} ASN", b.label, b.count)}</li> })
        .collect_view();
    view! {
        <h2>"Jumlah percobaan sampai lulus"</h2>
        <ul class="meta-list">{items}</ul>
    }
}

pub(super) fn export_links(assignment_id: i64, unit: Option<i64>) -> impl IntoView {
    let base = format!("/operator/penugasan/{assignment_id}/status");
    // The certificates of one OPD or unit (with its sub-units) as a ZIP of PDFs.
    let certificates = unit.map(|u| {
        view! {
            <p class="certificate-zip">
                "E-sertifikat yang lulus di unit ini: "
                <a href=format!("/operator/penugasan/{assignment_id}/unit/{u}/sertifikat.zip") rel="external">"Unduh semua (ZIP)"</a>
            </p>
        }
    });
    let unit = unit.map(|u| format!("unit={u}&")).unwrap_or_default();
    view! {
        {certificates}
        <p class="exports">
            "Ekspor status: "
            <a href=format!("{base}.xlsx?{unit}") rel="external">"Excel"</a>" · "
            <a href=format!("{base}.csv?{unit}") rel="external">"CSV"</a>
            " · Belum selesai: "
            <a href=format!("{base}.xlsx?{unit}status=belum-selesai") rel="external">"Excel"</a>" · "
            <a href=format!("{base}.csv?{unit}status=belum-selesai") rel="external">"CSV"</a>
            " · Terlambat: "
            <a href=format!("{base}.xlsx?{unit}status=terlambat") rel="external">"Excel"</a>" · "
            <a href=format!("{base}.csv?{unit}status=terlambat") rel="external">"CSV"</a>
        </p>
    }
}

#[component]
pub(super) fn OverviewView(o: Overview) -> impl IntoView {
    let a = o.assignment.clone();
    let others = o
        .others
        .iter()
        .map(|x| {
            let label = format!("{} (tenggat {})", x.module_title, x.deadline);
            view! { <li><A href=format!("/operator/dasbor?penugasan={}", x.id)>{label}</A></li> }
        })
        .collect_view();
    let caption = format!(
        "Persentase ASN yang lulus per OPD untuk modul {}",
        a.module_title
    );
    view! {
        <p>{o.agency.clone()}</p>
        {assignment_summary(&a)}
        {export_links(a.id, None)}
        <h2>"Penyelesaian per OPD"</h2>
        {completion_chart(&o.rows, &caption)}
        {unit_table(&o.rows, a.id)}
        {attempts_list(&o.attempts)}
        <p><A href=format!("/operator/dasbor/{}/soal", a.id)>"Soal yang paling sering dijawab salah"</A></p>
        {(!o.others.is_empty()).then(|| view! {
            <h2>"Penugasan lain"</h2>
            <ul>{others}</ul>
        })}
    }
}
