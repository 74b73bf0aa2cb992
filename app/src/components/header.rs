//! Site header: name, navigation and who is identified in this browser.

use crate::api::account::whoami;
use crate::api::learner::SignOut;
use crate::model::auth::Role;
use crate::model::nip::format_nip;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let who = Resource::new(|| (), |_| whoami());
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">
                "Netra"
                <span class="brand-sub">"Netralitas ASN"</span>
            </A>
            <nav aria-label="Menu utama">
                <A href="/">"Modul"</A>
                <A href="/pelanggaran">"Pelanggaran"</A>
                <A href="/cek">"Cek tindakan"</A>
                <A href="/saya">"Hasil saya"</A>
            </nav>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let (account, learner) = match who.await {
                        Ok(w) => (w.account, w.learner),
                        Err(_) => (None, None),
                    };
                    if let Some(a) = account {
                        let staff_link = match a.role {
                            Role::Admin => Some(view! { <A href="/admin">"Admin"</A> }.into_any()),
                            Role::Operator => Some(view! { <A href="/operator">"Roster"</A> }.into_any()),
                            Role::Host => Some(view! { <A href="/host">"Webinar"</A> }.into_any()),
                            Role::Learner => None,
                        };
                        return view! {
                            <div class="whoami">
                                {staff_link}
                                <span>{a.display_name}" · "{a.role.label()}</span>
                                <ActionForm action=sign_out>
                                    <button type="submit" class="button-link">"Keluar"</button>
                                </ActionForm>
                            </div>
                        }
                        .into_any();
                    }
                    learner.map(|l| {
                        view! {
                            <div class="whoami">
                                <span>{l.name}" · NIP "{format_nip(&l.nip)}</span>
                                <ActionForm action=sign_out>
                                    <button type="submit" class="button-link">"Bukan Anda? Ganti identitas"</button>
                                </ActionForm>
                            </div>
                        }
                        .into_any()
                    })
                    .unwrap_or_else(|| view! { <div class="whoami"><A href="/masuk">"Masuk"</A></div> }.into_any())
                })}
            </Suspense>
        </header>
    }
}
