//! Enrolment and sync of this device: the network half of the field app.
//!
//! [`sync`] drives `shared::sync::ClientSession` over HTTP. A dropped
//! connection ends the call with an error; what was received is already
//! saved, and the next call resumes from there. A phone the office
//! withdrew is told so at its next contact and wipes what it holds.

use crate::platform::http::{HttpError, Server};
use shared::api::{EnrolRequest, EnrolResponse};
use shared::store::{Store, StoreError};
use shared::sync::{ClientError, ClientSession, Progress, SyncReport};

/// Meta key of the enrolment kept in the store.
const ENROLMENT_KEY: &str = "device.enrolment";

/// Enrolment or sync failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server could not be reached or refused.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The sync engine failed.
    #[error(transparent)]
    Engine(#[from] ClientError),
    /// The local store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// This device is not enrolled.
    #[error("this device is not enrolled yet")]
    NotEnrolled,
    /// The office withdrew this device: what it held was wiped.
    #[error("this device was withdrawn by the office; what it held was wiped")]
    Revoked,
    /// The stored enrolment is unreadable.
    #[error("the stored enrolment is unreadable")]
    Enrolment(#[from] serde_json::Error),
}

/// Bytes on the wire for one sync, for the benchmarks and the sync screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Request bodies.
    pub sent: usize,
    /// Response bodies.
    pub received: usize,
}

/// The enrolment code in a scanned QR code: the bare code, the enrolment
/// route's link (`…/#/enrol/<code>`), or an older link whose `enrol=`
/// parameter holds it.
pub fn code_from_qr(text: &str) -> String {
    let code = if let Some((_, rest)) = text.split_once("/enrol/") {
        rest.split(['/', '?', '&', '#']).next().unwrap_or(rest)
    } else if let Some((_, rest)) = text.split_once("enrol=") {
        rest.split('&').next().unwrap_or(rest)
    } else {
        text
    };
    code.trim().to_string()
}

/// Redeems a one-time code and keeps the device token in the store.
pub async fn enrol(
    store: &mut Store,
    server: &Server,
    code: &str,
    device_name: &str,
) -> Result<EnrolResponse, SyncError> {
    let request = EnrolRequest {
        code: code.to_string(),
        device_name: device_name.to_string(),
    };
    let enrolled: EnrolResponse = server.post_json("/api/enrol", None, &request).await?;
    remember_enrolment(store, &enrolled)?;
    Ok(enrolled)
}

/// Keeps what enrolment gave this device (its token above all) in its
/// store, where every sync reads it.
pub fn remember_enrolment(store: &mut Store, enrolled: &EnrolResponse) -> Result<(), SyncError> {
    store.set_meta(ENROLMENT_KEY, &serde_json::to_vec(enrolled)?)?;
    Ok(())
}

/// This device's enrolment, if any.
pub fn enrolment(store: &Store) -> Result<Option<EnrolResponse>, SyncError> {
    store
        .meta(ENROLMENT_KEY)?
        .map(|bytes| serde_json::from_slice(&bytes).map_err(SyncError::from))
        .transpose()
}

/// Syncs with the server until both sides hold the same documents,
/// reporting progress after each round trip.
pub async fn sync(
    store: &mut Store,
    server: &Server,
    on_progress: &mut dyn FnMut(&Progress),
) -> Result<(SyncReport, Traffic), SyncError> {
    let enrolled = enrolment(store)?.ok_or(SyncError::NotEnrolled)?;
    let token = enrolled.token;
    // The notices first: from the first one handed to it, what this
    // phone records must name one (`shared::policy::NoticeRule`), so it
    // holds them before anything it records next.
    match server
        .get_json::<Vec<shared::domain::Notice>>(
            "/api/notices",
            &token,
            crate::notices::MAX_NOTICES_BYTES,
        )
        .await
    {
        Ok(notices) => crate::notices::keep(
            store,
            &crate::notices::Held {
                public_url: format!("{}/avis/{}", server.base_url(), enrolled.municipality_id.0),
                notices,
            },
            crate::backend::now_ms(),
        )?,
        Err(HttpError::Refused { status: 410, body })
            if body.error == shared::protocol::DEVICE_REVOKED =>
        {
            store.wipe()?;
            return Err(SyncError::Revoked);
        }
        Err(error) => return Err(error.into()),
    }
    let mut session = ClientSession::start(store)?;
    let mut traffic = Traffic::default();
    while let Some(request) = session.next_request(store)? {
        let (response, sent, received) = match server.sync_round(&token, &request).await {
            Err(HttpError::Refused { status: 410, body })
                if body.error == shared::protocol::DEVICE_REVOKED =>
            {
                store.wipe()?;
                return Err(SyncError::Revoked);
            }
            answer => answer?,
        };
        traffic.sent += sent;
        traffic.received += received;
        let progress = session.handle_response(store, response)?;
        on_progress(&progress);
    }
    let report = session.report().cloned().unwrap_or_default();
    Ok((report, traffic))
}

#[cfg(test)]
mod tests {
    use super::code_from_qr;

    #[test]
    fn a_scanned_qr_gives_the_code_whether_bare_or_a_link() {
        assert_eq!(code_from_qr("3TSZWXZRS3"), "3TSZWXZRS3");
        assert_eq!(
            code_from_qr("https://palier.example/#enrol=3TSZWXZRS3"),
            "3TSZWXZRS3"
        );
        assert_eq!(code_from_qr("https://palier.example/?enrol=ABC&x=1"), "ABC");
        assert_eq!(
            code_from_qr("https://palier.example/#/enrol/3TSZWXZRS3"),
            "3TSZWXZRS3"
        );
    }
}
