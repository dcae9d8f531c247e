//! One panel from the distribution, by the published seed: a number in
//! [0, 1) from SHA-256 over the seed, the pool's fingerprint and the
//! algorithm's name, then the panel whose cumulative probability passes it
//! (panels in their sorted order). No random generator whose output could
//! change between library versions: anyone can recompute the number.

use super::ALGORITHM;
use super::maximin::Distribution;
use sha2::{Digest, Sha256};

/// The draw's number in [0, 1).
pub fn number(seed: &str, fingerprint: &str) -> f64 {
    let mut hash = Sha256::new();
    for part in [seed, fingerprint, ALGORITHM] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    let digest = hash.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // 53 bits: every value exactly representable.
    (u64::from_be_bytes(first) >> 11) as f64 / (1u64 << 53) as f64
}

/// The index of the panel drawn.
pub fn draw(distribution: &Distribution, seed: &str, fingerprint: &str) -> usize {
    let target = number(seed, fingerprint);
    let mut cumulative = 0.0;
    for (k, (_, p)) in distribution.panels.iter().enumerate() {
        cumulative += p;
        if target < cumulative {
            return k;
        }
    }
    // Rounding left the sum a hair under 1: the last panel.
    distribution.panels.len().saturating_sub(1)
}
