//! One keyed hash (HMAC-SHA-256) for every pseudonym the server makes:
//! attempt counters' keys, sortition pseudonyms. A plain hash of a small
//! set (IPv4 addresses, a neighbourhood's name) is reversed by trying them
//! all; without the key it is not.

use sha2::Sha256;

/// `value` hashed under the secret `key`, as hex.
pub fn keyed_hash(key: &[u8], value: &str) -> String {
    use hmac::{KeyInit, Mac};
    // HMAC takes keys of any length: this cannot fail.
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <hmac::Hmac<Sha256> as KeyInit>::new(&Default::default()));
    mac.update(value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}
