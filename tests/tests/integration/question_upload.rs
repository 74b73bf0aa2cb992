//! The host's question-bank converter (`/host/impor-soal` posting to `/api/convert_bank`):
//! the per-question report, the TOML it produces, and every kind of bad upload.

use crate::accounts::{sign_in, world};
use anyhow::{ensure, Context, Result};
use app::model::bank::BankConversion;
use tests::{Backend, Browser, TestApp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BANK: &str = "\u{feff}// Bank latihan
$CATEGORY: $course$/netralitas/media-sosial

::bagikan-kampanye::Membagikan ulang unggahan kampanye peserta pemilu termasuk pelanggaran.{T
####Dasar hukum: Contoh Regulasi 1/2020 — Pasal 3}

::esai-pendapat::Jelaskan pendapat Anda tentang netralitas.{}

::pengawas::Siapa yang menjadi pengawas dalam contoh ini?{=Badan A#benar ~Badan B#keliru ~Badan C}
";

async fn host(app: &TestApp) -> Result<Browser> {
    world(app).await?;
    let host = app.browser()?;
    sign_in(&host, "host@netra.test").await?;
    Ok(host)
}

async fn message(res: reqwest::Response) -> Result<String> {
    Ok(res.text().await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converts_a_bank_and_reports_every_question() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let host = host(&app).await?;

    let res = host
        .upload(
            "/api/convert_bank",
            ("latihan.gift", BANK.as_bytes()),
            &[("format", "auto")],
        )
        .await?;
    ensure!(res.status() == 200, "upload: {}", res.status());
    let c: BankConversion = res.json().await?;
    ensure!(c.format == "GIFT", "format {}", c.format);
    ensure!(
        (c.imported, c.skipped, c.lines.len()) == (2, 1, 3),
        "{c:#?}"
    );
    let essay = &c.lines[1];
    ensure!(
        essay.id.is_none() && essay.name.contains("esai") && essay.place.starts_with("baris"),
        "the essay is skipped with its name and line: {essay:?}"
    );
    ensure!(!essay.notes.is_empty(), "a skip says why: {essay:?}");
    let tf = &c.lines[0];
    ensure!(
        tf.id.is_some() && tf.notes.iter().any(|n| n.contains("penjelasan")),
        "a question with only a legal basis is flagged for its missing explanation: {tf:?}"
    );
    let choice = &c.lines[2];
    ensure!(
        choice.notes.iter().any(|n| n.contains("dasar hukum")),
        "a question without a legal basis is flagged: {choice:?}"
    );
    // The TOML is a valid bank holding the two questions, with the category as topic.
    let bank: toml::Value = toml::from_str(&c.toml).context("the produced TOML parses")?;
    let questions = bank
        .get("question")
        .and_then(|q| q.as_array())
        .context("[[question]] tables")?;
    ensure!(questions.len() == 2, "{}", c.toml);
    ensure!(
        questions[0].get("answer").and_then(|a| a.as_bool()) == Some(true),
        "{}",
        c.toml
    );
    ensure!(
        c.toml.contains("Contoh Regulasi 1/2020") && c.toml.contains("media-sosial"),
        "{}",
        c.toml
    );
    ensure!(
        c.download_href().starts_with("data:application/toml"),
        "download link"
    );

    // Pasted text instead of a file, with the format chosen explicitly.
    let res = host
        .upload(
            "/api/convert_bank",
            ("", b""),
            &[("format", "gift"), ("text", BANK)],
        )
        .await?;
    ensure!(res.status() == 200, "pasted: {}", res.status());
    let pasted: BankConversion = res.json().await?;
    ensure!(pasted.imported == 2, "{pasted:?}");

    // A bank larger than the general body limit (256 KB) is accepted by this endpoint.
    let mut big = String::new();
    for i in 0..3000 {
        big.push_str(&format!(
            "::q{i}:: Pernyataan latihan nomor {i} yang cukup panjang untuk mengisi berkas ini dengan teks. {{T}}\n\n"
        ));
    }
    ensure!(
        big.len() > 256 * 1024,
        "the big bank is {} bytes",
        big.len()
    );
    let res = host
        .upload("/api/convert_bank", ("besar.gift", big.as_bytes()), &[])
        .await?;
    ensure!(res.status() == 200, "big bank: {}", res.status());
    let large: BankConversion = res.json().await?;
    ensure!(large.imported == 3000, "{} imported", large.imported);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_uploads_get_clear_messages() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let host = host(&app).await?;

    let res = host
        .upload(
            "/api/convert_bank",
            (
                "bank.xml",
                b"<?xml version=\"1.0\"?>\n<quiz>\n  <question type=\"multichoice\">\n",
            ),
            &[],
        )
        .await?;
    ensure!(res.status() == 422, "malformed XML: {}", res.status());
    let text = message(res).await?;
    ensure!(text.contains("baris") && text.contains("kolom"), "{text}");

    let res = host
        .upload(
            "/api/convert_bank",
            ("bank.gift", &[0xff, 0xfe, 0x41, 0x00, 0xc3]),
            &[],
        )
        .await?;
    ensure!(res.status() == 422, "not UTF-8: {}", res.status());
    ensure!(message(res).await?.contains("UTF-8"), "names the encoding");

    let res = host.upload("/api/convert_bank", ("", b""), &[]).await?;
    ensure!(res.status() == 422, "nothing uploaded: {}", res.status());
    ensure!(
        message(res).await?.contains("Pilih berkas"),
        "asks for a file"
    );

    // A form post that is not multipart is refused before the decoder sees it.
    let res = host.call("/api/convert_bank", &[("text", "x")]).await?;
    ensure!(res.status() == 415, "urlencoded: {}", res.status());

    // Over the upload limit: refused on the declared length, before any of the body is read
    // (sent by hand: a client still streaming 16 MB would see the early answer as a reset).
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await?;
    stream
        .write_all(
            format!(
                "POST /api/convert_bank HTTP/1.1\r\nHost: {addr}\r\n\
                 Content-Type: multipart/form-data; boundary=x\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                app::ssr::http::UPLOAD_BODY_LIMIT + 1
            )
            .as_bytes(),
        )
        .await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer);
    ensure!(
        answer.starts_with("HTTP/1.1 413"),
        "over the limit: {answer}"
    );

    // The server still answers normally afterwards.
    let res = host
        .upload("/api/convert_bank", ("ok.gift", b"::ok:: Benar? {T}"), &[])
        .await?;
    ensure!(res.status() == 200, "afterwards: {}", res.status());
    Ok(())
}
