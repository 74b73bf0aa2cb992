//! `/modul/{slug}/kuis`: identify, start, answer (with autosave and countdown), submit.

use super::loaded;
use crate::api::quiz::{load_quiz, SaveAnswer, StartAttempt, SubmitAttempt};
use crate::components::connection::{use_online, Pending, PendingAnswers};
use crate::components::countdown::Countdown;
use crate::components::error_notice::ErrorNotice;
use crate::components::identify_form::IdentifyForm;
use crate::error::AppError;
use crate::model::quiz::{AttemptView, QuestionView, QuizRules, QuizState};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;

#[component]
pub fn QuizPage() -> impl IntoView {
    let params = use_params_map();
    let start = ServerAction::<StartAttempt>::new();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let state = Resource::new(slug, load_quiz);
    view! {
        {loaded(state, move |state| match state {
            QuizState::NeedsIdentity { module_title } => view! {
                <Title text=format!("Kuis: {module_title}") />
                <h1>"Kuis: "{module_title}</h1>
                <IdentifyForm next=format!("/modul/{}/kuis", slug()) />
            }
            .into_any(),
            QuizState::Ready(rules) => view! { <StartView rules start /> }.into_any(),
            QuizState::InProgress(attempt) => view! { <QuizInProgress attempt /> }.into_any(),
        })}
    }
}

#[component]
fn StartView(rules: QuizRules, start: ServerAction<StartAttempt>) -> impl IntoView {
    let left = rules.attempts_left();
    let can_start = left != Some(0);
    let title = rules.module_title.clone();
    let crumb = title.clone();
    let slug = rules.module_slug.clone();
    let start_error = move || {
        start
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <ErrorNotice error /> })
    };
    view! {
        <Title text=format!("Kuis: {}", rules.module_title) />
        <nav aria-label="Jejak" class="breadcrumb">
            <A href=format!("/modul/{slug}")>{crumb}</A>
        </nav>
        <h1>"Kuis: "{title}</h1>
        <ul class="meta-list">
            <li>{format!("{} soal, diacak untuk setiap percobaan", rules.question_count)}</li>
            <li>{format!("Nilai lulus: {}", rules.passing_score)}</li>
            <li>
                {match rules.time_limit_minutes {
                    Some(m) => format!("Batas waktu {m} menit, dihitung sejak Anda menekan Mulai"),
                    None => "Tanpa batas waktu".to_string(),
                }}
            </li>
            <li>
                {match (rules.attempt_limit, left) {
                    (Some(limit), Some(left)) => format!("Percobaan: {} dari {limit} terpakai, sisa {left}", rules.attempts_used),
                    _ => format!("Percobaan tidak dibatasi ({} terpakai)", rules.attempts_used),
                }}
            </li>
            {rules.best_score.map(|s| view! { <li>{format!("Nilai terbaik Anda: {s}")}</li> })}
        </ul>
        {rules.last_attempt_id.map(|id| view! {
            <p><A href=format!("/modul/{slug}/hasil/{id}")>"Lihat hasil percobaan terakhir"</A></p>
        })}
        {start_error}
        {if can_start {
            view! {
                <ActionForm action=start>
                    <input type="hidden" name="slug" value=rules.module_slug />
                    <p class="hint">"Jawaban tersimpan otomatis selama Anda mengerjakan."</p>
                    <button type="submit" class="button button-primary" disabled=move || start.pending().get()>
                        "Mulai kuis"
                    </button>
                </ActionForm>
            }
            .into_any()
        } else {
            view! {
                <div class="notice" role="status">
                    <p>"Batas percobaan untuk modul ini sudah habis. Hubungi admin BKPSDM bila Anda memerlukan percobaan tambahan."</p>
                </div>
            }
            .into_any()
        }}
    }
}

/// An attempt in progress: the page's title around the [`QuizForm`] island.
#[component]
pub(crate) fn QuizInProgress(attempt: AttemptView) -> impl IntoView {
    view! {
        <Title text=format!("Kuis: {}", attempt.module_title) />
        <h1>"Kuis: "{attempt.module_title.clone()}</h1>
        <QuizForm attempt />
    }
}

/// The questions with autosave, the countdown and the submit: the one part of a quiz page that
/// runs in the browser (a Leptos island). Without JavaScript it is a plain form that submits
/// every checked option at once.
#[island]
fn QuizForm(attempt: AttemptView) -> impl IntoView {
    let save = ServerAction::<SaveAnswer>::new();
    let submit = ServerAction::<SubmitAttempt>::new();
    let attempt_id = attempt.attempt_id;
    let total = attempt.questions.len();
    let answers = RwSignal::new(
        attempt
            .questions
            .iter()
            .map(|q| (q.id.clone(), q.chosen.clone()))
            .collect::<BTreeMap<_, _>>(),
    );
    let answered = move || answers.with(|a| a.values().filter(|v| !v.is_empty()).count());
    // Time is up: submit the form itself, so every checked input counts (including choices made
    // before the page hydrated), exactly as a click on "Kumpulkan" would.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_expire = Callback::new(move |()| {
        if let Some(form) = form_ref.get_untracked() {
            let _ = form.request_submit();
        }
    });
    // Autosaves go out one at a time, newest choice per question last, so a slow earlier
    // request can never overwrite a later choice. Without a connection they wait in the queue,
    // which is also kept in localStorage, and go out when the browser is online again.
    let online = use_online();
    let stored = PendingAnswers::of_attempt(attempt_id);
    // Read before any effect writes the (still empty) queue back.
    let restored = StoredValue::new(stored.load());
    let queue = StoredValue::new(Vec::<SaveAnswer>::new());
    let in_flight = StoredValue::new(None::<SaveAnswer>);
    let keep = {
        let stored = stored.clone();
        move || {
            let pending: Pending = queue.with_value(|q| {
                q.iter()
                    .chain(in_flight.get_value().iter())
                    .map(|s| (s.question_id.clone(), s.chosen.clone()))
                    .collect()
            });
            stored.store(&pending);
        }
    };
    let send_next = move || {
        if save.pending().get_untracked() || !online.get_untracked() {
            return;
        }
        let next = queue
            .try_update_value(|q| (!q.is_empty()).then(|| q.remove(0)))
            .flatten();
        if let Some(next) = next {
            in_flight.set_value(Some(next.clone()));
            save.dispatch(next);
        }
    };
    Effect::new({
        let keep = keep.clone();
        move |_| {
            if save.pending().get() {
                return;
            }
            // A save lost for want of a connection goes back in the queue, unless a newer choice
            // for its question is already waiting there.
            if let Some(Err(AppError::Transport(_))) = save.value().get() {
                if let Some(lost) = in_flight.get_value() {
                    queue.update_value(|q| {
                        if !q.iter().any(|s| s.question_id == lost.question_id) {
                            q.insert(0, lost);
                        }
                    });
                }
            }
            in_flight.set_value(None);
            keep();
            send_next();
        }
    });
    let enqueue = Callback::new({
        let keep = keep.clone();
        move |item: SaveAnswer| {
            queue.update_value(|q| {
                q.retain(|s| s.question_id != item.question_id);
                q.push(item);
            });
            keep();
            send_next();
        }
    });
    // Answers a dropped connection or a reload left unsaved in this browser: shown as chosen and
    // sent again.
    Effect::new(move |_| {
        for (question_id, chosen) in restored.get_value() {
            answers.update(|a| {
                a.insert(question_id.clone(), chosen.clone());
            });
            check_inputs(&question_id, &chosen);
            enqueue.run(SaveAnswer {
                attempt_id,
                question_id,
                chosen,
            });
        }
        restored.set_value(Pending::new());
    });
    // A submit that could not reach the server is sent again, once, when the connection returns
    // (the server takes a submission only once however often it arrives).
    let resubmit = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Err(AppError::Transport(_))) = submit.value().get() {
            resubmit.set(true);
        }
    });
    Effect::new(move |_| {
        if online.get() {
            send_next();
            if resubmit.get_untracked() {
                resubmit.set(false);
                if let Some(form) = form_ref.get_untracked() {
                    let _ = form.request_submit();
                }
            }
        }
    });
    let autosave_status = move || {
        if !online.get() {
            return Some(
                "Koneksi terputus. Pilihan jawaban disimpan di perangkat ini dan dikirim otomatis \
                 begitu koneksi kembali."
                    .to_string(),
            );
        }
        if save.pending().get() {
            return Some("Menyimpan jawaban…".to_string());
        }
        match save.value().get() {
            Some(Ok(())) => Some("Jawaban tersimpan otomatis.".to_string()),
            Some(Err(AppError::Transport(_))) => {
                Some("Jawaban menunggu koneksi untuk disimpan.".to_string())
            }
            Some(Err(e)) => Some(format!("Jawaban belum tersimpan: {e}")),
            None => None,
        }
    };
    let submit_error = move || {
        if resubmit.get() {
            return Some(
                view! {
                    <div class="notice notice-error" role="alert">
                        <p>
                            "Koneksi terputus saat mengumpulkan. Jawaban Anda aman dan akan "
                            "dikumpulkan otomatis sekali saat koneksi kembali. Jangan tutup halaman ini."
                        </p>
                    </div>
                }
                .into_any(),
            );
        }
        submit
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <ErrorNotice error /> }.into_any())
    };
    view! {
        <div class="quiz-status">
            {attempt.seconds_left.map(|s| view! { <Countdown seconds_left=s on_expire /> })}
            <p>{move || format!("{} dari {total} soal dijawab", answered())}</p>
            <p class="autosave" role="status" aria-live="polite">{autosave_status}</p>
        </div>
        {submit_error}
        <ActionForm action=submit node_ref=form_ref>
            <input type="hidden" name="attempt_id" value=attempt_id />
            {attempt
                .questions
                .into_iter()
                .enumerate()
                .map(|(i, q)| view! { <QuestionField number=i + 1 total question=q answers enqueue attempt_id /> })
                .collect_view()}
            <button type="submit" class="button button-primary" disabled=move || submit.pending().get()>
                {move || if submit.pending().get() { "Mengumpulkan…" } else { "Kumpulkan jawaban" }}
            </button>
        </ActionForm>
    }
}

#[component]
fn QuestionField(
    number: usize,
    total: usize,
    question: QuestionView,
    answers: RwSignal<BTreeMap<String, Vec<String>>>,
    enqueue: Callback<SaveAnswer>,
    attempt_id: i64,
) -> impl IntoView {
    let many = question.kind.allows_many();
    let qid = question.id.clone();
    view! {
        <fieldset class="card question">
            <legend>
                <span class="question-number">{format!("Soal {number} dari {total}")}</span>
                <span class="question-stem">{question.stem.clone()}</span>
                {many.then(|| view! { <span class="hint">" (pilih semua jawaban yang benar)"</span> })}
            </legend>
            {question
                .options
                .iter()
                .map(|o| {
                    let id = format!("q-{}-{}", qid, o.key);
                    let checked = question.chosen.contains(&o.key);
                    let value = o.key.clone();
                    let name = format!("answers[{qid}][]");
                    let (qid, key) = (qid.clone(), o.key.clone());
                    let on_change = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        answers.update(|a| {
                            let chosen = a.entry(qid.clone()).or_default();
                            if !many {
                                chosen.clear();
                            }
                            chosen.retain(|k| k != &key);
                            if on {
                                chosen.push(key.clone());
                            }
                        });
                        let chosen = answers.with_untracked(|a| a.get(&qid).cloned().unwrap_or_default());
                        enqueue.run(SaveAnswer { attempt_id, question_id: qid.clone(), chosen });
                    };
                    view! {
                        <div class="option">
                            <input
                                type=if many { "checkbox" } else { "radio" }
                                id=id.clone()
                                name=name
                                value=value
                                checked=checked
                                on:change=on_change
                            />
                            <label for=id>{o.text.clone()}</label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// Marks the inputs of `question_id` as `chosen` says (answers restored from this browser).
fn check_inputs(question_id: &str, chosen: &[String]) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let name = format!("answers[{question_id}][]");
        let inputs = document().get_elements_by_name(&name);
        for i in 0..inputs.length() {
            if let Some(input) = inputs
                .get(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                input.set_checked(chosen.contains(&input.value()));
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (question_id, chosen);
}
