//! The quiz: start, answer keys kept secret, plain form submit, scoring, time limit,
//! attempt limit, double submit, result page, `/saya`, and isolation between learners.

use anyhow::{ensure, Context, Result};
use app::ssr::db::entities::{answer, attempt};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tests::{
    attempt_id, drawn_questions, location, Backend, Browser, TestApp, MODULE, NIP, NIP_OTHER,
};

crate::on_both_backends!(
    starting_draws_and_stores_an_attempt_without_revealing_the_key,
    a_plain_form_submission_is_scored_and_every_answer_stored,
    late_submissions_are_scored_on_saved_answers,
    the_attempt_limit_is_enforced,
    submitting_twice_records_one_attempt,
    results_are_private_to_their_learner,
    an_open_attempt_is_scored_with_the_key_it_was_drawn_with,
    pre_and_post_tests_are_taken_only_inside_a_webinar,
);

/// A webinar's pre-test and post-test forms are not in the catalogue and cannot be started as
/// one's own quiz (whose result would show their key while a session's post-test is open), nor
/// assigned by an agency.
async fn pre_and_post_tests_are_taken_only_inside_a_webinar(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    crate::accounts::world(&app).await?;
    let learner = app.browser()?;
    learner
        .identify("198703152010012077", "Rahmat Hidayat")
        .await?;
    let catalogue = learner.call("/api/modules", &[]).await?.text().await?;
    ensure!(catalogue.contains(MODULE), "the catalogue lists modules");
    let (status, home) = learner.page("/").await?;
    ensure!(status == 200, "home: {status}");
    for slug in ["pretest-netralitas", "posttest-netralitas"] {
        ensure!(
            !catalogue.contains(&format!("\"{slug}\"")) && !home.contains(slug),
            "{slug} is listed"
        );
        let (status, _) = learner.page(&format!("/modul/{slug}")).await?;
        ensure!(status == 404, "{slug} overview: {status}");
        let res = learner
            .call("/api/start_attempt", &[("slug", slug)])
            .await?;
        ensure!(res.status() == 409, "{slug} started: {}", res.status());
        ensure!(
            res.text()
                .await?
                .contains("hanya dapat dikerjakan di dalam sesi webinar"),
            "{slug}: the reason"
        );
        let (status, page) = learner.page(&format!("/modul/{slug}/kuis")).await?;
        ensure!(
            status == 409 && page.contains("sesi webinar"),
            "{slug} quiz page: {status}"
        );
    }
    let attempts = attempt::Entity::find().count(&app.db).await?;
    ensure!(attempts == 0, "no attempt was started: {attempts}");
    let operator = app.browser()?;
    crate::accounts::sign_in(&operator, "op-a@netra.test").await?;
    let page = operator.call("/api/assignments", &[]).await?.text().await?;
    ensure!(
        page.contains(MODULE) && !page.contains("posttest-netralitas"),
        "assignable modules: {page}"
    );
    let res = operator
        .call(
            "/api/create_assignment",
            &[
                ("module_slug", "posttest-netralitas"),
                ("scope", "all"),
                ("opens_on", "2026-01-01"),
                ("deadline", "2099-12-31T16:00"),
                ("time_zone", "WIB"),
            ],
        )
        .await?;
    ensure!(
        res.status() == 422,
        "assigning a post-test: {}",
        res.status()
    );
    Ok(())
}

/// Form fields answering the first `correct` questions right and the rest wrong.
fn answers_for(app: &TestApp, html: &str, correct: usize) -> Result<Vec<(String, String)>> {
    tests::answers_for(app, MODULE, html, correct)
}

async fn submit(
    browser: &Browser,
    html: &str,
    answers: &[(String, String)],
) -> Result<reqwest::Response> {
    let id = attempt_id(html).context("attempt id in quiz page")?;
    let mut form: Vec<(&str, &str)> = vec![("attempt_id", id.as_str())];
    form.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    browser
        .submit_form(
            &format!("/modul/{MODULE}/kuis"),
            "/api/submit_attempt",
            &form,
        )
        .await
}

async fn starting_draws_and_stores_an_attempt_without_revealing_the_key(
    backend: Backend,
) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    // Not identified: starting is refused and the page asks for identity.
    let res = browser
        .call("/api/start_attempt", &[("slug", MODULE)])
        .await?;
    ensure!(res.status() == 401, "anonymous start: {}", res.status());
    browser.identify(NIP, "Budi Santoso").await?;
    let html = browser.start_quiz().await?;
    let drawn = drawn_questions(&html);
    ensure!(
        drawn.len() == 10,
        "expected 10 questions, got {}",
        drawn.len()
    );
    let stored = attempt::Entity::find().all(&app.db).await?;
    ensure!(
        stored.len() == 1 && stored[0].question_count == 10 && stored[0].submitted_at.is_none(),
        "attempt row"
    );
    ensure!(stored[0].deadline_at.is_some(), "time limit recorded");
    // The stored draw is exactly what the page shows, including the option order.
    let draw: Vec<serde_json::Value> = serde_json::from_str(&stored[0].draw)?;
    for ((qid, keys), d) in drawn.iter().zip(&draw) {
        ensure!(d["q"] == qid.as_str(), "question order differs");
        let stored_keys: Vec<String> = serde_json::from_value(d["o"].clone())?;
        ensure!(&stored_keys == keys, "option order differs for {qid}");
    }
    // Reloading resumes the same attempt; it does not draw a new one.
    let (_, again) = browser.page(&format!("/modul/{MODULE}/kuis")).await?;
    ensure!(
        drawn_questions(&again) == drawn,
        "reload must resume the same draw"
    );

    // Nothing before submission reveals the key: not the page, not the server function.
    let module = app.state.catalog.module(MODULE).context("module")?;
    let state_json = browser
        .call("/api/quiz_state", &[("slug", MODULE)])
        .await?
        .text()
        .await?;
    for (qid, _) in &drawn {
        let q = module.question(qid).context("question")?;
        for text in [&html, &state_json] {
            ensure!(
                !text.contains(&q.explanation),
                "explanation of {qid} leaked"
            );
        }
    }
    for text in [&html, &state_json] {
        ensure!(
            !text.contains("\"correct\"") && !text.contains("jawaban benar"),
            "answer key leaked"
        );
    }
    // The result of an unsubmitted attempt is not available either.
    let id = attempt_id(&html).context("attempt id")?;
    let res = browser
        .call("/api/attempt_result", &[("attempt_id", id.as_str())])
        .await?;
    ensure!(res.status() == 409, "unsubmitted result: {}", res.status());
    Ok(())
}

async fn a_plain_form_submission_is_scored_and_every_answer_stored(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    browser.identify(NIP, "Budi Santoso").await?;
    let html = browser.start_quiz().await?;
    let answers = answers_for(&app, &html, 8)?;
    let res = submit(&browser, &html, &answers).await?;
    let result_url = location(&res)?;
    ensure!(
        result_url.starts_with(&format!("/modul/{MODULE}/hasil/")),
        "redirect to result: {result_url}"
    );

    let stored = attempt::Entity::find()
        .one(&app.db)
        .await?
        .context("attempt")?;
    ensure!(
        stored.score == Some(80) && stored.correct_count == Some(8) && stored.passed == Some(true),
        "score {stored:?}"
    );
    ensure!(!stored.late, "not late");
    let rows = answer::Entity::find()
        .filter(answer::Column::AttemptId.eq(stored.id))
        .all(&app.db)
        .await?;
    ensure!(
        rows.len() == 10,
        "every drawn question has an answer row, got {}",
        rows.len()
    );
    ensure!(
        rows.iter().filter(|a| a.correct == Some(true)).count() == 8,
        "correct flags"
    );

    // The result page: score, verdict, key, explanation and legal basis for every question.
    let (status, page) = browser.page(&result_url).await?;
    ensure!(status == 200, "result status {status}");
    ensure!(
        page.contains("data-testid=\"score\">80<") && page.contains("Lulus"),
        "score/verdict missing"
    );
    ensure!(page.contains("8 dari 10 soal benar"), "count missing");
    let module = app.state.catalog.module(MODULE).context("module")?;
    for (qid, _) in drawn_questions(&html) {
        let q = module.question(&qid).context("question")?;
        // Text nodes escape &, < and >; quotes may or may not be escaped.
        let text = q
            .explanation
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        ensure!(
            page.contains(&text) || page.contains(&text.replace('"', "&quot;")),
            "explanation of {qid} missing"
        );
        ensure!(
            page.contains(&q.legal_basis[0].regulation),
            "legal basis of {qid} missing"
        );
    }
    ensure!(
        page.contains("pilihan Anda") && page.contains("jawaban benar"),
        "chosen and correct options not marked"
    );

    // /saya lists it with the best score; a failed later attempt does not lower the best.
    let html2 = browser.start_quiz().await?;
    let res = submit(&browser, &html2, &answers_for(&app, &html2, 3)?).await?;
    ensure!(res.status() == 302, "second submit");
    let (_, mine) = browser.page("/saya").await?;
    ensure!(
        mine.contains(&module.title) && mine.contains("<td>80</td>"),
        "best score missing in /saya"
    );
    ensure!(
        mine.contains("nilai 30") && mine.contains("nilai 80"),
        "attempt history missing"
    );
    ensure!(
        mine.contains("identitas: diisi sendiri"),
        "identity kind missing"
    );
    Ok(())
}

async fn late_submissions_are_scored_on_saved_answers(backend: Backend) -> Result<()> {
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    browser.identify(NIP, "Budi Santoso").await?;
    let html = browser.start_quiz().await?;
    let id = attempt_id(&html).context("attempt id")?;
    let all_right = answers_for(&app, &html, 10)?;
    // The hydrated page autosaves: save two correct answers while time remains.
    // (A multiple-answer question needs all of its correct options.)
    let first_field = all_right[0].0.clone();
    let qid = first_field
        .trim_start_matches("answers[")
        .trim_end_matches("][]");
    let mut autosave = vec![("attempt_id", id.as_str()), ("question_id", qid)];
    autosave.extend(
        all_right
            .iter()
            .filter(|(k, _)| *k == first_field)
            .map(|(_, v)| ("chosen[]", v.as_str())),
    );
    let res = browser.call("/api/save_answer", &autosave).await?;
    ensure!(res.status() == 200, "autosave status {}", res.status());

    // Time runs out: move the deadline well past the grace period.
    let row = attempt::Entity::find()
        .one(&app.db)
        .await?
        .context("attempt")?;
    let mut active: attempt::ActiveModel = row.into();
    active.deadline_at = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(5)));
    active.update(&app.db).await?;

    // Autosave is refused now, and a late full submission counts only what was saved.
    let res = browser
        .call(
            "/api/save_answer",
            &[
                ("attempt_id", id.as_str()),
                ("question_id", qid),
                ("chosen[]", "x"),
            ],
        )
        .await?;
    ensure!(res.status() == 409, "late autosave: {}", res.status());
    let res = submit(&browser, &html, &all_right).await?;
    let (_, page) = browser.page(&location(&res)?).await?;
    let stored = attempt::Entity::find()
        .one(&app.db)
        .await?
        .context("attempt")?;
    ensure!(
        stored.late && stored.score == Some(10) && stored.passed == Some(false),
        "late scoring {stored:?}"
    );
    ensure!(page.contains("setelah batas waktu"), "late notice missing");
    Ok(())
}

async fn the_attempt_limit_is_enforced(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    browser.identify(NIP, "Budi Santoso").await?;
    for _ in 0..3 {
        let html = browser.start_quiz().await?;
        ensure!(
            submit(&browser, &html, &answers_for(&app, &html, 2)?)
                .await?
                .status()
                == 302,
            "submit"
        );
    }
    let (_, page) = browser.page(&format!("/modul/{MODULE}/kuis")).await?;
    ensure!(
        page.contains("Batas percobaan untuk modul ini sudah habis"),
        "limit notice missing"
    );
    ensure!(!page.contains("Mulai kuis"), "start button must be gone");
    let res = browser
        .call("/api/start_attempt", &[("slug", MODULE)])
        .await?;
    ensure!(res.status() == 409, "fourth start: {}", res.status());
    ensure!(
        res.text().await?.contains("Batas 3 kali percobaan"),
        "limit message"
    );
    ensure!(
        attempt::Entity::find().count(&app.db).await? == 3,
        "no fourth attempt stored"
    );
    Ok(())
}

async fn submitting_twice_records_one_attempt(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    browser.identify(NIP, "Budi Santoso").await?;
    // A double click on "Mulai" opens one attempt.
    let quiz = format!("/modul/{MODULE}/kuis");
    let (a, b) = tokio::join!(
        browser.submit_form(&quiz, "/api/start_attempt", &[("slug", MODULE)]),
        browser.submit_form(&quiz, "/api/start_attempt", &[("slug", MODULE)]),
    );
    ensure!(
        a?.status() == 302 && b?.status() == 302,
        "both starts redirect"
    );
    ensure!(
        attempt::Entity::find().count(&app.db).await? == 1,
        "one attempt after a double start"
    );

    let (_, html) = browser.page(&quiz).await?;
    let right = answers_for(&app, &html, 10)?;
    let wrong = answers_for(&app, &html, 0)?;
    // A double click on "Kumpulkan" (or a retry after a timeout), even with different payloads.
    let (r1, r2) = tokio::join!(
        submit(&browser, &html, &right),
        submit(&browser, &html, &wrong)
    );
    let (l1, l2) = (location(&r1?)?, location(&r2?)?);
    ensure!(
        l1 == l2,
        "both submits lead to the same result: {l1} vs {l2}"
    );
    let attempts = attempt::Entity::find().all(&app.db).await?;
    ensure!(
        attempts.len() == 1 && attempts[0].submitted_at.is_some(),
        "one submitted attempt"
    );
    let score = attempts[0].score.context("score")?;
    ensure!(
        score == 100 || score == 0,
        "score from exactly one of the submissions, got {score}"
    );
    let rows = answer::Entity::find().all(&app.db).await?;
    ensure!(rows.len() == 10, "ten answers, not {}", rows.len());
    let correct = rows.iter().filter(|a| a.correct == Some(true)).count();
    ensure!(correct * 10 == score as usize, "answers and score agree");
    // A third, later retry changes nothing.
    let r3 = submit(&browser, &html, &wrong).await?;
    ensure!(location(&r3)? == l1, "retry shows the same result");
    ensure!(
        attempt::Entity::find()
            .one(&app.db)
            .await?
            .and_then(|a| a.score)
            == Some(score),
        "score unchanged"
    );
    Ok(())
}

async fn results_are_private_to_their_learner(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let owner = app.browser()?;
    owner.identify(NIP, "Budi Santoso").await?;
    let html = owner.start_quiz().await?;
    let result_url = location(&submit(&owner, &html, &answers_for(&app, &html, 5)?).await?)?;
    let id = attempt_id(&html).context("attempt id")?;

    // Nobody identified: the result page asks for identity instead.
    let (status, page) = app.browser()?.page(&result_url).await?;
    ensure!(
        status == 401 && page.contains("Isi identitas Anda"),
        "anonymous result page: {status}"
    );

    let other = app.browser()?;
    other.identify(NIP_OTHER, "Siti Aminah").await?;
    let (status, page) = other.page(&result_url).await?;
    ensure!(
        status == 404 && !page.contains("data-testid=\"score\""),
        "another learner's result: {status}"
    );
    let res = other
        .call("/api/attempt_result", &[("attempt_id", id.as_str())])
        .await?;
    ensure!(res.status() == 404, "server function: {}", res.status());
    // Nor can they submit or autosave into it.
    let res = other
        .call("/api/submit_attempt", &[("attempt_id", id.as_str())])
        .await?;
    ensure!(res.status() == 404, "foreign submit: {}", res.status());
    let (_, mine) = other.page("/saya").await?;
    ensure!(
        !mine.contains("nilai 50") && mine.contains("belum mengerjakan kuis"),
        "isolation in /saya"
    );
    Ok(())
}

async fn an_open_attempt_is_scored_with_the_key_it_was_drawn_with(backend: Backend) -> Result<()> {
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    browser.identify(NIP, "Budi Santoso").await?;
    let html = browser.start_quiz().await?;
    let row = attempt::Entity::find()
        .one(&app.db)
        .await?
        .context("attempt")?;
    let mut draw: Vec<serde_json::Value> = serde_json::from_str(&row.draw)?;
    ensure!(
        draw.iter()
            .all(|d| d["k"].as_array().is_some_and(|k| !k.is_empty())),
        "the key is stored with the draw"
    );
    // Pretend the content's key for the first question changed after the draw: the stored key
    // (here made deliberately different) is what counts.
    let first_options: Vec<String> = serde_json::from_value(draw[0]["o"].clone())?;
    let first_key: Vec<String> = serde_json::from_value(draw[0]["k"].clone())?;
    let other = first_options
        .iter()
        .find(|o| !first_key.contains(o))
        .context("another option")?
        .clone();
    draw[0]["k"] = serde_json::json!([other]);
    let mut active: attempt::ActiveModel = row.into();
    active.draw = Set(serde_json::to_string(&draw)?);
    active.update(&app.db).await?;
    let res = submit(&browser, &html, &answers_for(&app, &html, 10)?).await?;
    let (_, page) = browser.page(&location(&res)?).await?;
    let stored = attempt::Entity::find()
        .one(&app.db)
        .await?
        .context("attempt")?;
    ensure!(
        stored.score == Some(90),
        "scored against the stored key: {:?}",
        stored.score
    );
    ensure!(page.contains("9 dari 10 soal benar"), "result page agrees");
    Ok(())
}
