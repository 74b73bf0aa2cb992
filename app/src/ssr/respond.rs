//! Mapping errors to HTTP: database errors to `AppError`, `AppError` to a status code.

use crate::error::AppError;
use axum::http::{header, request::Parts, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use sea_orm::{sqlx, DbErr, RuntimeErr, SqlErr};

/// Maps a database error deliberately: unreachable database -> 503, not found -> 404,
/// unique violation -> 409, anything else is logged and reported as Internal.
pub fn db_error(err: DbErr) -> AppError {
    match &err {
        _ if is_unavailable(&err) => {
            tracing::warn!(error = %err, "database unavailable");
            AppError::Unavailable
        }
        DbErr::RecordNotFound(_) => AppError::NotFound,
        _ if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            AppError::Conflict("Data yang sama sudah tersimpan.".into())
        }
        _ => {
            tracing::error!(error = %err, "database error");
            AppError::Internal
        }
    }
}

/// True when the database cannot be reached (down, restarting, pool exhausted), as opposed
/// to a query that the database rejected.
pub fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => matches!(
            e.as_ref(),
            sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
        ),
        _ => false,
    }
}

/// Sets the HTTP status for an error and passes it on. A plain HTML form post keeps
/// Leptos's redirect back to the form (the error travels in the URL), so it is left alone.
/// The id the server gave this request (`x-request-id`), when there is one.
pub fn request_id() -> Option<String> {
    use_context::<Parts>().and_then(|parts| {
        parts
            .headers
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })
}

/// The header carrying a request's id, set by the server on the request and the response.
pub const REQUEST_ID: &str = "x-request-id";

pub fn fail(err: AppError) -> AppError {
    // An internal error names the request, so the user's report leads to the log line.
    let err = match err {
        AppError::Internal => request_id().map_or(AppError::Internal, AppError::Incident),
        other => other,
    };
    if let Some(res) = use_context::<ResponseOptions>() {
        let plain_form_post = use_context::<Parts>().is_some_and(|parts| {
            parts.uri.path().starts_with("/api/")
                && parts
                    .headers
                    .get(header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.contains("text/html"))
        });
        if !plain_form_post {
            res.set_status(
                StatusCode::from_u16(err.status_code())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    err
}

/// Convenience: `result.map_err(fail)` for results already in `AppError`.
pub trait OrFail<T> {
    fn or_fail(self) -> Result<T, AppError>;
}

impl<T> OrFail<T> for Result<T, AppError> {
    fn or_fail(self) -> Result<T, AppError> {
        self.map_err(fail)
    }
}

impl<T> OrFail<T> for Result<T, DbErr> {
    fn or_fail(self) -> Result<T, AppError> {
        self.map_err(|e| fail(db_error(e)))
    }
}
