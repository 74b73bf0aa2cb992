//! Shows an `AppError` to the learner, in Indonesian.

use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let details = match &error {
        AppError::Invalid(errors) => errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    view! {
        <div class="notice notice-error" role="alert">
            <p>{error.to_string()}</p>
            <Show when={
                let empty = details.is_empty();
                move || !empty
            }>
                <ul>{details.clone().into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
            </Show>
        </div>
    }
}
