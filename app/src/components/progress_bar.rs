//! An accessible progress bar (value as text for screen readers and no-JS clients).

use leptos::prelude::*;

#[component]
pub fn ProgressBar(percent: u32, label: String) -> impl IntoView {
    let percent = percent.min(100);
    view! {
        <div class="progress">
            <div
                class="progress-track"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=percent
                aria-label=label.clone()
            >
                <div class="progress-fill" style=format!("width: {percent}%")></div>
            </div>
            <p class="progress-text">{label}</p>
        </div>
    }
}
