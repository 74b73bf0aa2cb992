//! Time left in a quiz. The server renders the starting value; once hydrated it counts down
//! and calls `on_expire` at zero. The server enforces the limit either way.

use leptos::prelude::*;

fn format(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{:02}:{:02}", s / 60, s % 60)
}

#[component]
pub fn Countdown(seconds_left: i64, on_expire: Callback<()>) -> impl IntoView {
    let left = RwSignal::new(seconds_left);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let now = left.get_untracked() - 1;
                left.set(now.max(0));
                if now == 0 {
                    on_expire.run(());
                }
            },
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <p class="countdown" class:countdown-low=move || left.get() < 60>
            "Sisa waktu: "
            <time aria-live="off">{move || format(left.get())}</time>
        </p>
    }
}
