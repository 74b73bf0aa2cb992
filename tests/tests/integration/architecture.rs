//! The house rules that keep the code navigable, checked on the sources: the dependency
//! direction between feature folders (docs/architecture.md) and the route list in
//! docs/routes.md, which must name every route and server function the app serves.

use anyhow::{ensure, Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file of a folder of `app/src/ssr` (and the folder's parent file).
fn sources(folder: &str) -> Result<Vec<(PathBuf, String)>> {
    let root = repo().join("app/src/ssr");
    let mut out = Vec::new();
    let parent = root.join(format!("{folder}.rs"));
    let mut pending = vec![root.join(folder)];
    if parent.exists() {
        out.push((parent.clone(), std::fs::read_to_string(&parent)?));
    }
    while let Some(dir) = pending.pop() {
        if !dir.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path)?;
                out.push((path, text));
            }
        }
    }
    ensure!(!out.is_empty(), "no sources in app/src/ssr/{folder}");
    Ok(out)
}

/// The folders each folder must never name, as docs/architecture.md states them.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("learning", &["webinar", "tracking"]),
    ("accounts", &["learning", "webinar", "tracking"]),
    ("tracking", &["webinar"]),
    ("webinar", &["tracking"]),
    (
        "db",
        &[
            "learning", "accounts", "webinar", "tracking", "files", "http",
        ],
    ),
    (
        "content",
        &["learning", "accounts", "webinar", "tracking", "db"],
    ),
    (
        "files",
        &["learning", "accounts", "webinar", "tracking", "db", "http"],
    ),
    (
        "interop",
        &["learning", "accounts", "webinar", "tracking", "db"],
    ),
];

#[test]
fn feature_folders_depend_only_downwards() -> Result<()> {
    let mut violations = Vec::new();
    for (folder, forbidden) in FORBIDDEN {
        for (path, text) in sources(folder)? {
            for line in text.lines().map(str::trim) {
                if line.starts_with("//") {
                    continue;
                }
                for name in *forbidden {
                    if line.contains(&format!("ssr::{name}::"))
                        || line.contains(&format!("ssr::{name};"))
                        || line.contains(&format!("ssr::{{{name}"))
                    {
                        violations.push(format!("{}: {line}", path.display()));
                    }
                }
            }
        }
    }
    ensure!(
        violations.is_empty(),
        "uses that run against docs/architecture.md:\n{}",
        violations.join("\n")
    );
    Ok(())
}

#[test]
fn server_code_never_reaches_up_into_the_server_functions() -> Result<()> {
    let mut violations = Vec::new();
    for folder in [
        "learning", "accounts", "tracking", "webinar", "db", "content", "files",
    ] {
        for (path, text) in sources(folder)? {
            if text.contains("crate::api::") {
                violations.push(path.display().to_string());
            }
        }
    }
    ensure!(
        violations.is_empty(),
        "ssr code that names api/ (DTOs belong in model/): {violations:?}"
    );
    Ok(())
}

/// Every server function is called from the browser through the client that sends the custom
/// header the same-origin check needs (`api/client.rs`).
#[test]
fn every_server_function_uses_the_netra_client() -> Result<()> {
    let api = repo().join("app/src/api");
    let mut attributes = 0;
    let mut without = Vec::new();
    for entry in std::fs::read_dir(&api)? {
        let path = entry?.path();
        for line in std::fs::read_to_string(&path)?.lines() {
            if line.starts_with("#[server(") {
                attributes += 1;
                if !line.contains("client = crate::api::client::Netra") {
                    without.push(format!("{}: {line}", path.display()));
                }
            }
        }
    }
    ensure!(attributes > 40, "found {attributes} server functions");
    ensure!(
        without.is_empty(),
        "server functions without the client: {without:?}"
    );
    Ok(())
}

#[test]
fn the_quiz_engine_names_no_webinar_or_assignment() -> Result<()> {
    let engine = ["quiz.rs", "results.rs"];
    let files = sources("learning")?.into_iter().filter(|(path, _)| {
        path.file_name()
            .is_some_and(|n| engine.iter().any(|e| n == *e))
    });
    let mut seen = 0;
    for (path, text) in files {
        seen += 1;
        for line in text.lines().filter(|l| l.trim_start().starts_with("use ")) {
            ensure!(
                !line.contains("webinar") && !line.contains("assignment"),
                "{} imports a feature built on the engine: {line}",
                path.display()
            );
        }
    }
    ensure!(
        seen == engine.len(),
        "the quiz engine's files moved: update this test"
    );
    Ok(())
}

/// The first column of the table under `heading` in docs/routes.md.
fn documented(heading: &str) -> Result<BTreeSet<String>> {
    let text = std::fs::read_to_string(repo().join("docs/routes.md"))?;
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with(heading))
        .with_context(|| format!("docs/routes.md has no '## {heading}'"))?;
    Ok(section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(path, _)| path.to_string()))
        .collect())
}

/// `:param` (Leptos) and `{param}` (axum) written the same way.
fn normalise(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn docs_routes_lists_every_route_and_server_function_once() -> Result<()> {
    let mut routes: BTreeSet<String> = leptos_axum::generate_route_list(app::app::App)
        .iter()
        .map(|r| normalise(r.path()))
        .collect();
    routes.extend(
        server::http::router::PATHS
            .iter()
            .chain(app::ssr::webinar::downloads::PATHS)
            .chain(app::ssr::tracking::downloads::PATHS)
            .map(|p| p.to_string()),
    );
    let listed: BTreeSet<String> = documented("Pages and HTTP routes")?
        .iter()
        .map(|p| normalise(p))
        .collect();
    ensure!(
        routes == listed,
        "routes missing from docs/routes.md: {:?}; listed but not served: {:?}",
        routes.difference(&listed).collect::<Vec<_>>(),
        listed.difference(&routes).collect::<Vec<_>>()
    );
    let functions: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    let listed = documented("Server functions")?;
    ensure!(
        functions == listed,
        "server functions missing from docs/routes.md: {:?}; listed but not served: {:?}",
        functions.difference(&listed).collect::<Vec<_>>(),
        listed.difference(&functions).collect::<Vec<_>>()
    );
    Ok(())
}
