//! BKPSDM tracking pages: `/operator/impor` (roster import with preview), `/operator/penugasan`
//! (assignments and cycles), `/operator/dasbor` (completion per OPD) and
//! `/operator/dasbor/{assignment}/unit/{unit}` (a unit's employees). Operators only.

use super::loaded;
use crate::api::tracking::{
    get_assignments, get_dashboard, get_jp_ledger, get_question_difficulty, get_unit_status,
    ConfirmRoster, CreateAssignment, NewAssignmentCycle, SetCertificateSigner,
};
use crate::components::error_notice::ErrorNotice;
use crate::error::AppError;
use crate::model::roster::RosterPreview;
use crate::model::tracking::{
    percent, AssignmentView, AssignmentsPage, AttemptsBucket, Difficulty, JpLedger, Overview,
    Status, Tally, UnitDrillDown, UnitRow,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The operator's section links.
#[component]
pub fn OperatorNav() -> impl IntoView {
    view! {
        <nav class="subnav" aria-label="Menu operator">
            <A href="/operator" exact=true>"Roster"</A>
            <A href="/operator/impor">"Impor roster"</A>
            <A href="/operator/penugasan">"Penugasan"</A>
            <A href="/operator/dasbor">"Dasbor"</A>
            <A href="/operator/jp">"JP"</A>
        </nav>
    }
}

fn field_error(error: Option<AppError>, name: &str) -> Option<String> {
    error.and_then(|e| e.field_message(name))
}

// ---------------------------------------------------------------- roster import

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

#[component]
fn RosterImportForm() -> impl IntoView {
    let preview = RwSignal::new(None::<Result<RosterPreview, AppError>>);
    let pending = RwSignal::new(false);
    let confirm = ServerAction::<ConfirmRoster>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = super::submitted_form_data(&ev) else {
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
fn PreviewView(p: RosterPreview, confirm: ServerAction<ConfirmRoster>) -> impl IntoView {
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

// ---------------------------------------------------------------- assignments

#[component]
pub fn AssignmentsPageView() -> impl IntoView {
    let create = ServerAction::<CreateAssignment>::new();
    let cycle = ServerAction::<NewAssignmentCycle>::new();
    let signer = ServerAction::<SetCertificateSigner>::new();
    let data = Resource::new(
        move || {
            (
                create.version().get(),
                cycle.version().get(),
                signer.version().get(),
            )
        },
        |_| get_assignments(),
    );
    view! {
        <Title text="Penugasan modul" />
        <OperatorNav />
        <h1>"Penugasan modul"</h1>
        {loaded(data, move |page| view! {
            <Assignments page=page.clone() create cycle />
            <SignerForm current=page.signer action=signer />
        })}
    }
}

/// The official who signs the e-certificates of mandatory modules.
#[component]
fn SignerForm(
    current: (String, String, String),
    action: ServerAction<SetCertificateSigner>,
) -> impl IntoView {
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

fn tally_text(t: &Tally) -> String {
    format!(
        "{} dari {} lulus ({}), {} terlambat",
        t.passed,
        t.assigned(),
        percent(t.completion_percent()),
        t.overdue
    )
}

#[component]
fn Assignments(
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

// ---------------------------------------------------------------- dashboard

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
fn completion_chart(rows: &[UnitRow], caption: &str) -> impl IntoView {
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

fn unit_table(rows: &[UnitRow], assignment_id: i64) -> impl IntoView {
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
                    <th scope="col">"Penyelesaian"</th><th scope="col">"Tidak lulus"</th><th scope="col">"Sedang"</th>
                    <th scope="col">"Belum mulai"</th><th scope="col">"Terlambat"</th><th scope="col">"Rata-rata nilai terbaik"</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

fn assignment_summary(a: &AssignmentView) -> impl IntoView {
    let t = &a.tally;
    view! {
        <p class="lead">{format!("{} · {} · siklus ke-{}", a.module_title, a.scope, a.cycle)}</p>
        <p>{format!("Dibuka {} · tenggat {}{}", a.opens, a.deadline, if a.past_deadline { " (sudah lewat)" } else { "" })}</p>
        <ul class="stat-cards">
            <li><strong>{percent(t.completion_percent())}</strong>" lulus"</li>
            <li><strong>{t.passed}</strong>{format!(" dari {} ASN", t.assigned())}</li>
            <li><strong>{t.overdue}</strong>" terlambat"</li>
            <li><strong>{t.average_best().map(|a| format!("{a:.1}").replace('.', ",")).unwrap_or_else(|| "–".into())}</strong>" rata-rata nilai terbaik"</li>
        </ul>
    }
}

fn attempts_list(buckets: &[AttemptsBucket]) -> impl IntoView {
    let items = buckets
        .iter()
        .map(|b| view! { <li>{format!("{} kali: {} ASN", b.label, b.count)}</li> })
        .collect_view();
    view! {
        <h2>"Jumlah percobaan sampai lulus"</h2>
        <ul class="meta-list">{items}</ul>
    }
}

fn export_links(assignment_id: i64, unit: Option<i64>) -> impl IntoView {
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
fn OverviewView(o: Overview) -> impl IntoView {
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

// ---------------------------------------------------------------- drill-down

fn id_param(name: &'static str) -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
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
fn DrillDownView(d: UnitDrillDown) -> impl IntoView {
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
                    <td>{if e.verified { "terverifikasi" } else { "belum aktivasi" }}</td>
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
                    <th scope="col">"Identitas"</th>
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

// ---------------------------------------------------------------- question difficulty

#[component]
pub fn DifficultyPage() -> impl IntoView {
    let assignment = id_param("assignment");
    let data = Resource::new(assignment, get_question_difficulty);
    view! {
        <Title text="Tingkat kesulitan soal" />
        <OperatorNav />
        <h1>"Tingkat kesulitan soal"</h1>
        {loaded(data, |d| view! { <DifficultyView d /> })}
    }
}

#[component]
fn DifficultyView(d: Difficulty) -> impl IntoView {
    let a = d.assignment.clone();
    let rows = d
        .questions
        .iter()
        .map(|q| {
            let share = if q.answered == 0 {
                "belum ada jawaban".to_string()
            } else {
                format!(
                    "{} ({} dari {})",
                    percent(q.share_correct()),
                    q.correct,
                    q.answered
                )
            };
            view! {
                <tr>
                    <td>{share}</td>
                    <th scope="row">{q.stem.clone()}</th>
                    <td>{q.basis.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <nav aria-label="Jejak" class="breadcrumb">
            <A href=format!("/operator/dasbor?penugasan={}", a.id)>"Dasbor"</A>
        </nav>
        {assignment_summary(&a)}
        <p class="hint">"Persentase jawaban benar per soal dari ASN yang ditugaskan pada siklus ini; soal dengan persentase terendah menunjukkan aturan yang paling sering disalahpahami."</p>
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"Benar"</th><th scope="col">"Soal"</th><th scope="col">"Dasar hukum"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

// ---------------------------------------------------------------- JP ledger

#[component]
pub fn JpLedgerPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("tahun")
                    .and_then(|v| v.parse::<i32>().ok())
                    .unwrap_or(0),
                q.get("unit")
                    .and_then(|v| v.parse::<i64>().ok())
                    .unwrap_or(0),
                q.get("bawah").is_some_and(|v| v == "1"),
                q.get("hal")
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or(1),
            )
        },
        |(year, unit, below, page)| get_jp_ledger(year, unit, below, page),
    );
    view! {
        <Title text="Capaian JP" />
        <OperatorNav />
        <h1>"Capaian JP pengembangan kompetensi"</h1>
        {loaded(data, |l| view! { <LedgerView l /> })}
    }
}

#[component]
fn LedgerView(l: JpLedger) -> impl IntoView {
    let unit_id = l.unit.as_ref().map(|u| u.id);
    let opds = l
        .opds
        .iter()
        .map(|u| view! { <option value=u.id selected=Some(u.id) == unit_id>{u.name.clone()}</option> })
        .collect_view();
    let rows = l
        .rows
        .iter()
        .map(|r| {
            let name = r.name.clone();
            view! {
                <tr class:below=r.jp < l.target>
                    <td class="code">{crate::model::nip::format_nip(&r.nip)}</td>
                    <th scope="row"><A href=format!("/operator/pegawai/{}", r.id)>{name}</A></th>
                    <td>{r.unit.clone()}</td>
                    <td>{r.jp}</td>
                    <td>{r.modules.join(", ")}</td>
                </tr>
            }
        })
        .collect_view();
    let filter = format!(
        "tahun={}{}{}",
        l.year,
        unit_id.map(|u| format!("&unit={u}")).unwrap_or_default(),
        if l.only_below { "&bawah=1" } else { "" }
    );
    let pager = (l.pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Halaman">
                {(l.page > 1).then(|| view! { <a href=format!("?{filter}&hal={}", l.page - 1)>"‹ Sebelumnya"</a> })}
                <span>{format!(" Halaman {} dari {} ", l.page, l.pages)}</span>
                {(l.page < l.pages).then(|| view! { <a href=format!("?{filter}&hal={}", l.page + 1)>"Berikutnya ›"</a> })}
            </nav>
        }
    });
    view! {
        <p class="notice">{format!(
            "Hanya JP dari modul Netra yang dihitung (target pengembangan kompetensi {} JP per tahun). Pelatihan di luar Netra tidak tercatat di sini.",
            l.target
        )}</p>
        <form method="get" class="filters">
            <div class="field">
                <label for="jp-year">"Tahun"</label>
                <input id="jp-year" name="tahun" type="number" min=2000 max=2100 value=l.year />
            </div>
            <div class="field">
                <label for="jp-unit">"OPD"</label>
                <select id="jp-unit" name="unit"><option value="">"Seluruh instansi"</option>{opds}</select>
            </div>
            <div class="option">
                <input type="checkbox" id="jp-below" name="bawah" value="1" checked=l.only_below />
                <label for="jp-below">{format!("Hanya yang di bawah {} JP", l.target)}</label>
            </div>
            <button type="submit" class="button">"Terapkan"</button>
        </form>
        <p>{format!("{} pegawai; {} di bawah {} JP pada {}.", l.employees, l.below, l.target, l.year)}</p>
        <p class="exports">"Ekspor: "
            <a href=format!("/operator/jp.xlsx?{filter}") rel="external">"Excel"</a>" · "
            <a href=format!("/operator/jp.csv?{filter}") rel="external">"CSV"</a>
        </p>
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"NIP"</th><th scope="col">"Nama"</th><th scope="col">"Unit kerja"</th><th scope="col">"JP"</th><th scope="col">"Modul selesai"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {pager}
    }
}
