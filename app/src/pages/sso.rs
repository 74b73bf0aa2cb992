//! Single sign-on pages: `/masuk/sso` (off to the agency's provider), `/masuk/sso/kembali` (the
//! provider's answer: signed in, or why not) and `/keluar` (signed out, with the provider's own
//! sign-out offered). Sent without the wasm bundle: each is one redirect or a few lines.

use super::{answer_see_other, error_view, loading};
use crate::api::account::{sso_begin, sso_end_session, sso_finish};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_query_map;

/// Goes to the provider's sign-in page (a `303 See Other` from the server).
#[component]
pub fn SsoBeginPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|q| q.get("lanjut").unwrap_or_default());
    let url = Resource::new(|| (), move |_| sso_begin(next.clone()));
    view! {
        <Title text="Masuk dengan SSO" />
        <h1>"Masuk dengan SSO"</h1>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match url.await {
                    Ok(path) => {
                        answer_see_other(&path);
                        view! { <p><a href=path rel="external">"Lanjut ke halaman masuk instansi"</a></p> }.into_any()
                    }
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

/// The provider sends the browser back here with `code` and `state` (or `error`).
#[component]
pub fn SsoCallbackPage() -> impl IntoView {
    let query = use_query_map();
    let answer = query.with_untracked(|q| {
        (
            q.get("code").unwrap_or_default(),
            q.get("state").unwrap_or_default(),
            q.get("error").unwrap_or_default(),
        )
    });
    let done = Resource::new(
        || (),
        move |_| {
            let (code, state, error) = answer.clone();
            sso_finish(code, state, error)
        },
    );
    view! {
        <Title text="Masuk dengan SSO" />
        <h1>"Masuk dengan SSO"</h1>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match done.await {
                    Ok(path) => {
                        answer_see_other(&path);
                        view! { <Redirect path /> }.into_any()
                    }
                    Err(e) => view! {
                        {error_view(e)}
                        <p><a href="/masuk/sso" rel="external">"Coba masuk dengan SSO lagi"</a>" · "<A href="/masuk">"Masuk dengan NIP dan kata sandi"</A></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// After signing out of a session opened through SSO.
#[component]
pub fn SignedOutPage() -> impl IntoView {
    let end = Resource::new(|| (), |_| sso_end_session());
    view! {
        <Title text="Sudah keluar" />
        <h1>"Anda sudah keluar dari Netra"</h1>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                end.await.ok().flatten().map(|url| view! {
                    <p>
                        "Anda masuk melalui SSO instansi. Di perangkat bersama, keluar juga dari layanan itu: "
                        <a href=url rel="external" data-testid="sso-end-session">"Keluar dari SSO instansi"</a>
                    </p>
                })
            })}
        </Suspense>
        <p><A href="/">"Kembali ke beranda"</A></p>
    }
}
