//! The learner identification form: NIP, full name, agency and unit. [`IdentifyForm`] is a Leptos
//! island: with JavaScript a mistake is shown in place and what was typed stays; without it it is
//! a plain form and the server answers with the page again. [`SessionIdentifyForm`] is the same
//! form on a webinar session's page (sent without the bundle): it posts to the page itself, which
//! answers with the attendee's page in one response.

use crate::api::learner::Identify;
use crate::components::field::TextField;
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// `next`: where to go once identified.
#[island]
pub fn IdentifyForm(next: String) -> impl IntoView {
    let action = ServerAction::<Identify>::new();
    view! {
        <IdentityCard action>
            <ActionForm action=action>
                <IdentityFields next action />
            </ActionForm>
        </IdentityCard>
    }
}

/// What was typed into the session page's form. `POST /w/{code}` (server/src/http/join.rs)
/// hands it to the page that shows the form again with a refusal, so nothing typed is lost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Typed {
    pub nip: String,
    pub name: String,
    pub instansi: String,
    pub unit_kerja: String,
}

impl Typed {
    /// What this request's form carried back, if it is a refusal shown again.
    fn on_this_request() -> Self {
        #[cfg(feature = "ssr")]
        {
            use_context::<axum::http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<Self>().cloned())
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            Self::default()
        }
    }
}

/// The form on `/w/{code}`, posted to `/w/{code}` (server/src/http/join.rs). Its errors come
/// back as Leptos carries them for a form posted without JavaScript, with what was typed.
#[component]
pub fn SessionIdentifyForm(code: String) -> impl IntoView {
    let action = ServerAction::<Identify>::new();
    let page = format!("/w/{code}");
    view! {
        <IdentityCard action>
            <form method="post" action=page.clone()>
                <IdentityFields next=page.clone() action typed=Typed::on_this_request() />
            </form>
        </IdentityCard>
    }
}

/// The card around the form, with the summary of a refusal.
#[component]
fn IdentityCard(action: ServerAction<Identify>, children: Children) -> impl IntoView {
    let summary = move || {
        action.value().get().and_then(Result::err).map(|e| match e {
            AppError::Invalid(_) => view! {
                <div class="notice notice-error" role="alert">
                    <p>"Identitas belum dapat disimpan. Perbaiki isian yang ditandai di bawah."</p>
                    {e.field_message("form").map(|m| view! { <p>{m}</p> })}
                </div>
            }
            .into_any(),
            other => {
                view! { <crate::components::error_notice::ErrorNotice error=other /> }.into_any()
            }
        })
    };
    view! {
        <section class="card identify" aria-labelledby="identify-title">
            <h2 id="identify-title">"Isi identitas Anda"</h2>
            <p>
                "Hasil kuis dicatat per pegawai menurut NIP. Isi sekali; browser ini akan mengingat Anda."
            </p>
            {summary}
            {children()}
        </section>
    }
}

/// The fields and the button, each field with its error and what was typed.
#[component]
fn IdentityFields(
    next: String,
    action: ServerAction<Identify>,
    #[prop(optional)] typed: Typed,
) -> impl IntoView {
    let error = move || action.value().get().and_then(Result::err);
    let field = move |name: &'static str| {
        Signal::derive(move || error().and_then(|e| e.field_message(name)))
    };
    view! {
        <input type="hidden" name="next" value=next />
        <TextField
            name="nip"
            label="NIP"
            value=typed.nip
            hint="18 angka seperti di SK atau kartu pegawai, contoh: 19860912 201001 1 003"
            inputmode="numeric"
            autocomplete="off"
            maxlength=30
            error=field("nip")
        />
        <TextField
            name="name"
            label="Nama lengkap"
            autocomplete="name"
            value=typed.name
            error=field("name")
        />
        <TextField
            name="instansi"
            label="Instansi"
            value=typed.instansi
            hint="Contoh: Pemerintah Kabupaten Sleman"
            autocomplete="organization"
            error=field("instansi")
        />
        <TextField
            name="unit_kerja"
            label="Unit kerja / OPD"
            value=typed.unit_kerja
            hint="Contoh: Dinas Pendidikan"
            error=field("unit_kerja")
        />
        <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
            {move || if action.pending().get() { "Menyimpan…" } else { "Simpan dan lanjutkan" }}
        </button>
    }
}
