//! One component per route.
//!
//! Staff pages (administration, rosters, tracking, hosting, bank import) are compiled into the
//! server and into the staff bundle (`hydrate` + `staff`) only: the learners' bundle holds none of
//! their islands.

pub mod account;
#[cfg(any(feature = "ssr", feature = "staff"))]
pub mod admin;
#[cfg(any(feature = "ssr", feature = "staff"))]
pub mod bank;
pub mod home;
#[cfg(any(feature = "ssr", feature = "staff"))]
pub mod host;
pub mod identify;
pub mod lesson;
pub mod module;
pub mod my_results;
pub mod not_found;
#[cfg(any(feature = "ssr", feature = "staff"))]
pub mod operator;
pub mod quiz;
pub mod result;
pub mod self_check;
pub mod sso;
#[cfg(any(feature = "ssr", feature = "staff"))]
pub mod tracking;
pub mod violations;
pub mod webinar;

use crate::components::error_notice::ErrorNotice;
use crate::components::identify_form::IdentifyForm;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The standard view of a failed page load. A page that needs an identified learner shows the
/// identification form and comes back to itself afterwards.
pub(crate) fn error_view(error: AppError) -> AnyView {
    match error {
        AppError::Unauthorized => {
            let next = use_location().pathname.get_untracked();
            // Staff pages need an account; learner pages accept the identification form.
            if next.starts_with("/admin") || next.starts_with("/operator") {
                view! { <crate::components::sign_in_form::SignInForm next /> }.into_any()
            } else {
                view! { <IdentifyForm next /> }.into_any()
            }
        }
        error => view! { <ErrorNotice error /> }.into_any(),
    }
}

/// A page body that waits for its data: shows the loading text on the client, the rendered data
/// when it arrives, or the standard error view.
pub(crate) fn loaded<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=loading>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => render(data).into_any(),
                        Err(e) => error_view(e),
                    }
                })
            }}
        </Suspense>
    }
}

/// Answers the page being rendered on the server with 404 (nothing on the client).
pub(crate) fn answer_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}

/// Answers the page being rendered on the server with `303 See Other` to `path`, whatever the
/// request's `Accept` header (a plain GET form lands here). On the client nothing: the page
/// renders a `<Redirect>` as well.
pub(crate) fn answer_see_other(path: &str) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(location) = axum::http::HeaderValue::from_str(path) {
            res.insert_header(axum::http::header::LOCATION, location);
            res.set_status(axum::http::StatusCode::SEE_OTHER);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = path;
}

/// The text shown while a page's data loads on the client.
pub(crate) fn loading() -> impl IntoView {
    view! { <p class="loading" aria-live="polite">"Memuat…"</p> }
}

/// The fields of the form a submit event came from, for the upload forms that post multipart.
#[cfg(all(feature = "hydrate", feature = "staff"))]
pub(crate) fn submitted_form_data(ev: &leptos::ev::SubmitEvent) -> Option<web_sys::FormData> {
    use wasm_bindgen::JsCast;
    let form = ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
    web_sys::FormData::new_with_form(&form).ok()
}
