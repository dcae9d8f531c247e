//! Talking to the server over HTTP: JSON for enrolment, postcard bodies
//! for sync rounds. Every non-2xx answer is read as the server's JSON error.

use shared::protocol::{ErrorBody, SYNC_CONTENT_TYPE, SyncRequest, SyncResponse, WireError};

/// A call to the server failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// No answer: no network, server down, connection dropped.
    #[error("the server could not be reached")]
    Unreachable(#[source] reqwest::Error),
    /// The server answered with an error.
    #[error("the server refused: {} ({status})", body.message)]
    Refused {
        /// HTTP status.
        status: u16,
        /// Its explanation.
        body: ErrorBody,
    },
    /// The answer could not be read.
    #[error("the server's answer was unreadable")]
    Wire(#[from] WireError),
    /// The answer was not the JSON expected.
    #[error("the server's answer was unreadable")]
    Json(#[source] reqwest::Error),
    /// The answer's body was not what was asked for, or too large.
    #[error("the server's answer was unreadable")]
    Unexpected,
}

/// A server, as seen from a device.
#[derive(Clone, Debug)]
pub struct Server {
    base_url: String,
    http: reqwest::Client,
}

impl Server {
    /// A server at `base_url` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// Where the server is.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// GETs JSON with a bearer token, read only if its body is at most
    /// `max_bytes` (a wrong or hostile server cannot fill the phone).
    pub async fn get_json<R: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        bearer: &str,
        max_bytes: usize,
    ) -> Result<R, HttpError> {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(bearer)
            .send()
            .await
            .map_err(HttpError::Unreachable)?;
        if !response.status().is_success() {
            return Err(Self::refused(response).await);
        }
        if response
            .content_length()
            .is_some_and(|n| n > max_bytes as u64)
        {
            return Err(HttpError::Unexpected);
        }
        let bytes = response.bytes().await.map_err(HttpError::Unreachable)?;
        if bytes.len() > max_bytes {
            return Err(HttpError::Unexpected);
        }
        serde_json::from_slice(&bytes).map_err(|_| HttpError::Unexpected)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    async fn refused(response: reqwest::Response) -> HttpError {
        let status = response.status().as_u16();
        let body = response.json::<ErrorBody>().await.unwrap_or(ErrorBody {
            error: "unknown".into(),
            message: format!("HTTP {status}"),
        });
        HttpError::Refused { status, body }
    }

    /// POSTs JSON and reads JSON back.
    pub async fn post_json<B: serde::Serialize, R: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: &B,
    ) -> Result<R, HttpError> {
        let mut request = self.http.post(self.url(path)).json(body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(HttpError::Unreachable)?;
        if !response.status().is_success() {
            return Err(Self::refused(response).await);
        }
        response.json().await.map_err(HttpError::Json)
    }

    /// One sync round trip; also returns the bytes sent and received.
    pub async fn sync_round(
        &self,
        token: &str,
        request: &SyncRequest,
    ) -> Result<(SyncResponse, usize, usize), HttpError> {
        let body = request.encode()?;
        let sent = body.len();
        let response = self
            .http
            .post(self.url("/api/sync"))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, SYNC_CONTENT_TYPE)
            .body(body)
            .send()
            .await
            .map_err(HttpError::Unreachable)?;
        if !response.status().is_success() {
            return Err(Self::refused(response).await);
        }
        let bytes = response.bytes().await.map_err(HttpError::Unreachable)?;
        Ok((SyncResponse::decode(&bytes)?, sent, bytes.len()))
    }
}
