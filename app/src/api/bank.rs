//! Converting a GIFT or Moodle XML question bank uploaded by a host, operator or admin into
//! Netra's `questions.toml` format (the same conversion as `netra questions import`).

use crate::error::AppError;
use crate::model::bank::BankConversion;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

/// Multipart fields: `file` (the bank), or `text` (pasted instead), and `format`
/// (`auto` | `gift` | `moodle-xml`).
#[server(endpoint = "convert_bank", input = MultipartFormData)]
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
    let result = if upload.bytes.is_empty() {
        convert_upload("teks-tempelan", upload.field("text").as_bytes(), format)
    } else {
        convert_upload(&upload.file_name, &upload.bytes, format)
    };
    result.map_err(fail)
}
