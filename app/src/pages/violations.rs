//! `/pelanggaran` (filterable list, works as a plain GET form) and `/pelanggaran/{id}`.

use super::loaded;
use crate::api::violations::{get_violation, list_violations};
use crate::model::violations::{Category, Sanction, ViolationView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ViolationsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let list = Resource::new(
        move || (param("kategori"), param("sanksi"), param("q")),
        |(kategori, sanksi, q)| list_violations(kategori, sanksi, q),
    );
    view! {
        <Title text="Katalog pelanggaran netralitas" />
        <h1>"Katalog pelanggaran netralitas ASN"</h1>
        <p class="lead">
            "Bentuk-bentuk pelanggaran menurut SKB netralitas 2022, PP 94/2021, aturan status kepegawaian, "
            "serta undang-undang pemilu dan pilkada, dengan dasar hukum dan contohnya."
        </p>
        <Form method="GET" action="/pelanggaran">
            <div class="filters card">
                <div class="field">
                    <label for="f-q">"Cari"</label>
                    <input id="f-q" name="q" type="search" maxlength="100" value=param("q") />
                </div>
                <div class="field">
                    <label for="f-kategori">"Kategori"</label>
                    <select id="f-kategori" name="kategori">
                        <option value="" selected=param("kategori").is_empty()>"Semua kategori"</option>
                        {Category::ALL.into_iter().map(|c| view! {
                            <option value=c.code() selected=param("kategori") == c.code()>{c.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-sanksi">"Sanksi"</label>
                    <select id="f-sanksi" name="sanksi">
                        <option value="" selected=param("sanksi").is_empty()>"Semua sanksi"</option>
                        {Sanction::ALL.into_iter().map(|s| view! {
                            <option value=s.code() selected=param("sanksi") == s.code()>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button button-primary">"Terapkan"</button>
            </div>
        </Form>
        {loaded(list, |items| if items.is_empty() {
            view! { <p role="status">"Tidak ada pelanggaran yang cocok dengan pencarian ini."</p> }.into_any()
        } else {
            view! {
                <p role="status">{format!("{} bentuk pelanggaran", items.len())}</p>
                <ul class="violation-list">
                    {items.into_iter().map(|v| view! { <ViolationCard violation=v /> }).collect_view()}
                </ul>
            }
            .into_any()
        })}
    }
}

#[component]
fn ViolationCard(violation: ViolationView) -> impl IntoView {
    view! {
        <li class="card">
            <h2><A href=format!("/pelanggaran/{}", violation.id)>{violation.name.clone()}</A></h2>
            <p>{violation.description.clone()}</p>
            <ul class="meta">
                <li>{violation.category.label()}</li>
                <li class=format!("sanction sanction-{}", violation.sanction.code())>{violation.sanction.label()}</li>
                <li>{violation.election.label()}</li>
            </ul>
        </li>
    }
}

#[component]
pub fn ViolationPage() -> impl IntoView {
    let params = use_params_map();
    let entry = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_violation,
    );
    loaded(entry, |v| view! { <ViolationDetail violation=v /> })
}

#[component]
fn ViolationDetail(violation: ViolationView) -> impl IntoView {
    let v = violation;
    view! {
        <Title text=v.name.clone() />
        <nav aria-label="Jejak" class="breadcrumb"><A href="/pelanggaran">"Katalog pelanggaran"</A></nav>
        <h1>{v.name.clone()}</h1>
        <p class="lead">{v.description.clone()}</p>
        <dl class="facts">
            <dt>"Kategori"</dt><dd>{v.category.label()}</dd>
            <dt>"Sanksi"</dt><dd>{v.sanction.label()}</dd>
            <dt>"Berlaku untuk"</dt><dd>{v.election.label()}</dd>
            <dt>"Dasar hukum"</dt>
            <dd><ul>{v.legal_basis.iter().map(|b| view! { <li>{b.to_string()}</li> }).collect_view()}</ul></dd>
        </dl>
        {v.caveat.clone().map(|c| view! { <div class="notice" role="note"><p><strong>"Catatan: "</strong>{c}</p></div> })}
        <h2>"Contoh"</h2>
        <ul>{v.examples.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}</ul>
        <h2>"Pelajari"</h2>
        {if v.lessons.is_empty() {
            view! { <p>"Belum ada materi yang membahas bentuk ini secara khusus."</p> }.into_any()
        } else {
            view! {
                <ul>{v.lessons.clone().into_iter().map(|l| view! { <li><A href=l.href>{l.title}</A></li> }).collect_view()}</ul>
            }.into_any()
        }}
        {(!v.quizzes.is_empty()).then(|| view! {
            <p>{format!("Dilatih oleh {} soal kuis di modul:", v.question_count())}</p>
            <ul>
                {v.quizzes.clone().into_iter().map(|q| view! {
                    <li><A href=q.href>{q.title}</A>{format!(" ({} soal)", q.questions)}</li>
                }).collect_view()}
            </ul>
        })}
        <p class="hint">"Katalog ini alat belajar, bukan putusan hukum. Keputusan atas suatu kasus ada pada pejabat yang berwenang."</p>
    }
}
