//! The JSON types of the server's HTTP API that the field app also uses:
//! enrolment, login, and the role that decides what a device may hold.
//! Like the sync types, each is a compatibility promise.

use crate::domain::{DeviceId, MunicipalityId};
use serde::{Deserialize, Serialize};

/// What a person or device may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Prepares campaigns, enrols devices, sees everything of the
    /// municipality.
    Coordinator,
    /// Mobilisation officer or local development agent: canvasses.
    Agent,
    /// Youth ambassador of the participatory budget: never holds residents'
    /// personal data.
    YouthAmbassador,
    /// Elected official: reads, never writes, no personal data.
    ElectedOfficial,
    /// The municipality's data protection officer: an office account that
    /// reads the requests register, the journal and the records of
    /// processing; never a phone, never a resident's data.
    DataProtectionOfficer,
}

impl Role {
    /// Whether this role may only read.
    pub fn is_read_only(self) -> bool {
        matches!(self, Role::ElectedOfficial | Role::DataProtectionOfficer)
    }

    /// The name stored in databases.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Agent => "agent",
            Role::YouthAmbassador => "youth_ambassador",
            Role::ElectedOfficial => "elected_official",
            Role::DataProtectionOfficer => "dpo",
        }
    }

    /// Reads a stored role name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "coordinator" => Role::Coordinator,
            "agent" => Role::Agent,
            "youth_ambassador" => Role::YouthAmbassador,
            "elected_official" => Role::ElectedOfficial,
            "dpo" => Role::DataProtectionOfficer,
            _ => return None,
        })
    }
}

/// A device redeeming its one-time code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolRequest {
    /// The code shown at the office.
    pub code: String,
    /// A name to tell the device apart in the office's list.
    pub device_name: String,
}

/// What an enrolled device keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolResponse {
    /// The device's id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub device_id: DeviceId,
    /// Its secret token, shown once; sent as `Authorization: Bearer`.
    pub token: String,
    /// The municipality it belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub municipality_id: MunicipalityId,
    /// The municipality's name.
    pub municipality_name: String,
    /// What it may do.
    pub role: Role,
}

/// An office login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// Account e-mail.
    pub email: String,
    /// Password.
    pub password: String,
}

/// An office session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Session token, sent as `Authorization: Bearer`.
    pub token: String,
    /// The account's role.
    pub role: Role,
    /// The municipality.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub municipality_id: MunicipalityId,
}

/// A coordinator asking for a new enrolment code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewEnrolmentCode {
    /// The role the enrolled device will have.
    pub role: Role,
    /// Whether a field phone enrolled with it receives the whole town
    /// while no sector names it (otherwise it receives no building until
    /// one does). Older clients do not send it: no.
    #[serde(default)]
    pub whole_town: bool,
}

/// A one-time enrolment code, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentCode {
    /// The code to type on the device.
    pub code: String,
    /// When it stops working (Unix ms).
    pub expires_at: i64,
    /// The role the enrolled device will have.
    pub role: Role,
}

/// An enrolled device, as the office lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceInfo {
    /// Its id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub device_id: DeviceId,
    /// The name given at enrolment.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// When it enrolled (Unix ms).
    pub enrolled_at: i64,
    /// Its last sync (Unix ms).
    pub last_sync_at: Option<i64>,
    /// Unsynced documents it reported at its last sync.
    pub unsynced: Option<u32>,
    /// Whether its token was revoked.
    pub revoked: bool,
    /// Whether, while no sector names it, it receives the whole town
    /// (otherwise no building): the office's explicit choice.
    #[serde(default)]
    pub whole_town: bool,
}
