//! A request fuzzer: thousands of malformed requests to every route the router knows (pages,
//! server functions, file endpoints, probes), anonymous and signed in. Nothing may answer 5xx or
//! take the server down.

use crate::accounts::{sign_in, world};
use anyhow::{ensure, Result};
use rand::{rngs::StdRng, Rng, SeedableRng};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use tests::{Backend, Browser, TestApp};

/// The size `/metrics` may reach after this run: one latency histogram per route template and
/// method (standard or OTHER) and one counter per status it answered (about 340 KB here).
const MAX_METRICS_BYTES: usize = 512 * 1024;

/// Field names the server functions use, plus nonsense.
const FIELDS: &[&str] = &[
    "slug",
    "id",
    "code",
    "stage",
    "nip",
    "name",
    "instansi",
    "unit_kerja",
    "attempt_id",
    "employee_id",
    "assignment_id",
    "unit_id",
    "import_id",
    "page",
    "q",
    "status",
    "sort",
    "year",
    "login",
    "password",
    "answers[x][]",
    "question_id",
    "chosen[]",
    "open",
    "reason",
    "title",
    "starts_at",
    "time_zone",
    "jp",
    "opens_on",
    "deadline",
    "scope",
    "unit_ids[]",
    "nips",
    "certificate_id",
    "next",
    "lesson",
    "zzz",
    "",
];

fn value(rng: &mut StdRng) -> String {
    match rng.random_range(0..9) {
        0 => String::new(),
        1 => "99999999999999999999999999".into(),
        2 => "-1".into(),
        3 => "%FF%FE%00".into(),
        4 => "\u{202e}ǅ🙂 ' OR 1=1 --".into(),
        5 => "x".repeat(rng.random_range(100..5000)),
        6 => "198703152010012001".into(),
        7 => "NaN".into(),
        _ => (0..rng.random_range(1..40))
            .map(|_| char::from(rng.random_range(0x20u8..0x7f)))
            .collect(),
    }
}

/// A path with every `{param}` replaced by something unexpected.
fn fill(path: &str, rng: &mut StdRng) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') || seg.starts_with(':') || seg.starts_with('*') {
                match rng.random_range(0..5) {
                    0 => "99999999999999999999".to_string(),
                    1 => "-5".into(),
                    2 => "%FF%00".into(),
                    3 => "..%2F..%2Fetc%2Fpasswd".into(),
                    _ => "ZZ%20%F0%9F%99%82".into(),
                }
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn form_body(rng: &mut StdRng) -> Vec<u8> {
    let mut body = Vec::new();
    for i in 0..rng.random_range(0..8) {
        if i > 0 {
            body.push(b'&');
        }
        let field = FIELDS[rng.random_range(0..FIELDS.len())];
        body.extend_from_slice(field.replace('[', "%5B").replace(']', "%5D").as_bytes());
        body.push(b'=');
        // Raw bytes on purpose: invalid UTF-8 and unescaped separators included.
        if rng.random_bool(0.2) {
            body.extend((0..rng.random_range(1..20)).map(|_| rng.random::<u8>()));
        } else {
            body.extend_from_slice(value(rng).as_bytes());
        }
    }
    body
}

async fn hammer(
    browser: &Browser,
    targets: &[(bool, String)],
    rng: &mut StdRng,
    failures: &mut Vec<String>,
) -> Result<usize> {
    let mut sent = 0;
    for (is_post, path) in targets {
        for _ in 0..12 {
            let url = browser.url(&fill(path, rng));
            let url = if rng.random_bool(0.3) {
                format!("{url}?{}", String::from_utf8_lossy(&form_body(rng)))
            } else {
                url
            };
            let req = if rng.random_bool(0.15) {
                // A made-up method: each must land in the metrics' OTHER bucket, not a series
                // of its own.
                let method: String = (0..rng.random_range(3..12))
                    .map(|_| char::from(b'A' + rng.random_range(0..26u8)))
                    .collect();
                browser
                    .client
                    .request(reqwest::Method::from_bytes(method.as_bytes())?, &url)
                    .body(form_body(rng))
            } else if *is_post || rng.random_bool(0.2) {
                let (content_type, body) = match rng.random_range(0..6) {
                    0 => ("application/json", b"{\"id\": [1, {\"x\": null}]".to_vec()),
                    1 => ("text/plain", form_body(rng)),
                    2 => ("multipart/form-data", form_body(rng)),
                    3 => (
                        "multipart/form-data; boundary=zz",
                        b"--zz\r\nnonsense".to_vec(),
                    ),
                    _ => ("application/x-www-form-urlencoded", form_body(rng)),
                };
                browser
                    .client
                    .post(&url)
                    .header(CONTENT_TYPE, content_type)
                    .header(
                        ACCEPT,
                        if rng.random_bool(0.5) {
                            "application/json"
                        } else {
                            "text/html"
                        },
                    )
                    .body(body)
            } else {
                browser.client.get(&url)
            };
            sent += 1;
            match req.send().await {
                Ok(res) if res.status().is_server_error() => {
                    failures.push(format!(
                        "{} {url}: {}",
                        if *is_post { "POST" } else { "GET" },
                        res.status()
                    ));
                }
                Ok(_) => {}
                Err(e) => failures.push(format!("{url}: no answer ({e})")),
            }
        }
    }
    Ok(sent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_to_every_route_never_get_a_5xx() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    world(&app).await?;
    let mut targets: Vec<(bool, String)> = leptos_axum::generate_route_list(app::app::App)
        .iter()
        .map(|r| (false, r.path().to_string()))
        .collect();
    targets.extend(
        leptos::server_fn::axum::server_fn_paths()
            // Signing out would end the signed-in half of the run early.
            .filter(|(p, _)| *p != "/api/sign_out")
            .map(|(p, _)| (true, p.to_string())),
    );
    targets.extend(
        app::ssr::webinar::downloads::PATHS
            .iter()
            .chain(app::ssr::tracking::downloads::PATHS)
            .chain(&["/healthz", "/readyz", "/metrics"])
            .map(|p| (false, p.to_string())),
    );
    ensure!(targets.len() > 80, "the router's routes: {}", targets.len());

    let mut rng = StdRng::seed_from_u64(8);
    let mut failures = Vec::new();
    let anonymous = app.browser()?;
    let operator = app.browser()?;
    sign_in(&operator, "op-a@netra.test").await?;
    let mut sent = hammer(&anonymous, &targets, &mut rng, &mut failures).await?;
    sent += hammer(&operator, &targets, &mut rng, &mut failures).await?;
    ensure!(
        failures.is_empty(),
        "{} of {sent} malformed requests got a 5xx or no answer, e.g.:\n{}",
        failures.len(),
        failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The metrics stay bounded however many methods and paths were made up: under a fixed
    // size, and a hundred more made-up methods add no series at all.
    let series = |text: &str| text.lines().filter(|l| !l.starts_with('#')).count();
    let made_up = |i: usize| {
        let method = reqwest::Method::from_bytes(format!("ZZ{i}").as_bytes());
        let anonymous = &anonymous;
        async move {
            anonymous
                .client
                .request(method?, anonymous.url("/"))
                .send()
                .await?;
            anyhow::Ok(())
        }
    };
    made_up(0).await?;
    // A first scrape, so that the scrape itself has its series before the count.
    anonymous.get("/metrics").await?;
    let metrics = anonymous.get("/metrics").await?.text().await?;
    println!(
        "/metrics after {sent} fuzzed requests: {} bytes, {} series lines",
        metrics.len(),
        series(&metrics)
    );
    ensure!(
        metrics.len() < MAX_METRICS_BYTES,
        "/metrics grew to {} bytes",
        metrics.len()
    );
    ensure!(
        metrics.contains("method=\"OTHER\""),
        "made-up methods count as OTHER"
    );
    for i in 1..=100 {
        made_up(i).await?;
    }
    let again = anonymous.get("/metrics").await?.text().await?;
    ensure!(
        series(&again) == series(&metrics),
        "made-up methods added series: {} -> {}",
        series(&metrics),
        series(&again)
    );
    // Still serving, and still correct.
    ensure!(
        anonymous.get("/").await?.status() == 200,
        "home page afterwards"
    );
    ensure!(
        anonymous.get("/readyz").await?.status() == 200,
        "ready afterwards"
    );
    anonymous
        .identify("198703152010012099", "Sari Dewi")
        .await?;
    ensure!(
        tests::attempt_id(&anonymous.start_quiz().await?).is_some(),
        "a quiz starts afterwards"
    );
    Ok(())
}
