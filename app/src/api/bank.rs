//! Converting a GIFT or Moodle XML question bank uploaded by a host, operator or admin into
//! Netra's `questions.toml` format (the same conversion as `netra questions import`).

use crate::error::AppError;
use crate::model::bank::BankConversion;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

/// How long converting one uploaded bank may take.
#[cfg(feature = "ssr")]
const CONVERT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// Multipart fields: `file` (the bank), or `text` (pasted instead), and `format`
/// (`auto` | `gift` | `moodle-xml`).
#[server(client = crate::api::client::Netra, endpoint = "convert_bank", input = MultipartFormData)]
pub async fn convert_bank(data: MultipartData) -> Result<BankConversion, AppError> {
    use crate::ssr::interop::{convert_upload, Format};
    use crate::ssr::{
        accounts::session, http, respond::fail, webinar::sessions::HOST_ROLES, AppState,
    };
    let state = AppState::current()?;
    // Who is asking is settled before a byte of the upload is read.
    session::require(&state, HOST_ROLES).await?;
    let upload = http::read(data, "file").await.map_err(fail)?;
    let format = match upload.field("format") {
        "gift" => Some(Format::Gift),
        "moodle-xml" => Some(Format::MoodleXml),
        _ => None,
    };
    let (name, bytes) = if upload.bytes.is_empty() {
        (
            "teks-tempelan".to_string(),
            upload.field("text").as_bytes().to_vec(),
        )
    } else {
        (upload.file_name.clone(), upload.bytes)
    };
    // Parsing is CPU work: off the async workers, one upload per core at a time, and given up
    // on after a deadline (the request is answered; the work finishes on its own and its result
    // is dropped).
    let work = move || convert_upload(&name, &bytes, format);
    match crate::ssr::cpu::FILES
        .run_until(CONVERT_DEADLINE, work)
        .await
    {
        Ok(Ok(result)) => result.map_err(fail),
        Ok(Err(_timed_out)) => Err(fail(AppError::invalid(
            "file",
            "Berkas terlalu rumit untuk diproses. Pisahkan bank soal menjadi beberapa berkas.",
        ))),
        Err(e) => Err(fail(e)),
    }
}
