//! Plumbing shared by the benchmark binaries: a throw-away database, the release `netra`
//! binary run as its own process (so its peak memory is its own), and a signed-in client.

use crate::repo_root;
use anyhow::{bail, ensure, Context, Result};
use reqwest::header::ACCEPT;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A database created for one benchmark run and dropped (or deleted) afterwards.
pub struct BenchDatabase {
    pub url: String,
    pg: Option<(String, String)>,
}

impl BenchDatabase {
    /// `backend` is `postgres` or anything else for SQLite (a file in the temp directory).
    pub async fn create(backend: &str, prefix: &str) -> Result<Self> {
        let suffix: u32 = rand::random();
        if backend == "postgres" {
            let admin = std::env::var("NETRA_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("{prefix}_{suffix}");
            let db = Database::connect(&admin).await?;
            db.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            db.close().await?;
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin)
                .to_string();
            Ok(BenchDatabase {
                url: format!("{base}/{name}"),
                pg: Some((admin, name)),
            })
        } else {
            let path = std::env::temp_dir().join(format!("{prefix}-{suffix}.db"));
            Ok(BenchDatabase {
                url: format!("sqlite://{}?mode=rwc", path.display()),
                pg: None,
            })
        }
    }

    pub async fn drop(self) -> Result<()> {
        if let Some((admin, name)) = &self.pg {
            let db = Database::connect(admin).await?;
            db.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            ))
            .await?;
        } else if let Some(path) = self
            .url
            .strip_prefix("sqlite://")
            .and_then(|u| u.split('?').next())
        {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
        Ok(())
    }
}

pub struct Server {
    child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// The server's process id, for [`cpu_seconds`] and [`peak_mb`] while it runs.
    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// CPU time the server process has used so far (user and system), in seconds.
    pub fn cpu_seconds(&self) -> Option<f64> {
        cpu_seconds(&self.pid())
    }

    /// Peak resident memory of the server process so far (VmHWM), in MB.
    pub fn peak_mb(&self) -> Option<f64> {
        peak_mb(&self.pid())
    }
}

/// Peak resident memory of a process so far (VmHWM), in MB.
pub fn peak_mb(pid: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// CPU time (user and system) used so far by a process (`self` for this one), in seconds.
pub fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; Linux counts
    // them in USER_HZ, 100 a second.
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

pub fn netra_bin() -> std::path::PathBuf {
    if let Ok(bin) = std::env::var("NETRA_BIN") {
        return bin.into();
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("target"));
    target.join("release/netra")
}

pub fn run_cli(args: &[&str], database_url: &str, stdin: &str) -> Result<()> {
    use std::io::Write;
    let mut child = Command::new(netra_bin())
        .args(args)
        .env("DATABASE_URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("running netra (build it first: cargo build --release -p server)")?;
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes())?;
    }
    ensure!(child.wait()?.success(), "netra {args:?} failed");
    Ok(())
}

pub async fn start_server(database_url: &str) -> Result<Server> {
    start_server_with_site(database_url, "target/site-debug").await
}

/// [`start_server`] serving the site built in `site` (relative to the repository root):
/// `target/site` is the release build of `make run`.
pub async fn start_server_with_site(database_url: &str, site: &str) -> Result<Server> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let root = repo_root();
    let child = Command::new(netra_bin())
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--content-dir")
        .arg(root.join("content"))
        .arg("--site-root")
        .arg(root.join(site))
        // Every simulated attendee comes from 127.0.0.1: the per-address limit would stop them.
        .args(["--identify-per-minute", "10000000"])
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        // Warnings and errors (tracing writes to stdout) show next to the figures.
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting netra serve")?;
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client
            .get(format!("{}/healthz", server.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server did not come up")
}

/// A client that keeps cookies, signed in with `login` and the bench password.
pub async fn signed_in(base: &str, login: &str, password: &str) -> Result<reqwest::Client> {
    let client = crate::app_client()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(300))
        .build()?;
    let res = client
        .post(format!("{base}/api/sign_in"))
        .header(ACCEPT, "application/json")
        .form(&[("login", login), ("password", password)])
        .send()
        .await?;
    ensure!(
        res.status().is_success(),
        "sign in {login}: {}",
        res.status()
    );
    Ok(client)
}

/// Netra's endpoints as a load generator calls them: one method per endpoint, JSON accepted (as
/// the hydrated app asks), each learner's session cookie passed explicitly so that one HTTP
/// client (one connection pool) serves thousands of learners. Every method checks the status.
#[derive(Clone, Copy)]
pub struct Api<'a> {
    pub client: &'a reqwest::Client,
    pub base: &'a str,
}

/// Who a benchmark learner says they are on the identification form.
pub struct Identity<'a> {
    pub nip: &'a str,
    pub name: &'a str,
    pub instansi: &'a str,
    pub unit_kerja: &'a str,
}

impl Api<'_> {
    /// GETs a page (with a learner's cookie, if any) and returns its HTML; anything but 200 is
    /// an error.
    pub async fn page(&self, path: &str, cookie: Option<&str>) -> Result<String> {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            req = req.header(reqwest::header::COOKIE, cookie);
        }
        let res = req.send().await?;
        ensure!(res.status() == 200, "{path}: {}", res.status());
        Ok(res.text().await?)
    }

    /// POSTs a server function (`/api/{endpoint}`); a success or a redirect is accepted.
    pub async fn call<K: AsRef<str>, V: AsRef<str>>(
        &self,
        endpoint: &str,
        cookie: Option<&str>,
        form: &[(K, V)],
    ) -> Result<reqwest::Response> {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        let mut req = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header(ACCEPT, "application/json")
            .form(&pairs);
        if let Some(cookie) = cookie {
            req = req.header(reqwest::header::COOKIE, cookie);
        }
        let res = req.send().await?;
        ensure!(
            res.status().is_success() || res.status().is_redirection(),
            "/api/{endpoint}: {}",
            res.status()
        );
        Ok(res)
    }

    /// Identifies a learner and returns their session cookie (`netra_sesi=...`).
    pub async fn identify(&self, who: &Identity<'_>, next: &str) -> Result<String> {
        let res = self
            .call(
                "identify",
                None,
                &[
                    ("nip", who.nip),
                    ("name", who.name),
                    ("instansi", who.instansi),
                    ("unit_kerja", who.unit_kerja),
                    ("next", next),
                ],
            )
            .await?;
        let cookie = cookie_of(&res, "netra_sesi").context("no session cookie")?;
        res.bytes().await?;
        Ok(cookie)
    }

    /// Identifies through a webinar session page's own form (`POST /w/{code}`), which answers
    /// with the attendee's page; returns the session cookie. Fails unless the page came.
    pub async fn identify_on_page(&self, who: &Identity<'_>, page: &str) -> Result<String> {
        let res = self
            .client
            .post(format!("{}{page}", self.base))
            .header(ACCEPT, "text/html")
            .header(reqwest::header::REFERER, format!("{}{page}", self.base))
            .form(&[
                ("nip", who.nip),
                ("name", who.name),
                ("instansi", who.instansi),
                ("unit_kerja", who.unit_kerja),
                ("next", page),
            ])
            .send()
            .await?;
        ensure!(res.status() == 200, "POST {page}: {}", res.status());
        let cookie = cookie_of(&res, "netra_sesi").context("no session cookie")?;
        let html = res.text().await?;
        ensure!(
            html.contains(who.name),
            "POST {page} answered without the attendee's page"
        );
        Ok(cookie)
    }

    /// Submits an attempt whose page is `html`, choosing the first offered option of every
    /// question.
    pub async fn submit_first_options(
        &self,
        attempt_id: &str,
        html: &str,
        cookie: &str,
    ) -> Result<()> {
        let mut form: Vec<(String, String)> = vec![("attempt_id".into(), attempt_id.to_string())];
        for (qid, offered) in crate::drawn_questions(html) {
            if let Some(first) = offered.into_iter().next() {
                form.push((format!("answers[{qid}][]"), first));
            }
        }
        ensure!(form.len() > 1, "no questions on the page");
        self.call("submit_attempt", Some(cookie), &form)
            .await?
            .bytes()
            .await?;
        Ok(())
    }
}

/// The `name=value` part of a `Set-Cookie` the response carries for `name`.
pub fn cookie_of(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

/// The bench host's password (`host@bench.test`, created with `netra user add`).
pub const HOST_PASSWORD: &str = "kuda-laut-berenang-7";

/// Migrates a fresh bench database and adds the bench host, with the `netra` command line.
pub fn prepare_with_host(database_url: &str) -> Result<()> {
    run_cli(&["migrate"], database_url, "")?;
    run_cli(
        &[
            "user",
            "add",
            "--role",
            "host",
            "--email",
            "host@bench.test",
        ],
        database_url,
        &format!("{HOST_PASSWORD}\n"),
    )
}

/// Signs in the bench host on `client`, creates a webinar session that issues certificates and
/// whose post-test is open; returns its id and join code.
pub async fn host_session(client: &reqwest::Client, base: &str) -> Result<(i64, String)> {
    let api = Api { client, base };
    api.call(
        "sign_in",
        None,
        &[("login", "host@bench.test"), ("password", HOST_PASSWORD)],
    )
    .await?;
    api.call(
        "create_webinar",
        None,
        &[
            ("title", "Webinar nasional netralitas ASN"),
            ("organiser", "BKN"),
            ("starts_at", "2026-11-25T09:00"),
            ("time_zone", "WIB"),
            ("post_module", "posttest-netralitas"),
            ("jp", "2"),
            ("min_post_score", "0"),
            ("issues_certificates", "1"),
        ],
    )
    .await?;
    let no_fields: &[(&str, &str)] = &[];
    let home: serde_json::Value = api.call("host_home", None, no_fields).await?.json().await?;
    let session = &home["sessions"][0];
    let session_id = session["id"].as_i64().context("session id")?;
    let id = session_id.to_string();
    let code = session["code"].as_str().context("join code")?.to_string();
    api.call(
        "webinar_window",
        None,
        &[("id", id.as_str()), ("stage", "post-test"), ("open", "1")],
    )
    .await?;
    Ok((session_id, code))
}
