//! A freshly issued one-time code, shown once, ready to print or copy.

use crate::model::auth::IssuedCode;
use leptos::prelude::*;

#[component]
pub fn IssuedCodeCard(code: IssuedCode) -> impl IntoView {
    view! {
        <section class="card issued-code" role="status" aria-live="polite">
            <h2>"Kode aktivasi"</h2>
            <p>{code.name}" · login: "<strong>{code.login}</strong></p>
            <p class="code" data-testid="activation-code">{code.code}</p>
            <p class="hint">
                {format!("Berlaku sampai {} WIB, satu kali pakai. Kode hanya ditampilkan sekali: catat atau cetak sekarang. ", code.expires)}
                "Pemilik akun membuka halaman Aktifkan akun, memasukkan login dan kode ini, lalu membuat kata sandi."
            </p>
        </section>
    }
}
