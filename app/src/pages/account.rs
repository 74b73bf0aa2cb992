//! `/masuk` (sign in) and `/aktivasi` (first password or reset with a one-time code).

use crate::api::account::{sso_info, Activate};
use crate::components::error_notice::ErrorNotice;
use crate::components::sign_in_form::SignInForm;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let next = use_query_map().with_untracked(|q| q.get("lanjut").unwrap_or_default());
    let sso = Resource::new(|| (), |_| sso_info());
    let sso_next = next.clone();
    view! {
        <Title text="Masuk" />
        <h1>"Masuk ke Netra"</h1>
        <Suspense fallback=|| ()>
            {move || {
                let next = sso_next.clone();
                Suspend::new(async move {
                    sso.await.ok().flatten().map(|label| {
                        let href = if next.is_empty() {
                            "/masuk/sso".to_string()
                        } else {
                            format!("/masuk/sso?lanjut={}", crate::model::percent_encode(&next))
                        };
                        view! {
                            <p>
                                <a class="button button-primary" href=href rel="external" data-testid="sso-sign-in">
                                    {format!("Masuk dengan {label}")}
                                </a>
                            </p>
                            <p class="hint">"Atau masuk dengan NIP/email dan kata sandi:"</p>
                        }
                    })
                })
            }}
        </Suspense>
        <SignInForm next />
    }
}

#[component]
pub fn ActivatePage() -> impl IntoView {
    let action = ServerAction::<Activate>::new();
    let error = move || action.value().get().and_then(Result::err);
    let field = move |name: &'static str| move || error().and_then(|e| e.field_message(name));
    view! {
        <Title text="Aktifkan akun" />
        <h1>"Aktifkan akun"</h1>
        <p class="lead">
            "Masukkan NIP (pegawai) atau email/nama pengguna (staf), kode sekali pakai dari operator atau admin, "
            "lalu buat kata sandi minimal 12 karakter. Kode yang sama dipakai untuk mengganti kata sandi yang terlupa."
        </p>
        {move || error().map(|error| view! { <ErrorNotice error /> })}
        <ActionForm action=action>
            <div class="field">
                <label for="a-login">"NIP, email, atau nama pengguna"</label>
                <input id="a-login" name="login" type="text" required=true maxlength=254 autocomplete="username" />
            </div>
            <div class="field">
                <label for="a-code">"Kode aktivasi"</label>
                <p class="hint" id="a-code-hint">"12 huruf/angka, contoh ABCD-EFGH-JK23"</p>
                <input id="a-code" name="code" type="text" required=true maxlength=32 autocomplete="one-time-code" aria-describedby="a-code-hint" />
                {move || field("code")().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="a-password">"Kata sandi baru"</label>
                <input id="a-password" name="password" type="password" required=true minlength=12 maxlength=128 autocomplete="new-password" />
                {move || field("password")().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="a-confirm">"Ulangi kata sandi"</label>
                <input id="a-confirm" name="confirm" type="password" required=true maxlength=128 autocomplete="new-password" />
                {move || field("confirm")().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <button type="submit" class="button button-primary" disabled=move || action.pending().get()>"Aktifkan dan masuk"</button>
        </ActionForm>
    }
}
