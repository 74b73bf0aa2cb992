//! What a hostile or merely broken client can send: over-long addresses, huge headers, long form
//! fields, headers trickled a byte at a time. And what a phone on 3G pays for a lesson page.

use anyhow::{ensure, Context, Result};
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING};
use std::time::{Duration, Instant};
use tests::{form_error, location, Backend, TestApp, MODULE, NIP};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_addresses_headers_and_fields_are_refused_clearly() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let browser = app.browser()?;

    let long_query = format!("/?q={}", "a".repeat(9 * 1024));
    let res = browser.get(&long_query).await?;
    ensure!(res.status() == 414, "long address: {}", res.status());
    ensure!(
        res.text().await?.contains("terlalu panjang"),
        "414 explains itself"
    );

    let res = browser
        .client
        .get(browser.url("/"))
        .header("x-padding", "b".repeat(40 * 1024))
        .send()
        .await?;
    ensure!(res.status() == 431, "huge header: {}", res.status());
    ensure!(
        res.text()
            .await?
            .contains("Header permintaan terlalu besar"),
        "431 explains itself"
    );

    // A form field far over its limit (but within the body limit) gets a message naming the field,
    // and nothing is stored.
    let long_name = "Budi ".repeat(2_000);
    let res = browser
        .submit_form(
            "/identitas",
            "/api/identify",
            &[
                ("nip", NIP),
                ("name", long_name.as_str()),
                ("instansi", "Pemerintah Kabupaten Sleman"),
                ("unit_kerja", "BKPSDM"),
                ("next", "/"),
            ],
        )
        .await?;
    let to = location(&res)?;
    let error = form_error(&to).context("the refusal comes back to the form")?;
    ensure!(
        error.contains("Nama lengkap terlalu panjang (maksimal 200 karakter)"),
        "message for the long name: {error}"
    );
    let (_, page) = browser.page("/").await?;
    ensure!(!page.contains("Budi Budi"), "the long name was not stored");

    // The server still answers normally afterwards.
    let (status, _) = browser.page(&format!("/modul/{MODULE}")).await?;
    ensure!(status == 200, "module page after the refusals: {status}");
    Ok(())
}

/// Slowloris: a client that sends its headers a byte at a time loses its connection once the
/// header-read timeout passes, instead of holding it (and a slot) for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_trickles_its_headers_is_disconnected() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await?;
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: netra\r\nX-Slow: ")
        .await?;
    let started = Instant::now();
    let limit = server::http::HEADER_READ_TIMEOUT + Duration::from_secs(10);
    let mut closed = false;
    while started.elapsed() < limit {
        // One more byte every half second: never a complete head.
        if stream.write_all(b"a").await.is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 512];
        match tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            // hyper may answer 408 before closing.
            Ok(Ok(n)) => {
                let head = String::from_utf8_lossy(&buf[..n]);
                ensure!(
                    head.starts_with("HTTP/1.1 408"),
                    "unexpected answer: {head}"
                );
            }
            Err(_) => {}
        }
    }
    ensure!(
        closed,
        "connection still open after {:?} of trickled headers",
        started.elapsed()
    );
    // Other clients were served all along.
    let (status, _) = app.browser()?.page("/").await?;
    ensure!(status == 200, "catalogue: {status}");
    Ok(())
}

/// A first visit to a lesson on a cold cache: the HTML and CSS arrive compressed within 30 KB and
/// are all there is (no wasm on a reading page); the text is in the HTML (readable with
/// JavaScript off); content-hashed assets are cached for a year.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lesson_page_is_light_and_its_assets_are_cached_for_good() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let browser = app.browser()?;
    let fetch = |path: String| {
        let client = browser.client.clone();
        let url = browser.url(&path);
        async move {
            let res = client
                .get(&url)
                .header(ACCEPT_ENCODING, "br, gzip")
                .send()
                .await?;
            ensure!(res.status() == 200, "{url}: {}", res.status());
            let encoding = res
                .headers()
                .get(CONTENT_ENCODING)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let cache = res
                .headers()
                .get(CACHE_CONTROL)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let bytes = res.bytes().await?;
            Ok::<_, anyhow::Error>((encoding, cache, bytes))
        }
    };
    let (encoding, _, html) = fetch(format!("/modul/{MODULE}/arti-netral")).await?;
    ensure!(
        encoding == "br",
        "the page is served with brotli, got {encoding:?}"
    );
    let text = {
        let (_, plain) = browser
            .page(&format!("/modul/{MODULE}/arti-netral"))
            .await?;
        plain
    };
    ensure!(
        text.contains("<h2>"),
        "the lesson text is in the HTML itself"
    );
    let css_href = text
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("stylesheet link")?
        .to_string();
    ensure!(
        css_href.starts_with("/pkg/netra-") && css_href.ends_with(".css"),
        "the stylesheet has a content-hashed name: {css_href}"
    );
    let (encoding, cache, css) = fetch(css_href.clone()).await?;
    ensure!(encoding == "br", "CSS is served precompressed with brotli");
    ensure!(
        cache.contains("immutable") && cache.contains("max-age=31536000"),
        "hashed CSS is cached for good: {cache:?}"
    );
    let before_script = html.len() + css.len();
    println!(
        "lesson page, brotli: HTML {} B + CSS {} B = {} B before any JavaScript",
        html.len(),
        css.len(),
        before_script
    );
    ensure!(
        before_script <= 30 * 1024,
        "over the 30 KB budget: {before_script} B"
    );

    // A lesson is for reading: it asks for no script or wasm at all, so its stylesheet and icon
    // are the whole first visit.
    ensure!(
        !text.contains("modulepreload")
            && !text.contains(".wasm")
            && !text.contains("<script type=\"module\""),
        "the lesson page loads no wasm bundle"
    );
    let (_, _, icon) = fetch("/favicon.svg".to_string()).await?;
    let total = before_script + icon.len();
    println!("lesson page in total: {total} B (budget 250 KB)");
    ensure!(total <= 250 * 1024, "over the 250 KB budget: {total} B");

    // Pages with islands ask for content-hashed scripts, cached for good: a learner's page for
    // the learners' bundle, a staff page for the staff bundle.
    super::accounts::world(&app).await?;
    // A NIP without an account (the world gives NIP one).
    browser
        .identify("199005172015042002", "Sri Wahyuni")
        .await?;
    let (_, quiz) = browser.page(&format!("/modul/{MODULE}/kuis")).await?;
    let operator = app.browser()?;
    super::accounts::sign_in(&operator, "op-a@netra.test").await?;
    let (_, roster) = operator.page("/operator").await?;
    for (page, html, bundle_suffix) in [("quiz", &quiz, ""), ("roster", &roster, "-staff")] {
        for (marker, ext) in [
            ("rel=\"modulepreload\" href=\"", ".js"),
            ("rel=\"preload\" href=\"", ".wasm"),
        ] {
            let href = html
                .split(marker)
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .with_context(|| format!("{marker} link on the {page} page"))?
                .to_string();
            ensure!(
                href.starts_with("/pkg/netra-") && href.ends_with(&format!("{bundle_suffix}{ext}")),
                "the {page} page loads {href}"
            );
            let (_, cache, _) = fetch(href.clone()).await?;
            ensure!(cache.contains("immutable"), "{href}: {cache:?}");
        }
    }
    Ok(())
}

/// Pages every anonymous visitor gets alike are rendered once and served from memory; anything
/// personal, or not certainly shared, is rendered for each request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_pages_are_served_from_memory_and_personal_pages_never_are() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let anonymous = app.browser()?;
    let get = |path: &'static str| {
        let client = anonymous.client.clone();
        let url = anonymous.url(path);
        async move {
            let res = client
                .get(&url)
                .header(ACCEPT_ENCODING, "br")
                .send()
                .await?;
            let hit = res.headers().contains_key("x-netra-cache");
            let status = res.status();
            Ok::<_, anyhow::Error>((status, hit, res.bytes().await?))
        }
    };
    let lesson = "/modul/dasar-netralitas-asn/arti-netral";
    let (status, first_hit, first) = get(lesson).await?;
    ensure!(status == 200 && !first_hit, "first visit renders");
    let (_, second_hit, second) = get(lesson).await?;
    ensure!(
        second_hit && second == first,
        "second visit served the same bytes from memory"
    );
    for path in [
        "/modul/dasar-netralitas-asn/kuis",
        "/identitas",
        "/modul/tidak-ada",
        "/?q=1",
    ] {
        get(path).await?;
        let (_, hit, _) = get(path).await?;
        ensure!(!hit, "{path} is never served from memory");
    }
    // An identified learner gets their own rendering (with their name), never the shared one.
    let learner = app.browser()?;
    learner.identify(NIP, "Budi Santoso").await?;
    let res = learner.get(lesson).await?;
    ensure!(
        !res.headers().contains_key("x-netra-cache"),
        "personal request rendered"
    );
    ensure!(
        res.text().await?.contains("Budi Santoso"),
        "the learner's own header"
    );
    let (_, shared) = anonymous.page(lesson).await?;
    ensure!(
        shared.contains("arti") && !shared.contains("Budi Santoso"),
        "nothing personal in the shared page"
    );
    Ok(())
}
