//! Question difficulty of an assignment: `/operator/dasbor/{id}/soal`.

use super::dashboard::assignment_summary;
use super::unit::id_param;
use super::*;
use crate::api::tracking::get_question_difficulty;
use crate::model::tracking::{percent, Difficulty};
use crate::pages::loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn DifficultyPage() -> impl IntoView {
    let assignment = id_param("assignment");
    let data = Resource::new(assignment, get_question_difficulty);
    view! {
        <Title text="Statistik soal" />
        <OperatorNav />
        <h1>"Statistik soal"</h1>
        {loaded(data, |d| view! { <DifficultyView d /> })}
    }
}

/// "0,42", "-0,13" or "-" when a group has not answered yet.
fn discrimination_text(d: Option<f64>) -> String {
    d.map_or_else(|| "-".to_string(), |d| format!("{d:.2}").replace('.', ","))
}

#[component]
pub(super) fn DifficultyView(d: Difficulty) -> impl IntoView {
    let a = d.assignment.clone();
    let review = d.questions.iter().filter(|q| q.needs_review()).count();
    let rows = d
        .questions
        .iter()
        .map(|q| {
            let share = if q.answered == 0 {
                "belum ada jawaban".to_string()
            } else {
                format!(
                    "{} ({} dari {})",
                    percent(q.share_correct()),
                    q.correct,
                    q.answered
                )
            };
            let spread = q
                .options
                .iter()
                .map(|o| {
                    let text = format!("{}: {}", o.key, percent(q.option_share(o)));
                    if o.correct {
                        view! { <li><strong>{text}" (kunci)"</strong></li> }.into_any()
                    } else {
                        view! { <li>{text}</li> }.into_any()
                    }
                })
                .collect_view();
            let flag = q
                .needs_review()
                .then(|| view! { <span class="badge warn">"Tinjau"</span> });
            view! {
                <tr>
                    <td>{share}</td>
                    <td>{discrimination_text(q.discrimination)}" "{flag}</td>
                    <th scope="row">{q.stem.clone()}</th>
                    <td><ul class="plain">{spread}</ul></td>
                    <td>{q.basis.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <nav aria-label="Jejak" class="breadcrumb">
            <A href=format!("/operator/dasbor?penugasan={}", a.id)>"Dasbor"</A>
        </nav>
        {assignment_summary(&a)}
        <p class="hint">
            "Indeks kesukaran: persentase jawaban benar per soal dari ASN yang ditugaskan pada siklus ini. "
            "Daya beda: persentase benar pada 27% percobaan bernilai tertinggi dikurangi pada 27% terendah (dari -1 sampai 1). "
            "Soal dengan daya beda di bawah 0,1 dan minimal 10 jawaban ditandai untuk ditinjau."
        </p>
        <p>
            {format!("{review} soal perlu ditinjau. ")}
            <a href=format!("/operator/penugasan/{}/soal.xlsx", a.id) download>"Unduh statistik soal (XLSX)"</a>
        </p>
        <div class="table-wrap">
            <table>
                <thead><tr>
                    <th scope="col">"Benar"</th>
                    <th scope="col">"Daya beda"</th>
                    <th scope="col">"Soal"</th>
                    <th scope="col">"Sebaran pilihan"</th>
                    <th scope="col">"Dasar hukum"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
