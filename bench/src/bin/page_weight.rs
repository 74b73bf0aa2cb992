//! Page weight on a first visit with a cold cache, as a phone on 3G pays it: every byte over the
//! wire, compressed as served (brotli), for a lesson page and a quiz page of the release build.
//!
//! `make build && cargo run --release -p bench --bin page_weight`
//!
//! Budgets: a lesson page at most 30 KB before any JavaScript/WASM and 250 KB in total (issue 8);
//! a quiz page in progress (questions, countdown, autosave) 250 KB in total (issue 18). Exits with
//! an error when either page is over its budget.

use anyhow::{ensure, Context, Result};
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use tests::bench::{start_server_with_site, BenchDatabase};
use tests::MODULE;

/// Compressed size and encoding of one resource.
async fn fetch(client: &reqwest::Client, url: &str) -> Result<(usize, String)> {
    let res = client
        .get(url)
        .header(ACCEPT_ENCODING, "br, gzip")
        .send()
        .await?;
    ensure!(res.status() == 200, "{url}: {}", res.status());
    let encoding = res
        .headers()
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .to_string();
    let bytes = res.bytes().await?;
    Ok((bytes.len(), encoding))
}

/// `href`/`src` values of the page's stylesheet, module preload, wasm preload and images.
fn assets(html: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for (marker, kind) in [
        ("rel=\"stylesheet\" href=\"", "CSS"),
        ("rel=\"modulepreload\" href=\"", "JS"),
        ("rel=\"preload\" href=\"", "WASM"),
        ("<img src=\"", "image"),
        ("rel=\"icon\" href=\"", "icon"),
    ] {
        for part in html.split(marker).skip(1) {
            if let Some(href) = part.split('"').next() {
                out.push((href.to_string(), kind));
            }
        }
    }
    out
}

async fn weigh(client: &reqwest::Client, base: &str, path: &str) -> Result<(usize, usize)> {
    let url = format!("{base}{path}");
    let html = client.get(&url).send().await?.text().await?;
    let (page, encoding) = fetch(client, &url).await?;
    println!("{path}");
    println!("  {:<58} {:>8} B  {encoding}", "HTML", page);
    let (mut before_script, mut total) = (page, page);
    for (href, kind) in assets(&html) {
        let (size, encoding) = fetch(client, &format!("{base}{href}")).await?;
        println!(
            "  {:<58} {:>8} B  {encoding}",
            format!("{kind} {href}"),
            size
        );
        total += size;
        if kind != "JS" && kind != "WASM" {
            before_script += size;
        }
    }
    println!(
        "  before any JavaScript/WASM: {:.1} KB; in total: {:.1} KB",
        before_script as f64 / 1024.0,
        total as f64 / 1024.0
    );
    Ok((before_script, total))
}

#[tokio::main]
async fn main() -> Result<()> {
    let db = BenchDatabase::create("sqlite", "netra-weight").await?;
    let server = start_server_with_site(&db.url, "target/site")
        .await
        .context("run `make build` first: the release site is measured")?;
    let client = tests::app_client().cookie_store(true).build()?;
    let (lesson_before, lesson_total) = weigh(
        &client,
        &server.base,
        &format!("/modul/{MODULE}/arti-netral"),
    )
    .await?;
    // The quiz page asks who you are first; identify, start, then weigh the page with questions.
    let api = tests::bench::Api {
        client: &client,
        base: &server.base,
    };
    let who = tests::bench::Identity {
        nip: tests::NIP,
        name: "Budi Santoso",
        instansi: "Pemerintah Kabupaten Sleman",
        unit_kerja: "BKPSDM",
    };
    api.identify(&who, &format!("/modul/{MODULE}/kuis")).await?;
    api.call("start_attempt", None, &[("slug", MODULE)]).await?;
    let quiz = format!("/modul/{MODULE}/kuis");
    ensure!(
        api.page(&quiz, None).await?.contains("Kumpulkan jawaban"),
        "the quiz page shows no questions after starting"
    );
    let (_, quiz_total) = weigh(&client, &server.base, &quiz).await?;
    drop(server);
    db.drop().await?;
    ensure!(
        lesson_before <= 30 * 1024 && lesson_total <= 250 * 1024,
        "the lesson page is over budget: {lesson_before} B before scripts, {lesson_total} B in total"
    );
    println!("lesson page within budget (30 KB before scripts, 250 KB in total)");
    ensure!(
        quiz_total <= 250 * 1024,
        "the quiz page is over budget: {quiz_total} B in total"
    );
    println!("quiz page within budget (250 KB in total)");
    Ok(())
}
