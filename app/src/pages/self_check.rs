//! `/cek`: "Cek tindakan", a guided self-check over the violation catalogue. A plain GET form,
//! so it works without JavaScript and every answer set has a shareable URL.

use super::loaded;
use crate::api::violations::self_check;
use crate::model::selfcheck::{CheckOutcome, CheckPage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

const FIELDS: [&str; 8] = [
    "act",
    "calon",
    "aktif",
    "fasilitas",
    "kerahkan",
    "pejabat",
    "cltn",
    "pemilihan",
];

#[component]
pub fn SelfCheckPage() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(
        move || FIELDS.map(|f| query.read().get(f).unwrap_or_default()),
        |[act, calon, aktif, fasilitas, kerahkan, pejabat, cltn, pemilihan]| {
            self_check(
                act, calon, aktif, fasilitas, kerahkan, pejabat, cltn, pemilihan,
            )
        },
    );
    view! {
        <Title text="Cek tindakan" />
        <h1>"Cek tindakan"</h1>
        <p class="lead">
            "Jawab beberapa pertanyaan tentang tindakan yang Anda pertimbangkan atau Anda lihat. "
            "Netra mencocokkannya dengan katalog pelanggaran netralitas."
        </p>
        <div class="notice" role="note">
            <p>
                "Alat bantu belajar, bukan putusan hukum. Keputusan atas suatu kasus ada pada pejabat yang berwenang; "
                "bila ragu, tanyakan kepada BKPSDM instansi Anda."
            </p>
        </div>
        {loaded(page, |p| view! { <CheckView page=p /> })}
    }
}

#[component]
fn Choice(
    name: &'static str,
    legend: &'static str,
    options: &'static [(&'static str, &'static str)],
) -> impl IntoView {
    let query = use_query_map();
    let current = query.with_untracked(|q| q.get(name).unwrap_or_default());
    view! {
        <fieldset class="choice">
            <legend>{legend}</legend>
            {options.iter().map(|(value, label)| {
                let id = format!("c-{name}-{}", if value.is_empty() { "x" } else { value });
                view! {
                    <label class="choice-option">
                        <input type="radio" id=id name=name value=*value checked=current == *value />
                        {*label}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

const YES_NO: &[(&str, &str)] = &[("ya", "Ya"), ("tidak", "Tidak"), ("", "Tidak tahu")];

#[component]
fn CheckView(page: CheckPage) -> impl IntoView {
    let query = use_query_map();
    let act = query.with_untracked(|q| q.get("act").unwrap_or_default());
    view! {
        <Form method="GET" action="/cek">
            <div class="card">
                <div class="field">
                    <label for="c-act">"Tindakan apa?"</label>
                    <select id="c-act" name="act" required=true>
                        <option value="" selected=act.is_empty()>"— pilih tindakan —"</option>
                        {page.acts.iter().map(|a| view! {
                            <option value=a.id.clone() selected=a.id == act>{a.label.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Choice name="calon" legend="Apakah calon yang bersangkutan sudah ditetapkan resmi oleh KPU?"
                    options=&[("bakal_calon", "Belum (masih bakal calon)"), ("calon", "Sudah ditetapkan"), ("", "Tidak tahu")] />
                <Choice name="pemilihan" legend="Dalam pemilihan apa?"
                    options=&[("pemilu", "Pemilu (presiden, DPR, DPD, DPRD)"), ("pilkada", "Pilkada (gubernur, bupati, wali kota)"), ("", "Tidak tahu")] />
                <Choice name="aktif" legend="Apakah ada tindakan aktif menunjukkan dukungan (atribut, yel-yel, ajakan, unggahan)?" options=YES_NO />
                <Choice name="fasilitas" legend="Apakah memakai fasilitas negara (kendaraan dinas, gedung, anggaran)?" options=YES_NO />
                <Choice name="kerahkan" legend="Apakah melibatkan atau mengerahkan PNS lain atau bawahan?" options=YES_NO />
                <Choice name="pejabat" legend="Apakah pelakunya memegang jabatan (pejabat ASN)?" options=YES_NO />
                <Choice name="cltn" legend="Apakah pelakunya sedang cuti di luar tanggungan negara (CLTN)?" options=YES_NO />
                <button type="submit" class="button button-primary">"Periksa"</button>
            </div>
        </Form>
        {page.outcome.map(|outcome| view! { <Outcome outcome /> })}
    }
}

#[component]
fn Outcome(outcome: CheckOutcome) -> impl IntoView {
    let body = match outcome {
        CheckOutcome::Violation(entries) => view! {
            <h2>"Kemungkinan pelanggaran"</h2>
            <p>
                {if entries.len() > 1 {
                    "Tindakan ini cocok dengan beberapa bentuk dalam katalog. Pedoman 2022 mencantumkan sebagian perbuatan baik sebagai pelanggaran kode etik maupun disiplin; pejabat yang berwenang menentukan mana yang diterapkan."
                } else {
                    "Tindakan ini cocok dengan bentuk berikut dalam katalog."
                }}
            </p>
            <ul class="violation-list">
                {entries.into_iter().map(|v| view! {
                    <li class="card">
                        <h3><A href=format!("/pelanggaran/{}", v.id)>{v.name.clone()}</A></h3>
                        <p><strong>{v.sanction.label()}</strong>" · "{v.category.label()}</p>
                        <p class="basis">"Dasar hukum: "{v.legal_basis.iter().map(|b| b.to_string()).collect::<Vec<_>>().join("; ")}</p>
                        {v.caveat.clone().map(|c| view! { <p class="hint">"Catatan: "{c}</p> })}
                        {v.lessons.first().cloned().map(|l| view! { <p><A href=l.href>"Pelajari: "{l.title}</A></p> })}
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any(),
        CheckOutcome::NotViolation(n) => view! {
            <h2>"Menurut katalog, ini bukan pelanggaran"</h2>
            <div class="card">
                <h3>{n.name.clone()}</h3>
                <p>{n.explanation.clone()}</p>
                <p class="basis">"Dasar: "{n.legal_basis.iter().map(|b| b.to_string()).collect::<Vec<_>>().join("; ")}</p>
                {n.caveat.clone().map(|c| view! { <p class="hint">"Catatan: "{c}</p> })}
            </div>
        }
        .into_any(),
        CheckOutcome::Unknown => view! {
            <h2>"Tidak ditemukan dalam katalog"</h2>
            <p>
                "Kombinasi jawaban ini tidak cocok dengan bentuk mana pun dalam katalog. Itu belum berarti aman: "
                "perbuatan lain yang berpihak dinilai kasus per kasus. Tanyakan kepada BKPSDM instansi Anda."
            </p>
        }
        .into_any(),
    };
    view! { <section class="outcome" aria-live="polite">{body}</section> }
}
