//! 404 page.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    super::answer_not_found();
    view! {
        <Title text="Halaman tidak ditemukan" />
        <h1>"Halaman tidak ditemukan"</h1>
        <p>"Alamat ini tidak ada. Kembali ke " <a href="/">"daftar modul"</a> "."</p>
    }
}
