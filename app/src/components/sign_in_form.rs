//! Sign-in with email, username or NIP and password. A plain HTML form.

use crate::api::account::SignIn;
use crate::components::error_notice::ErrorNotice;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SignInForm(#[prop(into)] next: String) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <section class="card" aria-labelledby="signin-title">
            <h2 id="signin-title">"Masuk"</h2>
            <p>"Admin, operator BKPSDM, penyelenggara webinar, dan pegawai yang akunnya sudah diaktifkan."</p>
            {move || error().map(|error| view! { <ErrorNotice error /> })}
            <ActionForm action=action>
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="f-login">"Email, nama pengguna, atau NIP"</label>
                    <input id="f-login" name="login" type="text" required=true maxlength=254 autocomplete="username" />
                </div>
                <div class="field">
                    <label for="f-password">"Kata sandi"</label>
                    <input id="f-password" name="password" type="password" required=true maxlength=128 autocomplete="current-password" />
                </div>
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>"Masuk"</button>
            </ActionForm>
            <p class="hint">"Punya kode aktivasi dari operator? " <A href="/aktivasi">"Aktifkan akun"</A></p>
        </section>
    }
}
