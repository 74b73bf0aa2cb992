//! `/modul/{slug}/hasil/{attempt}`: score, pass/fail and a review of every question with the
//! correct answer, explanation and legal basis.

use super::loaded;
use crate::api::quiz::get_attempt_result;
use crate::model::quiz::{AttemptResult, ReviewedQuestion};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ResultPage() -> impl IntoView {
    let params = use_params_map();
    let result = Resource::new(
        move || {
            params
                .read()
                .get("attempt")
                .and_then(|a| a.parse::<i64>().ok())
                .unwrap_or(0)
        },
        get_attempt_result,
    );
    loaded(result, |r| view! { <ResultView result=r /> })
}

#[component]
fn ResultView(result: AttemptResult) -> impl IntoView {
    let verdict = if result.passed {
        "Lulus"
    } else {
        "Belum lulus"
    };
    view! {
        <Title text=format!("Hasil kuis: {}", result.module_title) />
        <nav aria-label="Jejak" class="breadcrumb">
            <A href=format!("/modul/{}", result.module_slug)>{result.module_title.clone()}</A>
        </nav>
        <h1>"Hasil kuis"</h1>
        <section class="card score" class:score-passed=result.passed aria-labelledby="score-title">
            <h2 id="score-title">{verdict}</h2>
            <p class="score-value">
                "Nilai "<strong data-testid="score">{result.score}</strong>
            </p>
            <p>
                {format!(
                    "{} dari {} soal benar · nilai lulus {} · dikumpulkan {} · modul versi {}",
                    result.correct_count, result.question_count, result.passing_score, result.submitted_at, result.module_version,
                )}
            </p>
            {result.late.then(|| view! {
                <p class="notice" role="note">
                    "Jawaban dikumpulkan setelah batas waktu. Nilai dihitung dari jawaban yang sudah tersimpan sebelum waktu habis."
                </p>
            })}
        </section>
        <div class="actions">
            <A href=format!("/modul/{}/kuis", result.module_slug) attr:class="button">"Coba lagi"</A>
            <A href="/saya" attr:class="button">"Semua hasil saya"</A>
        </div>
        <h2>"Pembahasan"</h2>
        <ol class="review">
            {result.questions.into_iter().map(|q| view! { <ReviewItem question=q /> }).collect_view()}
        </ol>
    }
}

#[component]
fn ReviewItem(question: ReviewedQuestion) -> impl IntoView {
    view! {
        <li class="card review-item" class:review-correct=question.is_correct>
            <p class="question-stem">{question.stem.clone()}</p>
            <p class="verdict">{if question.is_correct { "✓ Jawaban Anda benar" } else { "✗ Jawaban Anda belum tepat" }}</p>
            <ul class="review-options">
                {question
                    .options
                    .iter()
                    .map(|o| {
                        let mut notes = Vec::new();
                        if o.chosen {
                            notes.push("pilihan Anda");
                        }
                        if o.correct {
                            notes.push("jawaban benar");
                        }
                        view! {
                            <li class:option-correct=o.correct class:option-chosen=o.chosen>
                                {o.text.clone()}
                                {(!notes.is_empty()).then(|| view! { <span class="badge">{format!(" ({})", notes.join(", "))}</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="explanation">{question.explanation.clone()}</p>
            <p class="basis">
                "Dasar hukum: "
                {question.legal_basis.iter().map(|b| b.to_string()).collect::<Vec<_>>().join("; ")}
            </p>
        </li>
    }
}
