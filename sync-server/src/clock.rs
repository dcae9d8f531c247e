//! The server's clock. Deadlines (a request's month, a retention period,
//! the moment a phone was first handed a notice) are read from it, never
//! from the system clock directly, so a test moves time forward by a day
//! or three years and sees what a municipality would see then.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The time now, as the server's features read it: the system clock plus
/// an offset only tests set.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Milliseconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        crate::storage::control::now_ms().saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every copy of it) forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_copy_moves_together() {
        let clock = Clock::default();
        let copy = clock.clone();
        let before = copy.now();
        clock.advance(86_400_000);
        assert!(copy.now() >= before + 86_400_000);
    }
}
