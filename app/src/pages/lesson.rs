//! `/modul/{slug}/{lesson}`: one lesson, readable without JavaScript.

use super::loaded;
use crate::api::catalog::get_lesson;
use crate::components::progress_bar::ProgressBar;
use crate::model::catalog::LessonPage as Lesson;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn LessonPage() -> impl IntoView {
    let params = use_params_map();
    let lesson = Resource::new(
        move || {
            params.with(|p| {
                (
                    p.get("slug").unwrap_or_default(),
                    p.get("lesson").unwrap_or_default(),
                )
            })
        },
        |(module, lesson)| get_lesson(module, lesson),
    );
    loaded(lesson, |l| view! { <LessonView lesson=l /> })
}

#[component]
fn LessonView(lesson: Lesson) -> impl IntoView {
    let module_href = format!("/modul/{}", lesson.module_slug);
    let percent = (lesson.position * 100 / lesson.total.max(1)) as u32;
    let next = match lesson.next.clone() {
        Some(n) => view! {
            <A href=format!("/modul/{}/{}", lesson.module_slug, n.slug) attr:class="button button-primary" attr:rel="next">
                "Berikutnya: "{n.title.clone()}
            </A>
        }
        .into_any(),
        None => view! {
            <A href=format!("/modul/{}/kuis", lesson.module_slug) attr:class="button button-primary">
                "Selesai membaca — ke kuis"
            </A>
        }
        .into_any(),
    };
    view! {
        <Title text=lesson.title.clone() />
        <nav aria-label="Jejak" class="breadcrumb">
            <A href="/">"Modul"</A>
            " › "
            <A href=module_href.clone()>{lesson.module_title.clone()}</A>
        </nav>
        <ProgressBar percent label=format!("Materi {} dari {}", lesson.position, lesson.total) />
        <article class="lesson">
            <h1>{lesson.title.clone()}</h1>
            <div class="prose" inner_html=lesson.html.clone()></div>
        </article>
        <nav class="pager" aria-label="Materi lain">
            {lesson.previous.clone().map(|p| view! {
                <A href=format!("/modul/{}/{}", lesson.module_slug, p.slug) attr:class="button" attr:rel="prev">
                    "Sebelumnya: "{p.title.clone()}
                </A>
            })}
            {next}
        </nav>
    }
}
