//! One component per route.

pub mod home;
pub mod identify;
pub mod lesson;
pub mod module;
pub mod my_results;
pub mod not_found;
pub mod quiz;
pub mod result;

use crate::components::error_notice::ErrorNotice;
use crate::error::AppError;
use leptos::prelude::*;

/// The standard view of a failed page load.
pub(crate) fn error_view(error: AppError) -> AnyView {
    view! { <ErrorNotice error /> }.into_any()
}

/// The text shown while a page's data loads on the client.
pub(crate) fn loading() -> impl IntoView {
    view! { <p class="loading" aria-live="polite">"Memuat…"</p> }
}
