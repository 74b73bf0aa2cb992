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
        <Title text="Tingkat kesulitan soal" />
        <OperatorNav />
        <h1>"Tingkat kesulitan soal"</h1>
        {loaded(data, |d| view! { <DifficultyView d /> })}
    }
}

#[component]
pub(super) fn DifficultyView(d: Difficulty) -> impl IntoView {
    let a = d.assignment.clone();
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
            view! {
                <tr>
                    <td>{share}</td>
                    <th scope="row">{q.stem.clone()}</th>
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
        <p class="hint">"Persentase jawaban benar per soal dari ASN yang ditugaskan pada siklus ini; soal dengan persentase terendah menunjukkan aturan yang paling sering disalahpahami."</p>
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"Benar"</th><th scope="col">"Soal"</th><th scope="col">"Dasar hukum"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
