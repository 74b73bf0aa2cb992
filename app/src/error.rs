//! `AppError`: the one error type that crosses the wire between server functions and the UI.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A problem with one form field, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every failure a server function can report. Messages are for end users (Indonesian);
/// internal details are logged on the server and never sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Halaman atau data yang Anda cari tidak ditemukan.")]
    NotFound,
    #[error("Silakan isi identitas Anda atau masuk terlebih dahulu.")]
    Unauthorized,
    #[error("Anda tidak memiliki akses ke data ini.")]
    Forbidden,
    #[error("Periksa kembali isian Anda.")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("Terlalu banyak percobaan. Tunggu {0} detik lalu coba lagi.")]
    TooManyRequests(u64),
    #[error(
        "Layanan sedang tidak dapat menjangkau basis data. Silakan coba lagi dalam beberapa saat."
    )]
    Unavailable,
    #[error("Terjadi kesalahan pada server. Jawaban yang sudah tersimpan tidak hilang; silakan coba lagi.")]
    Internal,
    /// An internal error with the request's id, so a user's report matches a log line.
    #[error("Terjadi kesalahan pada server. Jawaban yang sudah tersimpan tidak hilang; silakan coba lagi. Bila terus berulang, laporkan kode kejadian {0}.")]
    Incident(String),
    #[error("Gagal menghubungi server. Periksa koneksi internet Anda lalu coba lagi.")]
    Transport(String),
}

impl AppError {
    /// An internal failure whose cause must not reach the browser: the cause is logged with
    /// `context` (what was being done) and the user gets the generic message.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "{context}");
        AppError::Internal
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    /// The message for one field, when this is a validation error about it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// The HTTP status this error stands for.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Invalid(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::Unavailable => 503,
            AppError::Internal | AppError::Incident(_) | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Malformed arguments (a hand-crafted or truncated form post) are the caller's fault.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                let err = AppError::invalid("form", "Data formulir tidak lengkap atau tidak valid. Muat ulang halaman lalu coba lagi.");
                // Answer 422, not Leptos's default 500: the caller sent a bad request.
                #[cfg(feature = "ssr")]
                let err = crate::ssr::respond::fail(err);
                err
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}
