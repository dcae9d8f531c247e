//! Limits on guessing: login and enrolment attempts per account and per
//! client address, and a cap on password hashes computed at once.
//!
//! Each password check is an argon2 hash of ~19 MiB and tens of
//! milliseconds, on purpose; unlimited, 64 concurrent attempts cost the
//! server close to a gigabyte. So attempts are counted in fixed windows per
//! key (an e-mail, an address) and refused with 429 and `Retry-After` past
//! the limit, and password checks run on [`MAX_CONCURRENT_HASHES`] threads
//! of their own (the rest wait their turn in a queue). Dedicated threads,
//! not the blocking pool: the allocator keeps a freed 19 MiB block in the
//! arena of the thread that used it, so hashes spread over the pool's
//! dozens of threads would each keep one (measured: +135 MiB for one burst
//! of 64 attempts); two threads keep two. Unknown accounts are hashed like
//! known ones (`Control::login`), so timing tells nothing.
//!
//! The counters live in this process's memory: a second server process
//! would keep its own (issue «Scale» moves them to the database).

use crate::AppState;
use crate::control::{Account, ControlError};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Password hashes computed at once at most: the threads checking them.
pub const MAX_CONCURRENT_HASHES: usize = 2;
/// Login attempts per account per window.
pub const LOGINS_PER_ACCOUNT: u32 = 10;
/// Login attempts per client address per window.
pub const LOGINS_PER_ADDRESS: u32 = 30;
/// Enrolment attempts per client address per window.
pub const ENROLMENTS_PER_ADDRESS: u32 = 20;
/// Keys kept at most; past it, expired windows and keys tried only once are
/// dropped (a flood of invented addresses or e-mails cannot grow memory,
/// nor wipe the count of an account under attack), then, if still full,
/// everything.
const MAX_KEYS: usize = 100_000;
/// Password checks waiting for a thread at most; past it, a login is told
/// to retry in a second instead of queueing.
pub const MAX_WAITING_HASHES: usize = 64;

/// What is being attempted, by whom.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// Logins to one account (its e-mail, lower-cased).
    LoginAccount(String),
    /// Logins from one address.
    LoginAddress(IpAddr),
    /// Enrolments from one address.
    EnrolAddress(IpAddr),
}

impl Key {
    fn limit(&self) -> u32 {
        match self {
            Key::LoginAccount(_) => LOGINS_PER_ACCOUNT,
            Key::LoginAddress(_) => LOGINS_PER_ADDRESS,
            Key::EnrolAddress(_) => ENROLMENTS_PER_ADDRESS,
        }
    }
}

/// Too many attempts: try again after this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds, at least one, for the `Retry-After` header.
    pub fn seconds(self) -> u64 {
        self.0.as_secs().max(1) + u64::from(self.0.subsec_nanos() > 0)
    }
}

/// A job for a hashing thread.
type Job = Box<dyn FnOnce() + Send>;

/// The attempt counters and the threads that check passwords.
pub struct Throttle {
    window: Duration,
    counts: Mutex<HashMap<Key, (Instant, u32)>>,
    hashing: Mutex<mpsc::Sender<Job>>,
    waiting: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Throttle {
    /// Counters over windows of `window`.
    pub fn new(window: Duration) -> Self {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = std::sync::Arc::new(Mutex::new(receiver));
        for n in 0..MAX_CONCURRENT_HASHES {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    loop {
                        let job = receiver
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .recv();
                        match job {
                            // A panicking job must not take the thread.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            Err(_) => break, // the server is shutting down
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a password thread");
            }
        }
        Self {
            window,
            counts: Mutex::new(HashMap::new()),
            hashing: Mutex::new(sender),
            waiting: Default::default(),
        }
    }

    /// Counts one attempt under every key; refused if any key is over its
    /// limit (and then nothing is counted, so a refused attempt does not
    /// prolong the wait).
    pub fn attempt(&self, keys: &[Key]) -> Result<(), RetryAfter> {
        let now = Instant::now();
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if counts.len() >= MAX_KEYS {
            counts.retain(|_, (start, n)| now.duration_since(*start) < self.window && *n > 1);
            if counts.len() >= MAX_KEYS {
                counts.clear();
            }
        }
        let mut wait = None;
        for key in keys {
            if let Some((start, n)) = counts.get(key) {
                let age = now.duration_since(*start);
                if age < self.window && *n >= key.limit() {
                    let left = self.window - age;
                    wait = Some(wait.map_or(left, |w: Duration| w.max(left)));
                }
            }
        }
        if let Some(wait) = wait {
            return Err(RetryAfter(wait));
        }
        for key in keys {
            let entry = counts.entry(key.clone()).or_insert((now, 0));
            if now.duration_since(entry.0) >= self.window {
                *entry = (now, 0);
            }
            entry.1 += 1;
        }
        Ok(())
    }

    /// Forgets an account's failed logins once it logs in.
    pub fn succeeded(&self, key: &Key) {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
    }

    /// Runs `f` on one of the password threads, when its turn comes.
    /// `None` if too many are waiting already, or the thread is gone.
    pub async fn hash<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        use std::sync::atomic::Ordering;
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING_HASHES {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        let waiting = self.waiting.clone();
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            waiting.fetch_sub(1, Ordering::SeqCst);
            let _ = reply.send(f());
        });
        self.hashing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(job)
            .ok()?;
        answer.await.ok()
    }
}

/// The address a request came from (the peer of the TCP connection; a
/// reverse proxy in front would need its forwarded header trusted here).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<std::net::SocketAddr>>()
                .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip()),
        ))
    }
}

/// Why a login did not open a session.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Too many attempts for this account or address.
    #[error("too many attempts")]
    Throttled(RetryAfter),
    /// The control database failed.
    #[error(transparent)]
    Control(#[from] ControlError),
}

/// Checks a password and opens a session, within the limits above:
/// counted per account and address, one of a few hashes at a time.
pub async fn log_in(
    state: &AppState,
    from: ClientAddress,
    email: &str,
    password: String,
) -> Result<Option<(String, Account)>, LoginError> {
    let email = email.trim().to_lowercase();
    let account = Key::LoginAccount(email.clone());
    state
        .throttle
        .attempt(&[account.clone(), Key::LoginAddress(from.0)])
        .map_err(LoginError::Throttled)?;
    let control = state.control.clone();
    let session = state
        .throttle
        .hash(move || control.login(&email, &password))
        .await
        .ok_or(LoginError::Throttled(RetryAfter(Duration::from_secs(1))))??;
    if session.is_some() {
        state.throttle.succeeded(&account);
    }
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(n: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, n])
    }

    #[test]
    fn attempts_past_the_limit_wait_for_the_window() {
        let throttle = Throttle::new(Duration::from_millis(200));
        let keys = [
            Key::LoginAccount("a@b.fr".into()),
            Key::LoginAddress(address(1)),
        ];
        for _ in 0..LOGINS_PER_ACCOUNT {
            assert_eq!(throttle.attempt(&keys), Ok(()));
        }
        let wait = throttle.attempt(&keys).expect_err("limited");
        assert!(wait.0 <= Duration::from_millis(200));
        assert!(wait.seconds() >= 1);
        // Another account from another address is not affected.
        assert_eq!(
            throttle.attempt(&[
                Key::LoginAccount("c@d.fr".into()),
                Key::LoginAddress(address(2))
            ]),
            Ok(())
        );
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(throttle.attempt(&keys), Ok(()));
    }

    #[test]
    fn one_address_trying_many_accounts_is_limited_too() {
        let throttle = Throttle::new(Duration::from_secs(60));
        for n in 0..LOGINS_PER_ADDRESS {
            let keys = [
                Key::LoginAccount(format!("{n}@b.fr")),
                Key::LoginAddress(address(1)),
            ];
            assert_eq!(throttle.attempt(&keys), Ok(()));
        }
        assert!(
            throttle
                .attempt(&[
                    Key::LoginAccount("new@b.fr".into()),
                    Key::LoginAddress(address(1))
                ])
                .is_err()
        );
    }

    #[tokio::test]
    async fn password_checks_queue_up_to_a_bound() {
        use std::sync::atomic::Ordering;
        let throttle = Throttle::new(Duration::from_secs(60));
        assert_eq!(throttle.hash(|| 7).await, Some(7));
        assert_eq!(throttle.waiting.load(Ordering::SeqCst), 0);
        // As if that many checks were waiting for a thread.
        throttle.waiting.store(MAX_WAITING_HASHES, Ordering::SeqCst);
        assert_eq!(throttle.hash(|| 7).await, None);
        assert_eq!(throttle.waiting.load(Ordering::SeqCst), MAX_WAITING_HASHES);
        throttle
            .waiting
            .store(MAX_WAITING_HASHES - 1, Ordering::SeqCst);
        assert_eq!(throttle.hash(|| 7).await, Some(7));
    }

    #[test]
    fn a_success_clears_the_accounts_count() {
        let throttle = Throttle::new(Duration::from_secs(60));
        let account = Key::LoginAccount("a@b.fr".into());
        for _ in 0..LOGINS_PER_ACCOUNT {
            assert_eq!(throttle.attempt(std::slice::from_ref(&account)), Ok(()));
        }
        throttle.succeeded(&account);
        assert_eq!(throttle.attempt(&[account]), Ok(()));
    }
}
