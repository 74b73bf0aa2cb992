//! The catalogue, module overview and lesson pages, readable without JavaScript.

use anyhow::{ensure, Context, Result};
use tests::{Backend, TestApp, MODULE, NIP};

crate::on_both_backends!(
    catalog_lists_modules_with_duration_and_jp,
    lessons_render_in_order_and_are_marked_read,
    unknown_pages_answer_404
);

async fn catalog_lists_modules_with_duration_and_jp(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    let (status, html) = browser.page("/").await?;
    ensure!(status == 200, "status {status}");
    // Every module a learner can study; pre-/post-test forms are taken in webinars only.
    for m in app
        .state
        .catalog
        .modules()
        .iter()
        .filter(|m| !m.is_test_only())
    {
        ensure!(html.contains(&m.title), "module title {} missing", m.title);
        ensure!(
            html.contains(&format!("href=\"/modul/{}\"", m.slug)),
            "link to {} missing",
            m.slug
        );
    }
    let module = app.state.catalog.module(MODULE).context("module")?;
    ensure!(
        html.contains(&format!("± {} menit", module.estimated_minutes))
            && html.contains(&format!("{} JP", module.jp)),
        "minutes or JP missing"
    );
    ensure!(
        html.contains("Belum mulai"),
        "status for a new visitor missing"
    );
    Ok(())
}

async fn lessons_render_in_order_and_are_marked_read(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    let (_, overview) = browser.page(&format!("/modul/{MODULE}")).await?;
    let titles: Vec<&str> = app
        .state
        .catalog
        .module(MODULE)
        .map(|m| m.lessons.iter().map(|l| l.title.as_str()).collect())
        .unwrap_or_default();
    ensure!(titles.len() >= 3, "the module needs at least three lessons");
    let positions: Vec<usize> = titles
        .iter()
        .filter_map(|t| overview.find(&t.replace('"', "&quot;")))
        .collect();
    ensure!(
        positions.len() == titles.len() && positions.windows(2).all(|w| w[0] < w[1]),
        "lessons not listed in order"
    );
    let total = titles.len();
    ensure!(
        overview.contains(&format!("0 dari {total} materi sudah dibaca")),
        "progress text missing"
    );

    // A lesson is server-rendered HTML: the text is there without any script running.
    let (status, lesson) = browser
        .page(&format!("/modul/{MODULE}/arti-netral"))
        .await?;
    ensure!(status == 200, "lesson status {status}");
    ensure!(lesson.contains("<h2>"), "lesson markdown not rendered");
    ensure!(
        lesson.contains(&format!("Materi 1 dari {total}")),
        "lesson progress missing"
    );
    ensure!(
        lesson.contains("rel=\"next\""),
        "link to the next lesson missing"
    );

    // An anonymous reader is not tracked; an identified learner is.
    browser.identify(NIP, "Budi Santoso").await?;
    browser
        .page(&format!("/modul/{MODULE}/arti-netral"))
        .await?;
    browser
        .page(&format!("/modul/{MODULE}/arti-netral"))
        .await?;
    browser.page(&format!("/modul/{MODULE}/sanksi")).await?;
    let (_, overview) = browser.page(&format!("/modul/{MODULE}")).await?;
    ensure!(
        overview.contains(&format!("2 dari {total} materi sudah dibaca")),
        "reading twice must count once"
    );
    let (_, home) = browser.page("/").await?;
    ensure!(
        home.contains("Sedang belajar (2 materi dibaca)"),
        "catalogue status missing"
    );
    Ok(())
}

async fn unknown_pages_answer_404(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    for path in [
        "/modul/tidak-ada",
        &format!("/modul/{MODULE}/tidak-ada"),
        "/halaman/acak",
    ] {
        let (status, html) = browser.page(path).await?;
        ensure!(status == 404, "{path}: status {status}");
        ensure!(
            html.contains("tidak ditemukan"),
            "{path}: no Indonesian message"
        );
    }
    Ok(())
}
