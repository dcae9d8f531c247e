//! Random secrets and how they are kept: tokens and enrolment codes are
//! stored only as SHA-256 hashes (they are random, so a fast hash is
//! enough), passwords as argon2 hashes (people choose them, so a slow,
//! salted hash is needed).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// Characters of enrolment codes: no 0/O or 1/I/L to misread in a stairwell.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Length of an enrolment code: 31^10 ≈ 8·10^14 possibilities.
const CODE_LENGTH: usize = 10;

/// The system's random generator failed.
#[derive(Debug, thiserror::Error)]
#[error("no randomness available")]
pub struct NoRandomness;

fn random_bytes<const N: usize>() -> Result<[u8; N], NoRandomness> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| NoRandomness)?;
    Ok(bytes)
}

/// A new bearer token: 256 random bits, hex, with a prefix telling devices
/// from office sessions.
pub fn new_token(prefix: &str) -> Result<String, NoRandomness> {
    Ok(format!("{prefix}_{}", hex::encode(random_bytes::<32>()?)))
}

/// A new enrolment code, easy to type.
pub fn new_enrolment_code() -> Result<String, NoRandomness> {
    let bytes = random_bytes::<CODE_LENGTH>()?;
    // 256 is not a multiple of 31: the slight bias costs under a bit of
    // entropy over the whole code and codes expire within a day.
    Ok(bytes
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
        .collect())
}

/// Normalises a code as typed: case and separators do not matter.
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// How a token or code is stored.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Hashes a password for storage.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::encode_b64(
        &random_bytes::<16>().map_err(|_| argon2::password_hash::Error::Crypto)?,
    )?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches a stored hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typable_and_typing_is_forgiving() {
        let code = new_enrolment_code().expect("code");
        assert_eq!(code.len(), CODE_LENGTH);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        let typed = format!(" {}-{} ", &code[..5].to_lowercase(), &code[5..]);
        assert_eq!(normalise_code(&typed), code);
    }

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let stored = hash_password("correct horse").expect("hash");
        assert!(verify_password("correct horse", &stored));
        assert!(!verify_password("wrong horse", &stored));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}
