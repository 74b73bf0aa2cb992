//! The host's side of webinars: `/host` (sessions and a new one), `/host/sesi/{id}` (code, QR,
//! windows, exports, certificates) and `/host/sesi/{id}/live` (the board to share on screen).

use super::loaded;
use crate::api::webinar::{
    get_host_home, get_live_stats, host_session, CreateWebinar, RevokeCertificate, SetWebinarWindow,
};
use crate::components::error_notice::ErrorNotice;
use crate::components::field::TextField;
use crate::model::webinar::{
    format_average, format_gain, Bucket, HostHome, HostSessionView, LiveStats, Stage, Window,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn session_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse().ok())
            .unwrap_or(0)
    }
}

#[component]
pub fn HostPage() -> impl IntoView {
    let create = ServerAction::<CreateWebinar>::new();
    let home = Resource::new(move || create.version().get(), |_| get_host_home());
    view! {
        <Title text="Sesi webinar" />
        <h1>"Sesi webinar"</h1>
        {loaded(home, move |home| view! { <HostHomeView home create /> })}
    }
}

#[component]
fn HostHomeView(home: HostHome, create: ServerAction<CreateWebinar>) -> impl IntoView {
    let error = move || create.value().get().and_then(Result::err);
    let field = move |name: &'static str| {
        Signal::derive(move || error().and_then(|e| e.field_message(name)))
    };
    // The curriculum's parallel forms are the natural pre-test and post-test.
    let options = |preferred: &str| {
        home.modules
            .iter()
            .map(|m| {
                let label = if m.is_test {
                    format!("{} (bentuk tes)", m.title)
                } else {
                    m.title.clone()
                };
                let selected = m.slug.starts_with(preferred);
                view! { <option value=m.slug.clone() selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let pre_options = options("pretest");
    let post_options = options("posttest");
    let material_options = home
        .modules
        .iter()
        .filter(|m| !m.is_test)
        .map(|m| {
            let id = format!("f-mat-{}", m.slug);
            view! {
                <div class="option">
                    <input type="checkbox" id=id.clone() name="materials[]" value=m.slug.clone() />
                    <label for=id>{m.title.clone()}</label>
                </div>
            }
        })
        .collect_view();
    let sessions = (!home.sessions.is_empty()).then(|| {
        let rows = home
            .sessions
            .clone()
            .into_iter()
            .map(|s| view! {
                <tr>
                    <th scope="row"><A href=format!("/host/sesi/{}", s.id)>{s.title.clone()}</A></th>
                    <td class="code">{s.code.clone()}</td>
                    <td>{s.starts.clone()}</td>
                    <td>{s.participants}</td>
                </tr>
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"Judul"</th><th scope="col">"Kode"</th><th scope="col">"Waktu"</th><th scope="col">"Peserta"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    view! {
        {match sessions {
            Some(table) => table.into_any(),
            None => view! { <p>"Belum ada sesi. Buat sesi pertama Anda di bawah."</p> }.into_any(),
        }}
        <p><A href="/host/impor-soal">"Impor soal dari Moodle XML atau GIFT"</A></p>
        <h2>"Buat sesi baru"</h2>
        {move || error().filter(|e| !matches!(e, crate::error::AppError::Invalid(_))).map(|error| view! { <ErrorNotice error /> })}
        <ActionForm action=create>
            <TextField name="title" label="Judul kegiatan" error=field("title") />
            <div class="field">
                <label for="f-organiser">"Penyelenggara"</label>
                <input id="f-organiser" name="organiser" maxlength=120 value=home.default_organiser.clone() required=true />
                {move || field("organiser").get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="f-starts">"Tanggal dan jam mulai"</label>
                <input id="f-starts" name="starts_at" type="datetime-local" required=true />
                {move || field("starts_at").get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="f-tz">"Zona waktu"</label>
                <select id="f-tz" name="time_zone">
                    <option value="WIB">"WIB (UTC+7)"</option>
                    <option value="WITA">"WITA (UTC+8)"</option>
                    <option value="WIT">"WIT (UTC+9)"</option>
                </select>
            </div>
            <div class="field">
                <label for="f-pre">"Pre-test"</label>
                <select id="f-pre" name="pre_module">
                    <option value="">"Tanpa pre-test"</option>
                    {pre_options}
                </select>
            </div>
            <div class="field">
                <label for="f-post">"Post-test"</label>
                <select id="f-post" name="post_module">{post_options}</select>
                {move || field("post_module").get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <fieldset class="field schedule">
                <legend>"Jadwal otomatis (opsional)"</legend>
                <p class="hint">"Kosongkan untuk membuka dan menutup sendiri dengan satu klik. Jam mengikuti zona waktu di atas."</p>
                <ScheduleField name="pre_opens_at" label="Pre-test dibuka" error=field("pre_opens_at") />
                <ScheduleField name="pre_closes_at" label="Pre-test ditutup" error=field("pre_closes_at") />
                <ScheduleField name="post_opens_at" label="Post-test dibuka" error=field("post_opens_at") />
                <ScheduleField name="post_closes_at" label="Post-test ditutup" error=field("post_closes_at") />
            </fieldset>
            <fieldset class="field">
                <legend>"Materi untuk dibaca (opsional)"</legend>
                {material_options}
            </fieldset>
            <TextField name="jp" label="JP (jam pelajaran)" inputmode="numeric" maxlength=3 error=field("jp") />
            <TextField name="min_post_score" required=false label="Nilai minimal post-test untuk sertifikat (0-100)" inputmode="numeric" maxlength=3 error=field("min_post_score") />
            <div class="option">
                <input type="checkbox" id="f-req-pre" name="requires_pre" value="1" checked=true />
                <label for="f-req-pre">"Wajib mengikuti pre-test"</label>
            </div>
            {move || field("requires_pre").get().map(|m| view! { <p class="field-error">{m}</p> })}
            <div class="option">
                <input type="checkbox" id="f-cert" name="issues_certificates" value="1" checked=true />
                <label for="f-cert">"Terbitkan e-sertifikat otomatis"</label>
            </div>
            <TextField name="signer_name" required=false label="Nama pejabat penandatangan" error=field("signer_name") />
            <TextField name="signer_nip" required=false label="NIP penandatangan" inputmode="numeric" maxlength=30 error=field("signer_nip") />
            <TextField name="signer_position" required=false label="Jabatan penandatangan" error=field("signer_position") />
            <button type="submit" class="button button-primary" disabled=move || create.pending().get()>"Buat sesi"</button>
        </ActionForm>
    }
}

/// An optional date-and-time input of the schedule, with its error.
#[component]
fn ScheduleField(
    name: &'static str,
    label: &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=name type="datetime-local" />
            {move || error.get().map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
    }
}

#[component]
pub fn HostSessionPage() -> impl IntoView {
    let id = session_id();
    let window = ServerAction::<SetWebinarWindow>::new();
    let revoke = ServerAction::<RevokeCertificate>::new();
    let session = Resource::new(
        move || (id(), window.version().get(), revoke.version().get()),
        |(id, _, _)| host_session(id),
    );
    view! {
        {loaded(session, move |s| view! { <ManageSession s window revoke /> })}
    }
}

fn window_controls(
    id: i64,
    stage: Stage,
    state: &Window,
    action: ServerAction<SetWebinarWindow>,
) -> impl IntoView {
    let (open, label) = if state.is_open() {
        ("0", format!("Tutup {}", stage.label()))
    } else {
        ("1", format!("Buka {}", stage.label()))
    };
    view! {
        <ActionForm action=action>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="stage" value=stage.segment() />
            <input type="hidden" name="open" value=open />
            <button type="submit" class="button" class:button-primary=open == "1">{label}</button>
        </ActionForm>
    }
}

#[component]
fn ManageSession(
    s: HostSessionView,
    window: ServerAction<SetWebinarWindow>,
    revoke: ServerAction<RevokeCertificate>,
) -> impl IntoView {
    let id = s.id;
    let errors = move || {
        window
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
            .map(|error| view! { <ErrorNotice error /> })
    };
    view! {
        <Title text=s.title.clone() />
        <nav aria-label="Jejak" class="breadcrumb"><A href="/host">"Sesi webinar"</A></nav>
        <h1>{s.title.clone()}</h1>
        <ul class="meta-list">
            <li>{format!("Penyelenggara: {}", s.organiser)}</li>
            <li>{format!("Waktu: {}", s.starts)}</li>
            <li>{s.rule.clone()}</li>
            <li data-testid="participants">{format!("{} peserta bergabung", s.participants)}</li>
        </ul>
        <section class="card join-card" aria-labelledby="join-title">
            <h2 id="join-title">"Bagikan ke peserta"</h2>
            <p class="join-code" data-testid="join-code">{s.code.clone()}</p>
            <p><a href=s.join_url.clone()>{s.join_url.clone()}</a></p>
            <img class="qr" src=format!("/host/sesi/{id}/qr.svg") width=240 height=240 alt=format!("Kode QR untuk {}", s.join_url) />
            <p class="actions">
                <a class="button" href=format!("/host/sesi/{id}/qr.svg") download="">"QR (SVG)"</a>
                <a class="button" href=format!("/host/sesi/{id}/qr.png") download="">"QR (PNG)"</a>
                <A href=format!("/host/sesi/{id}/live") attr:class="button button-primary">"Papan hasil langsung"</A>
            </p>
        </section>
        {errors}
        <section class="card" aria-labelledby="windows-title">
            <h2 id="windows-title">"Pre-test dan post-test"</h2>
            {s.pre.clone().map(|(title, state)| view! {
                <p>{format!("Pre-test: {title} · ")}<span data-testid="window-pre-test">{state.label()}</span></p>
                {window_controls(id, Stage::Pre, &state, window)}
            })}
            <p>{format!("Post-test: {} · ", s.post.0)}<span data-testid="window-post-test">{s.post.1.label()}</span></p>
            {window_controls(id, Stage::Post, &s.post.1, window)}
        </section>
        <section class="card" aria-labelledby="export-title">
            <h2 id="export-title">"Ekspor hasil"</h2>
            <p class="actions">
                <a class="button" href=format!("/host/sesi/{id}/hasil.xlsx") rel="external">"Excel (XLSX)"</a>
                <a class="button" href=format!("/host/sesi/{id}/hasil.csv") rel="external">"CSV"</a>
                <a class="button" href=format!("/host/sesi/{id}/sertifikat.zip") rel="external">"Semua sertifikat (ZIP)"</a>
            </p>
        </section>
        <h2>{format!("Sertifikat terbit ({})", s.certificates.len())}</h2>
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"Nomor"</th><th scope="col">"Nama"</th><th scope="col">"NIP"</th><th scope="col">"Status"</th><th scope="col">"Tindakan"</th></tr></thead>
                <tbody>
                    {s.certificates.into_iter().map(|c| view! {
                        <tr>
                            <td><A href=format!("/verifikasi/{}", c.verify_code)>{c.number.clone()}</A></td>
                            <th scope="row">{c.holder_name.clone()}</th>
                            <td>{c.holder_nip_masked.clone()}</td>
                            <td>{match &c.revoked_reason { Some(r) => format!("dicabut: {r}"), None => "sah".into() }}</td>
                            <td>
                                {c.revoked_reason.is_none().then(|| view! {
                                    <ActionForm action=revoke>
                                        <input type="hidden" name="certificate_id" value=c.id />
                                        <label class="visually-hidden" for=format!("reason-{}", c.id)>"Alasan pencabutan"</label>
                                        <input id=format!("reason-{}", c.id) name="reason" placeholder="Alasan pencabutan" maxlength=300 required=true />
                                        <button type="submit" class="button">"Cabut"</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn LiveBoardPage() -> impl IntoView {
    let id = session_id();
    let stats = Resource::new(id, get_live_stats);
    view! {
        <Title text="Papan hasil langsung" />
        <nav aria-label="Jejak" class="breadcrumb"><A href=move || format!("/host/sesi/{}", id())>"Kembali ke sesi"</A></nav>
        {loaded(stats, move |stats| view! { <LiveBoard id=id() stats /> })}
    }
}

/// Follows the server's event stream: every message is the whole, fresh set of figures.
#[cfg(feature = "hydrate")]
fn follow(id: i64, live: RwSignal<LiveStats>, connected: RwSignal<bool>) {
    use send_wrapper::SendWrapper;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Ok(source) = web_sys::EventSource::new(&format!("/host/sesi/{id}/events")) else {
        return;
    };
    let on_stats =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(text) = ev.data().as_string() {
                if let Ok(stats) = serde_json::from_str::<LiveStats>(&text) {
                    live.set(stats);
                    connected.set(true);
                }
            }
        });
    let _ = source.add_event_listener_with_callback("stats", on_stats.as_ref().unchecked_ref());
    let on_error = Closure::<dyn FnMut()>::new(move || connected.set(false));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let handle = SendWrapper::new((source, on_stats, on_error));
    on_cleanup(move || handle.0.close());
}

/// The figures, following the server's event stream: a Leptos island, the one part of the
/// board page that runs in the browser.
#[island]
fn LiveBoard(id: i64, stats: LiveStats) -> impl IntoView {
    let live = RwSignal::new(stats);
    let connected = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    follow(id, live, connected);
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
    let team_view = RwSignal::new(false);
    view! {
        <h1>"Papan hasil langsung"</h1>
        <p class="hint" role="status">
            {move || if connected.get() { "Terhubung: angka diperbarui otomatis." } else { "Angka saat halaman dimuat. Muat ulang untuk memperbarui bila JavaScript tidak aktif." }}
        </p>
        <div class="live-figures" aria-live="polite">
            <Figure label="Bergabung" value=Signal::derive(move || live.with(|s| s.joined.to_string())) testid="joined" />
            <Figure label="Pre-test masuk" value=Signal::derive(move || live.with(|s| s.pre_submitted.to_string())) testid="pre-submitted" />
            <Figure label="Post-test masuk" value=Signal::derive(move || live.with(|s| s.post_submitted.to_string())) testid="post-submitted" />
            <Figure label="Rata-rata pre-test" value=Signal::derive(move || live.with(|s| format_average(s.pre_average))) testid="pre-average" />
            <Figure label="Rata-rata post-test" value=Signal::derive(move || live.with(|s| format_average(s.post_average))) testid="post-average" />
            <Figure label="Peningkatan rata-rata" value=Signal::derive(move || live.with(|s| format_gain(s.gain_average))) testid="gain" />
            <Figure label="Selesai (memenuhi syarat)" value=Signal::derive(move || live.with(|s| s.completed.to_string())) testid="completed" />
        </div>
        <h2>"Sebaran nilai post-test"</h2>
        {move || live.with(|s| histogram(&s.post_distribution, "post-test"))}
        <h2>"Sebaran nilai pre-test"</h2>
        {move || live.with(|s| histogram(&s.pre_distribution, "pre-test"))}
        <h2>"Soal yang paling sering salah"</h2>
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"Tes"</th><th scope="col">"Soal"</th><th scope="col">"Dijawab"</th><th scope="col">"Benar"</th></tr></thead>
                <tbody>
                    {move || live.with(|s| s.questions.iter().take(15).map(|q| view! {
                        <tr><td>{q.stage.label()}</td><th scope="row">{q.stem.clone()}</th><td>{q.answered}</td><td>{format!("{}%", q.percent())}</td></tr>
                    }).collect_view())}
                </tbody>
            </table>
        </div>
        <h2>"Per instansi"</h2>
        <label class="option"><input type="checkbox" on:change=move |ev| team_view.set(event_target_checked(&ev)) />" Tampilkan rata-rata per instansi"</label>
        <Show when=move || team_view.get()>
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"Instansi"</th><th scope="col">"Peserta"</th><th scope="col">"Pre-test"</th><th scope="col">"Post-test"</th></tr></thead>
                    <tbody>
                        {move || live.with(|s| s.teams.iter().map(|t| view! {
                            <tr><th scope="row">{t.instansi.clone()}</th><td>{t.participants}</td><td>{format_average(t.pre_average)}</td><td>{format_average(t.post_average)}</td></tr>
                        }).collect_view())}
                    </tbody>
                </table>
            </div>
        </Show>
    }
}

#[component]
fn Figure(label: &'static str, value: Signal<String>, testid: &'static str) -> impl IntoView {
    view! {
        <div class="figure">
            <span class="figure-value" data-testid=testid>{value}</span>
            <span class="figure-label">{label}</span>
        </div>
    }
}

/// A bar chart as SVG with the numbers as text, so it reads without colour and on screen readers.
fn histogram(buckets: &[Bucket], name: &str) -> impl IntoView {
    let max = buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let total: u64 = buckets.iter().map(|b| b.count).sum();
    let bar_w = 36.0;
    let height = 120.0;
    let summary = buckets
        .iter()
        .map(|b| format!("{}-{}: {}", b.from, b.to, b.count))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <figure class="histogram">
            <svg viewBox=format!("0 0 {} {}", bar_w * 10.0, height + 30.0) role="img" aria-label=format!("Sebaran nilai {name}: {summary}")>
                {buckets.iter().enumerate().map(|(i, b)| {
                    let h = (b.count as f64 / max as f64) * height;
                    let x = i as f64 * bar_w;
                    view! {
                        <rect x=x + 3.0 y=height - h width=bar_w - 6.0 height=h class="bar" />
                        <text x=x + bar_w / 2.0 y=height - h - 2.0 text-anchor="middle" class="bar-count">{b.count}</text>
                        <text x=x + bar_w / 2.0 y=height + 16.0 text-anchor="middle" class="bar-label">{b.from}</text>
                    }
                }).collect_view()}
            </svg>
            <figcaption>{format!("{total} nilai; batang menunjukkan jumlah peserta per rentang 10 poin")}</figcaption>
        </figure>
    }
}
