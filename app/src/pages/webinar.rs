//! The attendee's side of a webinar: `/w/{code}` (identify once, then see what is open) and
//! `/w/{code}/{stage}` (the pre-test or post-test), and the public `/verifikasi/{code}`.

use super::quiz::QuizInProgress;
use super::{error_view, loaded, loading};
use crate::api::webinar::{
    find_webinar, verify_certificate, webinar_page, webinar_quiz, StartWebinarTest,
};
use crate::components::error_notice::ErrorNotice;
use crate::components::identify_form::{IdentifyForm, SessionIdentifyForm};
use crate::components::join_form::JoinForm;
use crate::error::AppError;
use crate::model::nip::format_nip;
use crate::model::quiz::CertificateCheck;
use crate::model::quiz::QuizState;
use crate::model::webinar::{unknown_code_reason, AttendeeView, StageView, Window};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/w`: the field for a join code. `?kode=…` (what the field submits) goes on to the
/// session's page, or shows the field again with the reason.
#[component]
pub fn JoinPage() -> impl IntoView {
    let query = use_query_map();
    let typed = move || query.read().get("kode").unwrap_or_default();
    let found = Resource::new(typed, |typed| async move {
        if typed.trim().is_empty() {
            None
        } else {
            Some(find_webinar(typed).await)
        }
    });
    view! {
        <Title text="Gabung webinar" />
        <h1>"Gabung webinar"</h1>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match found.await {
                    None => view! { <JoinForm /> }.into_any(),
                    Some(Ok(code)) => {
                        let path = format!("/w/{code}");
                        super::answer_see_other(&path);
                        view! { <Redirect path /> }.into_any()
                    }
                    Some(Err(e)) => {
                        let reason = e.field_message("kode").unwrap_or_else(|| e.to_string());
                        view! { <JoinForm value=typed() reason /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn WebinarPage() -> impl IntoView {
    let params = use_params_map();
    let start = ServerAction::<StartWebinarTest>::new();
    let code = move || params.read().get("code").unwrap_or_default();
    let page = Resource::new(code, webinar_page);
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => view! { <Attendee view start /> }.into_any(),
                    // A mistyped or unknown code: the field to type it again.
                    Err(AppError::NotFound) => {
                        super::answer_not_found();
                        view! {
                        <Title text="Gabung webinar" />
                        <h1>"Gabung webinar"</h1>
                        <JoinForm
                            value=code()
                            reason=unknown_code_reason(&code())
                        />
                        }
                        .into_any()
                    }
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Attendee(view: AttendeeView, start: ServerAction<StartWebinarTest>) -> impl IntoView {
    let next = format!("/w/{}", view.code);
    let start_error = move || {
        start
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <ErrorNotice error /> })
    };
    let header = view! {
        <Title text=view.title.clone() />
        <p class="meta">{format!("Webinar · kode {}", view.code)}</p>
        <h1>{view.title.clone()}</h1>
        <ul class="meta-list">
            <li>{format!("Penyelenggara: {}", view.organiser)}</li>
            <li>{format!("Waktu: {}", view.starts)}</li>
            <li>{view.rule.clone()}</li>
        </ul>
    };
    let Some(learner) = view.learner.clone() else {
        return view! {
            {header}
            <section class="card" aria-labelledby="join-title">
                <h2 id="join-title">"Isi identitas untuk bergabung"</h2>
                <p>"Cukup sekali: setelah itu halaman ini menampilkan pre-test, materi, post-test dan sertifikat Anda. "
                   "Punya akun Netra? "<A href=format!("/masuk?lanjut={next}")>"Masuk dengan NIP dan kata sandi"</A>" agar hasil tercatat terverifikasi."</p>
                <SessionIdentifyForm code=view.code.clone() />
            </section>
        }
        .into_any();
    };
    let code = view.code.clone();
    let materials = (!view.materials.is_empty()).then(|| {
        let links = view
            .materials
            .clone()
            .into_iter()
            .map(|m| view! { <li><A href=format!("/modul/{}", m.slug)>{m.title.clone()}</A></li> })
            .collect_view();
        view! {
            <li class="card">
                <h2>"Materi"</h2>
                <ul>{links}</ul>
            </li>
        }
    });
    view! {
        {header}
        <p class="whoami-line">
            {format!("Anda: {} · NIP {} · {}", learner.name, format_nip(&learner.nip), learner.instansi)}
            {format!(" ({})", learner.assurance.label().to_lowercase())}
        </p>
        {start_error}
        <ol class="webinar-steps">
            {view.pre.clone().map(|pre| view! { <StageStep stage=pre code=code.clone() start /> })}
            {materials}
            <StageStep stage=view.post.clone() code=code.clone() start />
            <li class="card" data-testid="certificate">
                <h2>"Sertifikat"</h2>
                {match (view.certificate.clone(), view.completed) {
                    (Some(c), _) if c.revoked => view! {
                        <p class="notice notice-error">{format!("Sertifikat {} telah dicabut oleh penyelenggara.", c.number)}</p>
                    }.into_any(),
                    (Some(c), _) => view! {
                        <p>{format!("Nomor {}", c.number)}</p>
                        <div class="actions">
                            <a class="button button-primary" href=format!("/sertifikat/{}/unduh", c.id) rel="external" download="">"Unduh sertifikat (PDF)"</a>
                            <A href=format!("/verifikasi/{}", c.verify_code) attr:class="button">"Halaman verifikasi"</A>
                        </div>
                    }.into_any(),
                    (None, true) => view! { <p>"Sesi selesai. JP Anda sudah tercatat."</p> }.into_any(),
                    (None, false) => view! { <p class="hint">{view.rule.clone()}</p> }.into_any(),
                }}
            </li>
        </ol>
    }
    .into_any()
}

#[component]
fn StageStep(
    stage: StageView,
    code: String,
    start: ServerAction<StartWebinarTest>,
) -> impl IntoView {
    let label = stage.stage.label();
    let status = match (&stage.score, stage.in_progress, &stage.window) {
        (Some(score), _, _) => format!("Sudah dikerjakan · nilai {score}"),
        (None, true, w) if w.is_open() => "Sedang dikerjakan".to_string(),
        (None, _, w) => w.label(),
    };
    let action = match (&stage.score, stage.in_progress, &stage.window) {
        (None, true, Window::Open { .. }) => Some(view! {
            <A href=format!("/w/{code}/{}", stage.stage.segment()) attr:class="button button-primary">{format!("Lanjutkan {label}")}</A>
        }.into_any()),
        (None, _, Window::Open { .. }) => Some(view! {
            <ActionForm action=start>
                <input type="hidden" name="code" value=code.clone() />
                <input type="hidden" name="stage" value=stage.stage.segment() />
                <button type="submit" class="button button-primary" disabled=move || start.pending().get()>{format!("Mulai {label}")}</button>
            </ActionForm>
        }.into_any()),
        _ => None,
    };
    view! {
        <li class="card" data-stage=stage.stage.segment()>
            <h2>{label}</h2>
            <p>{stage.module_title.clone()}</p>
            <p class="status" data-testid=format!("status-{}", stage.stage.segment())>{status}</p>
            {action}
        </li>
    }
}

#[component]
pub fn WebinarQuizPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let state = Resource::new(
        move || (code(), params.read().get("stage").unwrap_or_default()),
        |(code, stage)| webinar_quiz(code, stage),
    );
    view! {
        <nav aria-label="Jejak" class="breadcrumb">
            <A href=move || format!("/w/{}", code())>"Kembali ke halaman sesi"</A>
        </nav>
        {loaded(state, move |state| match state {
            QuizState::InProgress(attempt) => view! { <QuizInProgress attempt /> }.into_any(),
            QuizState::NeedsIdentity { module_title } => view! {
                <h1>{module_title}</h1>
                <IdentifyForm next=format!("/w/{}", code()) />
            }.into_any(),
            QuizState::Ready(_) => view! {
                <p>"Mulai dari halaman sesi."</p>
            }.into_any(),
        })}
    }
}

#[component]
pub fn VerifyPage() -> impl IntoView {
    let params = use_params_map();
    let check = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        verify_certificate,
    );
    view! {
        <Title text="Verifikasi sertifikat" />
        <h1>"Verifikasi sertifikat"</h1>
        {loaded(check, |c| view! { <CertificateFacts check=c /> })}
    }
}

#[component]
fn CertificateFacts(check: CertificateCheck) -> impl IntoView {
    let (class, status) = match &check.revoked_reason {
        None => (
            "card score score-passed",
            "SAH: sertifikat ini diterbitkan melalui Netra.".to_string(),
        ),
        Some(reason) => ("card score", format!("DICABUT: {reason}")),
    };
    view! {
        <section class=class aria-labelledby="verify-status">
            <h2 id="verify-status" data-testid="verify-status">{status}</h2>
            <dl class="facts">
                <dt>"Nomor"</dt><dd>{check.number}</dd>
                <dt>"Nama"</dt><dd>{check.holder_name}</dd>
                <dt>"NIP"</dt><dd>{check.holder_nip_masked}</dd>
                <dt>"Instansi"</dt><dd>{check.instansi}</dd>
                <dt>"Kegiatan"</dt><dd>{check.title}</dd>
                <dt>"Penyelenggara"</dt><dd>{check.organiser}</dd>
                <dt>"Tanggal"</dt><dd>{check.date}</dd>
                <dt>"Bobot"</dt><dd>{format!("{} JP", check.jp)}</dd>
                <dt>"Identitas pemegang"</dt>
                <dd data-testid="verify-assurance">{format!("{}: {}", check.assurance.label(), check.assurance.explanation())}</dd>
            </dl>
            <p class="hint">"NIP disamarkan untuk melindungi data pribadi. Cocokkan nama dan nomor dengan sertifikat yang Anda terima."</p>
        </section>
    }
}
