//! Reading an uploaded file from a multipart server-function request, with a size limit and
//! Indonesian messages for what people actually do wrong (no file, a file that is too big).

use crate::error::AppError;
use leptos::server_fn::codec::MultipartData;
use std::collections::HashMap;

/// The largest file accepted by an upload form (the HTTP layer allows a little more for the
/// multipart framing; see `UPLOAD_BODY_LIMIT`).
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Request-body limit for the upload endpoints in [`UPLOAD_PATHS`].
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;
/// The server functions that take files; every other request keeps the small default limit.
pub const UPLOAD_PATHS: &[&str] = &["/api/convert_bank", "/api/preview_roster"];

/// One uploaded file and the form's other (text) fields.
#[derive(Debug, Default)]
pub struct Upload {
    /// The file's name as the browser sent it (may be empty when text was pasted instead).
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub fields: HashMap<String, String>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

/// Reads every part: the part named `file_field` is the file, the others are short text fields.
pub async fn read(data: MultipartData, file_field: &str) -> Result<Upload, AppError> {
    let too_big = || {
        AppError::invalid(
            file_field,
            format!(
                "Berkas terlalu besar: paling besar {} MB.",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
    };
    let unreadable = |e: &dyn std::fmt::Display| {
        tracing::info!("unreadable upload: {e}");
        AppError::invalid(
            file_field,
            "Berkas tidak terbaca utuh. Periksa koneksi Anda lalu unggah lagi.",
        )
    };
    let Some(mut multipart) = data.into_inner() else {
        return Err(AppError::Internal);
    };
    let mut upload = Upload::default();
    while let Some(mut part) = multipart.next_field().await.map_err(|e| unreadable(&e))? {
        let name = part.name().unwrap_or_default().to_string();
        if name == file_field {
            let file_name = part.file_name().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(|e| unreadable(&e))? {
                if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                    return Err(too_big());
                }
                bytes.extend_from_slice(&chunk);
            }
            // An empty file input still sends a part; keep a file that was actually chosen.
            if !bytes.is_empty() || upload.bytes.is_empty() {
                upload.file_name = file_name;
                upload.bytes = bytes;
            }
        } else {
            let mut value = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(|e| unreadable(&e))? {
                if value.len() + chunk.len() > MAX_FILE_BYTES {
                    return Err(too_big());
                }
                value.extend_from_slice(&chunk);
            }
            let value = String::from_utf8(value)
                .map_err(|_| AppError::invalid(&name, "Isian bukan teks UTF-8 yang sah."))?;
            upload.fields.insert(name, value);
        }
    }
    Ok(upload)
}
