//! A first visit on a phone profile, on the release build: Chromium with 1.6 Mbit/s down,
//! 750 kbit/s up, 150 ms round trip, the CPU slowed 4x and a cold cache
//! (`tests/browser/phone_profile.mjs`). Prints when a lesson is readable and when the quiz page's
//! countdown ticks, against the targets of issue 18 (1.5 s and 3 s).
//!
//! `make build && cargo run --release -p bench --bin phone_profile`

use anyhow::{ensure, Context, Result};
use tests::bench::{start_server_with_site, BenchDatabase};
use tests::{repo_root, tools_dir, MODULE};

#[tokio::main]
async fn main() -> Result<()> {
    let db = BenchDatabase::create("sqlite", "netra-phone").await?;
    let server = start_server_with_site(&db.url, "target/site")
        .await
        .context("run `make build` first: the release site is measured")?;
    let output = tokio::process::Command::new("node")
        .arg(repo_root().join("tests/browser/phone_profile.mjs"))
        .args([
            server.base.as_str(),
            MODULE,
            "arti-netral",
            "199005172015042002",
        ])
        .env("NETRA_TOOLS", tools_dir())
        .output()
        .await
        .context("running node (installed with the system packages)")?;
    drop(server);
    db.drop().await?;
    print!("{}", String::from_utf8_lossy(&output.stdout));
    ensure!(
        output.status.success(),
        "phone_profile.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}
