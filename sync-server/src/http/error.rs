//! The one error type of the HTTP API. Every error leaves as a JSON
//! [`ErrorBody`] with a stable code; a 500 is logged and never explained to
//! the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared::protocol::ErrorBody;

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body could not be read as what the endpoint takes.
    #[error("{0}")]
    InvalidBody(String),
    /// 401: no credentials, or unknown, expired or revoked ones.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403: the credentials do not allow this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 404: no such thing in this municipality.
    #[error("{0}")]
    NotFound(&'static str),
    /// 409: the enrolment code was already used.
    #[error("this enrolment code was already used")]
    CodeUsed,
    /// 410: the enrolment code expired.
    #[error("this enrolment code has expired; ask the office for a new one")]
    CodeExpired,
    /// 410: this device was withdrawn by the office; it wipes what it
    /// holds.
    #[error("this device was withdrawn by the office; wipe what it holds")]
    Revoked,
    /// 426: the device speaks an older sync protocol; it keeps what it
    /// holds and syncs once its app is updated.
    #[error("this app speaks sync protocol {0}; the server speaks {v}: reload the app to update it, nothing it holds is lost", v = shared::protocol::PROTOCOL_VERSION)]
    UpdateRequired(u16),
    /// 413: the body is over the size limit.
    #[error("the body is larger than the {0} bytes this endpoint accepts")]
    TooLarge(usize),
    /// 415: the body is not of the content type the endpoint takes.
    #[error("expected content type {0}")]
    UnsupportedMediaType(&'static str),
    /// 429: too many attempts; try again after the given time.
    #[error("too many attempts; try again in {} seconds", .0.seconds())]
    TooManyAttempts(crate::http::throttle::RetryAfter),
    /// 503: the server is too busy to take this now; the client tries
    /// again after a short wait (Retry-After).
    #[error("the server is busy; try again in a few seconds")]
    Busy,
    /// 500: a fault of ours, logged.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::InvalidBody(_) => (StatusCode::BAD_REQUEST, "invalid_body"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::CodeUsed => (StatusCode::CONFLICT, "code_used"),
            ApiError::CodeExpired => (StatusCode::GONE, "code_expired"),
            ApiError::Revoked => (StatusCode::GONE, shared::protocol::DEVICE_REVOKED),
            ApiError::UpdateRequired(_) => (
                StatusCode::UPGRADE_REQUIRED,
                shared::protocol::UPDATE_REQUIRED,
            ),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::TooManyAttempts(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            ApiError::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(error) = &self {
            tracing::error!(error = format!("{error:#}"), "request failed");
        }
        let body = ErrorBody {
            error: code.to_string(),
            message: self.to_string(),
        };
        let mut response = (status, Json(body)).into_response();
        let retry_after = match &self {
            ApiError::TooManyAttempts(wait) => Some(wait.seconds()),
            ApiError::Busy => Some(BUSY_RETRY_SECS),
            _ => None,
        };
        if let Some(seconds) = retry_after
            && let Ok(value) = axum::http::HeaderValue::from_str(&seconds.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}

/// How long a client is asked to wait after a 503.
const BUSY_RETRY_SECS: u64 = 2;

/// Whether a store error only means "too many at once, come back": no
/// connection free in time, SQLite still locked after its busy timeout,
/// or a PostgreSQL lock wait or serialisation conflict. The phone is told
/// 503 with `Retry-After`, not 500: nothing is wrong with what it sent.
fn is_contention(error: &shared::store::StoreError) -> bool {
    use postgres::error::SqlState;
    use shared::store::StoreError;
    match error {
        StoreError::Busy => true,
        StoreError::Sql(e) => matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        ),
        StoreError::Backend(e) => e
            .downcast_ref::<postgres::Error>()
            .and_then(postgres::Error::code)
            .is_some_and(|code| {
                [
                    SqlState::T_R_SERIALIZATION_FAILURE,
                    SqlState::T_R_DEADLOCK_DETECTED,
                    SqlState::LOCK_NOT_AVAILABLE,
                ]
                .contains(code)
            }),
        _ => false,
    }
}

impl From<shared::store::StoreError> for ApiError {
    fn from(error: shared::store::StoreError) -> Self {
        if is_contention(&error) {
            tracing::warn!(%error, "store busy: the client is asked to come back");
            return ApiError::Busy;
        }
        ApiError::Internal(error.into())
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> Self {
        ApiError::Internal(error.into())
    }
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        use axum::extract::rejection::JsonRejection as R;
        match rejection {
            R::MissingJsonContentType(_) => ApiError::UnsupportedMediaType("application/json"),
            R::BytesRejection(_) => ApiError::InvalidBody("the body could not be read".into()),
            other => ApiError::InvalidBody(other.body_text()),
        }
    }
}

/// Unknown paths get a JSON 404 too.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such endpoint")
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::store::StoreError;

    #[test]
    fn a_store_still_locked_after_its_timeout_asks_the_phone_to_come_back() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert!(matches!(
            ApiError::from(StoreError::Sql(busy)),
            ApiError::Busy
        ));
        assert!(matches!(ApiError::from(StoreError::Busy), ApiError::Busy));
        // A real fault stays one.
        let corrupt = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            None,
        );
        assert!(matches!(
            ApiError::from(StoreError::Sql(corrupt)),
            ApiError::Internal(_)
        ));
    }
}
