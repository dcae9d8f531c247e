//! The municipality: the tenant. Everything else belongs to exactly one.

use super::MunicipalityId;

/// A municipality using Palier. Its documents never mix with another's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Municipality {
    /// Its id.
    pub id: MunicipalityId,
    /// Its name, e.g. "Villejuif".
    pub name: String,
}
