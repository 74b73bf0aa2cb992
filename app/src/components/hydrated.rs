//! Whether the island this is called in runs in the browser yet.

use leptos::prelude::*;

/// `false` on the server and until the island hydrates, then `true`. A button whose answer only
/// the island can show (a one-time code) waits for it: clicked before, the form would post
/// without JavaScript, issue the code and show nothing.
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}
