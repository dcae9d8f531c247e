//! Random secrets and how they are kept: tokens and enrolment codes are
//! stored only as SHA-256 hashes (they are random, so a fast hash is
//! enough), passwords as argon2 hashes (people choose them, so a slow,
//! salted hash is needed).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use sha2::{Digest, Sha256};

/// Characters of enrolment codes: no 0/O or 1/I/L to misread in a stairwell.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Length of an enrolment code: 31^10 ≈ 8·10^14 possibilities.
const CODE_LENGTH: usize = 10;

/// The system's random generator failed.
#[derive(Debug, thiserror::Error)]
#[error("no randomness available")]
pub struct NoRandomness;

/// `N` bytes from the system's random generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], NoRandomness> {
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

/// What a login for an unknown account is checked against, so that it costs
/// the same argon2 work as a known one (timing tells nothing): a valid hash
/// with the parameters `hash_password` uses, of no password anyone has.
pub const UNKNOWN_ACCOUNT_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// Hashes a password for storage.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::encode_b64(
        &random_bytes::<16>().map_err(|_| argon2::password_hash::Error::Crypto)?,
    )?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// The largest argon2 memory a stored hash may ask for, in KiB blocks:
/// what `hash_password` uses. A hash asking for more (a tampered database)
/// does not verify.
const MAX_HASH_BLOCKS: usize = 19_456;

thread_local! {
    /// The argon2 working memory of this thread, allocated once and reused.
    static MEMORY: std::cell::RefCell<Vec<argon2::Block>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Whether `password` matches a stored hash.
///
/// The 19 MiB argon2 needs are this thread's, reused for every check:
/// allocated per check, the allocator keeps freed blocks around (measured:
/// ~8 per thread, 157 MiB), and login threads are the ones an attacker
/// drives (`throttle`).
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (hash.hash, hash.salt) else {
        return false;
    };
    let Ok(algorithm) = argon2::Algorithm::try_from(hash.algorithm) else {
        return false;
    };
    let version = hash
        .version
        .map_or(Ok(argon2::Version::default()), argon2::Version::try_from);
    let (Ok(version), Ok(params)) = (version, argon2::Params::try_from(&hash)) else {
        return false;
    };
    let blocks = params.block_count();
    if blocks > MAX_HASH_BLOCKS {
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let hasher = Argon2::new(algorithm, version, params);
    let computed = MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, argon2::Block::new());
        }
        hasher
            .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..])
            .is_ok()
    });
    computed
        && out.len() == expected.len()
        && out
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
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
    fn unknown_accounts_cost_a_full_hash() {
        // Unparseable, it would be refused at once and tell unknown
        // accounts apart by timing.
        let dummy = PasswordHash::new(UNKNOWN_ACCOUNT_HASH).expect("a valid hash");
        let real_hash = hash_password("x").expect("hash");
        let real = PasswordHash::new(&real_hash).expect("parse");
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
        assert!(!verify_password("", UNKNOWN_ACCOUNT_HASH));
    }

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let stored = hash_password("correct horse").expect("hash");
        assert!(verify_password("correct horse", &stored));
        assert!(!verify_password("wrong horse", &stored));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}
