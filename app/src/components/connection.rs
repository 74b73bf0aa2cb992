//! The browser's connection and what must survive losing it: whether the browser is online
//! (following its `online`/`offline` events) and the answers chosen but not yet saved, kept in
//! `localStorage` under their attempt so that neither a dropped connection nor a reload loses
//! them. On the server both are inert: the page renders as if online with nothing pending.

use leptos::prelude::*;
use std::collections::BTreeMap;

/// `true` while the browser says it has a connection.
pub fn use_online() -> ReadSignal<bool> {
    let (online, set_online) = signal(true);
    #[cfg(feature = "hydrate")]
    {
        set_online.set(window().navigator().on_line());
        let up = window_event_listener(leptos::ev::online, move |_| set_online.set(true));
        let down = window_event_listener(leptos::ev::offline, move |_| set_online.set(false));
        on_cleanup(move || {
            up.remove();
            down.remove();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_online;
    online
}

/// Chosen options per question (question id -> option keys) not yet acknowledged by the server.
pub type Pending = BTreeMap<String, Vec<String>>;

/// The unsaved answers of one attempt in this browser's `localStorage`.
#[derive(Debug, Clone)]
pub struct PendingAnswers {
    /// Read only in the browser.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    key: String,
}

impl PendingAnswers {
    pub fn of_attempt(attempt_id: i64) -> Self {
        Self {
            key: format!("netra-jawaban-{attempt_id}"),
        }
    }

    /// What an earlier visit left unsaved (nothing when storage is unavailable or unreadable).
    pub fn load(&self) -> Pending {
        #[cfg(feature = "hydrate")]
        {
            storage()
                .and_then(|s| s.get_item(&self.key).ok().flatten())
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        Pending::new()
    }

    /// Replaces what is kept; nothing pending removes the entry.
    pub fn store(&self, pending: &Pending) {
        #[cfg(feature = "hydrate")]
        if let Some(storage) = storage() {
            let _ = if pending.is_empty() {
                storage.remove_item(&self.key)
            } else {
                match serde_json::to_string(pending) {
                    Ok(json) => storage.set_item(&self.key, &json),
                    Err(_) => Ok(()),
                }
            };
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = pending;
    }
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}
