//! 404 page.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Halaman tidak ditemukan" />
        <h1>"Halaman tidak ditemukan"</h1>
        <p>"Alamat ini tidak ada. Kembali ke " <a href="/">"daftar modul"</a> "."</p>
    }
}
