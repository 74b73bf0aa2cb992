//! The `netra` binary as an operator uses it: content checks, refusing bad content, migrations,
//! and a graceful stop on SIGTERM that lets an in-flight request finish.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NETRA: &str = env!("CARGO_BIN_EXE_netra");

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "netra-cli-{name}-{}-{}",
        std::process::id(),
        rand_suffix()
    ))
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

fn bad_content() -> PathBuf {
    let dir = temp_path("content");
    std::fs::create_dir_all(dir.join("m/lessons")).expect("temp dir");
    std::fs::write(dir.join("m/module.toml"), "slug = \"m\"\ntitle = \"M\"\nsummary = \"s\"\nversion = \"1\"\nestimated_minutes = 1\njp = 1\npassing_score = 150\nquestions_per_attempt = 1\n").expect("write");
    std::fs::write(
        dir.join("m/lessons/01-a.md"),
        "+++\ntitle = \"A\"\n+++\nIsi.\n",
    )
    .expect("write");
    std::fs::write(dir.join("m/questions.toml"), "[[question]]\nid = \"q\"\ntype = \"single\"\nstem = \"?\"\noptions = [{ key = \"a\", text = \"x\" }, { key = \"b\", text = \"y\" }]\nexplanation = \"e\"\nlegal_basis = [{ regulation = \"R\" }]\n").expect("write");
    dir
}

#[test]
fn check_content_prints_a_summary_for_the_shipped_curriculum() {
    let out = Command::new(NETRA)
        .arg("check-content")
        .arg(content_dir())
        .output()
        .expect("run netra");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "exit {:?}: {stdout}", out.status);
    let catalog =
        app::ssr::content::load_catalog(&content_dir()).expect("shipped content is valid");
    let totals = format!(
        "OK: {} modules, {} lessons, {} questions, {} catalogued violations",
        catalog.modules().len(),
        catalog.lesson_count(),
        catalog.question_count(),
        catalog.violations().len()
    );
    assert!(stdout.contains(&totals), "expected `{totals}` in {stdout}");
    for m in catalog.modules() {
        assert!(
            stdout.contains(&format!("{}\tv{}", m.slug, m.version)),
            "{} missing: {stdout}",
            m.slug
        );
    }
}

#[test]
fn coverage_lists_what_teaches_each_catalogue_entry() {
    let out = Command::new(NETRA)
        .arg("coverage")
        .arg(content_dir())
        .output()
        .expect("run netra");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}: {stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("status-anggota-partai  (Menjadi anggota atau pengurus partai politik)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("dasar-netralitas-asn/partai-ptdh"),
        "question reference missing: {stdout}"
    );
    assert!(stdout.contains("OK: all"), "{stdout}");
}

#[test]
fn coverage_fails_when_an_entry_is_practised_by_no_question() {
    let dir = bad_content();
    std::fs::write(dir.join("m/module.toml"), "slug = \"m\"\ntitle = \"M\"\nsummary = \"s\"\nversion = \"1\"\nestimated_minutes = 1\njp = 1\npassing_score = 80\nquestions_per_attempt = 1\n").expect("write");
    std::fs::write(dir.join("m/questions.toml"), "[[question]]\nid = \"q\"\ntype = \"true_false\"\nstem = \"?\"\nanswer = true\nexplanation = \"e\"\nlegal_basis = [{ regulation = \"R\" }]\n").expect("write");
    std::fs::write(dir.join("pelanggaran.toml"), "[[violation]]\nid = \"v\"\nname = \"N\"\ndescription = \"D\"\ncategory = \"etik\"\nsanction = \"moral\"\nelection = \"keduanya\"\nlegal_basis = [{ regulation = \"R\", article = \"A\" }]\n").expect("write");
    let out = Command::new(NETRA)
        .arg("coverage")
        .arg(&dir)
        .output()
        .expect("run netra");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("1 catalogue entr(ies) practised by no question: v"),
        "{stderr}"
    );
}

#[test]
fn check_content_fails_with_file_and_line() {
    let dir = bad_content();
    let out = Command::new(NETRA)
        .arg("check-content")
        .arg(&dir)
        .output()
        .expect("run netra");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("m/module.toml:7: passing_score is a percentage"),
        "{stderr}"
    );
    assert!(
        stderr.contains("m/questions.toml:2: question `q` has no correct option"),
        "{stderr}"
    );
}

#[test]
fn serve_refuses_to_start_on_invalid_content() {
    let dir = bad_content();
    let db = temp_path("refuse.db");
    let out = Command::new(NETRA)
        .args(["serve", "--addr", "127.0.0.1:0", "--content-dir"])
        .arg(&dir)
        .arg("--database-url")
        .arg(format!("sqlite://{}?mode=rwc", db.display()))
        .output()
        .expect("run netra");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!out.status.success(), "it started on invalid content");
    assert!(stderr.contains("module.toml:7"), "{stderr}");
    assert!(
        !db.exists(),
        "no database should be created before content is valid"
    );
}

#[test]
fn migrate_reports_status_and_goes_down_and_up() {
    let db = temp_path("migrate.db");
    let url = format!("sqlite://{}?mode=rwc", db.display());
    let run = |action: &str| {
        let out = Command::new(NETRA)
            .args(["migrate", action, "--database-url", &url])
            .output()
            .expect("run netra");
        assert!(
            out.status.success(),
            "migrate {action}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let all = |out: String, status: &str| {
        out.lines().count() >= 2 && out.lines().all(|l| l.starts_with(status))
    };
    assert!(all(run("status"), "Pending"));
    assert!(all(run("up"), "Applied"));
    // Down reverts only the newest migration.
    let down = run("down");
    assert!(
        down.lines()
            .next()
            .is_some_and(|l| l.starts_with("Applied")),
        "{down}"
    );
    assert!(
        down.lines()
            .last()
            .is_some_and(|l| l.starts_with("Pending")),
        "{down}"
    );
    assert!(all(run("up"), "Applied"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

#[test]
fn sigterm_stops_the_server_after_in_flight_requests() {
    let port = free_port();
    let db = temp_path("serve.db");
    let mut child = Command::new(NETRA)
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--content-dir",
        ])
        .arg(content_dir())
        .arg("--database-url")
        .arg(format!("sqlite://{}?mode=rwc", db.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn netra");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => panic!("server did not start: {e}"),
        }
    };
    // Send half a request, stop the server, then finish it: the request must still be answered.
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .expect("write");
    std::thread::sleep(Duration::from_millis(200));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(200));
    stream
        .write_all(b"Connection: close\r\n\r\n")
        .expect("finish request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "in-flight request answered: {response}"
    );
    let stop = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < stop, "server did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
    // New connections are refused once it has stopped.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

#[test]
fn questions_export_then_import_gives_a_bank_that_loads() {
    let dir = temp_path("interop");
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (format, file) in [("gift", "bank.gift"), ("moodle-xml", "bank.xml")] {
        let exported = dir.join(file);
        let out = Command::new(NETRA)
            .args([
                "questions",
                "export",
                "dasar-netralitas-asn",
                "--format",
                format,
                "--out",
            ])
            .arg(&exported)
            .arg("--content-dir")
            .arg(content_dir())
            .output()
            .expect("run netra");
        assert!(
            out.status.success(),
            "export {format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );

        // Import into a fresh module folder, then the whole folder must pass check-content.
        let content = dir.join(format!("content-{format}"));
        std::fs::create_dir_all(content.join("m/lessons")).expect("module dir");
        std::fs::write(content.join("m/module.toml"), "slug = \"m\"\ntitle = \"M\"\nsummary = \"s\"\nversion = \"1\"\nestimated_minutes = 1\njp = 1\npassing_score = 80\nquestions_per_attempt = 5\n").expect("write");
        std::fs::write(
            content.join("m/lessons/01-a.md"),
            "+++\ntitle = \"A\"\n+++\nIsi.\n",
        )
        .expect("write");
        // The questions keep their catalogue links, so the catalogue comes along.
        std::fs::copy(
            content_dir().join("pelanggaran.toml"),
            content.join("pelanggaran.toml"),
        )
        .expect("copy catalogue");
        let out = Command::new(NETRA)
            .args(["questions", "import"])
            .arg(&exported)
            .arg("--into")
            .arg(content.join("m/questions.toml"))
            .output()
            .expect("run netra");
        let report = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "import {format}: {report}");
        assert!(report.contains("0 dilewati"), "{report}");
        let out = Command::new(NETRA)
            .arg("check-content")
            .arg(&content)
            .output()
            .expect("run netra");
        assert!(
            out.status.success(),
            "imported {format} bank invalid: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn questions_import_reports_skips_and_malformed_input() {
    let dir = temp_path("gift");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("kuis.gift");
    std::fs::write(
        &file,
        "::Satu::Boleh?{=Tidak ~Ya}\n\n::Esai::Pendapat Anda?{}\n",
    )
    .expect("write");
    let out = Command::new(NETRA)
        .args(["questions", "import", "--dry-run"])
        .arg(&file)
        .output()
        .expect("run netra");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("id = \"satu\"") && stdout.contains("correct = true"),
        "{stdout}"
    );
    assert!(
        stderr.contains("baris 3: dilewati (Esai): esai"),
        "{stderr}"
    );
    assert!(stderr.contains("1 diimpor, 1 dilewati"), "{stderr}");

    std::fs::write(&file, "Soal?{=a ~b\n").expect("write");
    let out = Command::new(NETRA)
        .args(["questions", "import", "--dry-run"])
        .arg(&file)
        .output()
        .expect("run netra");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("kuis.gift:1:6: `{` tanpa pasangan `}`"),
        "{stderr}"
    );
}

#[test]
fn user_add_creates_the_first_admin_from_a_password_on_stdin() {
    let db = temp_path("users.db");
    let url = format!("sqlite://{}?mode=rwc", db.display());
    let add = |email: &str, password: &str| {
        let mut child = Command::new(NETRA)
            .args([
                "user",
                "add",
                "--role",
                "admin",
                "--email",
                email,
                "--database-url",
                &url,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run netra");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = writeln!(stdin, "{password}");
        }
        child.wait_with_output().expect("netra output")
    };
    let out = add("Admin@BKPSDM.example.go.id", "kuda-laut-berenang-7");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("created admin `admin@bkpsdm.example.go.id`")
    );
    let weak = add("kedua@example.go.id", "password1234");
    assert_eq!(weak.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&weak.stderr).contains("terlalu umum"),
        "{}",
        String::from_utf8_lossy(&weak.stderr)
    );
    let again = add("admin@bkpsdm.example.go.id", "kuda-laut-berenang-8");
    assert_eq!(again.status.code(), Some(1), "the same login twice");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

#[test]
fn every_setting_is_a_flag_listed_by_help_with_its_environment_variable() {
    use clap::CommandFactory;
    let help = server::cli::Cli::command().render_long_help().to_string();
    for (flag, env) in [
        ("--sqlite-synchronous", "NETRA_SQLITE_SYNCHRONOUS"),
        ("--metrics-token", "NETRA_METRICS_TOKEN"),
        ("--log-format", "NETRA_LOG_FORMAT"),
        ("--trusted-proxy", "NETRA_TRUSTED_PROXIES"),
        ("--public-url", "NETRA_PUBLIC_URL"),
        ("--database-url", "DATABASE_URL"),
    ] {
        assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
        assert!(help.contains(env), "{env} missing from --help:\n{help}");
    }
}

#[test]
fn settings_are_parsed_and_a_wrong_durability_level_is_refused() {
    use clap::Parser;
    use server::cli::{Cli, LogFormat};
    let cli = Cli::try_parse_from([
        "netra",
        "--sqlite-synchronous",
        "normal",
        "--metrics-token",
        "s3cret",
        "--log-format",
        "json",
        "--trusted-proxy",
        "127.0.0.1/32,10.0.0.0/8",
    ])
    .expect("valid flags");
    assert_eq!(
        cli.serve.db.sqlite_synchronous,
        app::ssr::db::SqliteSynchronous::Normal
    );
    assert_eq!(cli.serve.metrics_token.as_deref(), Some("s3cret"));
    assert_eq!(cli.log_format, LogFormat::Json);
    assert_eq!(cli.serve.trusted_proxies.len(), 2);
    assert!(Cli::try_parse_from(["netra", "--trusted-proxy", "not-a-network"]).is_err());
    let err = Cli::try_parse_from(["netra", "--sqlite-synchronous", "sometimes"])
        .expect_err("unknown level");
    assert!(err
        .to_string()
        .contains("expected full, extra, normal or off"));
}
