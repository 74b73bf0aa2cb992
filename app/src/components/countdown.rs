//! Time left in a quiz. The server renders the starting value; once hydrated the countdown is
//! computed from an absolute deadline on every tick (timers in background tabs and on locked
//! phones run late, so counting ticks would drift) and `on_expire` runs once at zero.
//! The server enforces the limit either way.

use leptos::prelude::*;

fn format(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// Milliseconds since the epoch, in the browser.
#[cfg(feature = "hydrate")]
fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[cfg(not(feature = "hydrate"))]
fn now_ms() -> f64 {
    0.0
}

/// What a screen reader is told, changing only at 10, 5 and 1 minutes left and at the end.
fn announcement(seconds: i64) -> &'static str {
    match seconds {
        s if s <= 0 => "Waktu habis; jawaban dikumpulkan.",
        s if s <= 60 => "Sisa waktu 1 menit.",
        s if s <= 300 => "Sisa waktu 5 menit.",
        s if s <= 600 => "Sisa waktu 10 menit.",
        _ => "",
    }
}

#[component]
pub fn Countdown(seconds_left: i64, on_expire: Callback<()>) -> impl IntoView {
    let left = RwSignal::new(seconds_left);
    Effect::new(move |_| {
        let deadline = now_ms() + seconds_left as f64 * 1000.0;
        let fired = StoredValue::new(false);
        let tick = move || {
            let remaining = ((deadline - now_ms()) / 1000.0).ceil() as i64;
            left.set(remaining.max(0));
            if remaining <= 0 && !fired.get_value() {
                fired.set_value(true);
                on_expire.run(());
            }
        };
        tick();
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_millis(500)) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <p class="countdown" class:countdown-low=move || left.get() < 60>
            "Sisa waktu: "
            <time aria-live="off">{move || format(left.get())}</time>
        </p>
        // Screen readers hear the time politely at a few moments, not every second.
        <p class="visually-hidden" aria-live="polite">{move || announcement(left.get())}</p>
    }
}
