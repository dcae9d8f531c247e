//! Limits on guessing: login attempts per account from one address and
//! per address, enrolment attempts per address, and a cap on password
//! hashes computed at once.
//!
//! An account is never locked as a whole: counted per account alone, ten
//! wrong passwords from anywhere would make the right one from the
//! coordinator's desk wait a whole window. So the refusal is per account
//! *and* address; attempts on one account from everywhere together only
//! slow each further attempt down ([`SLOW_LOGIN`]), the right password
//! included, which still opens the session.
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
//! The counters live in the control database (`Control::attempt`), so
//! several server processes behind one address count together: an
//! attacker spreading guesses over them gains nothing.

use crate::AppState;
use crate::storage::control::{Account, Control, ControlError};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::net::IpAddr;
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Password hashes computed at once at most: the threads checking them.
pub const MAX_CONCURRENT_HASHES: usize = 2;
/// Login attempts per account from one address per window.
pub const LOGINS_PER_ACCOUNT: u32 = 10;
/// Login attempts per account from all addresses per window before each
/// further one is slowed down.
pub const LOGINS_BEFORE_SLOWING: u32 = 10;
/// How long a login to an account past [`LOGINS_BEFORE_SLOWING`] waits.
pub const SLOW_LOGIN: Duration = Duration::from_secs(2);
/// Login attempts per client address per window.
pub const LOGINS_PER_ADDRESS: u32 = 30;
/// Enrolment attempts per client address per window.
pub const ENROLMENTS_PER_ADDRESS: u32 = 20;
/// Password checks waiting for a thread at most; past it, a login is told
/// to retry in a second instead of queueing.
pub const MAX_WAITING_HASHES: usize = 64;

/// What is being attempted, by whom.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// Logins to one account (its e-mail, lower-cased) from one address.
    LoginAccountFrom(String, IpAddr),
    /// Logins to one account from anywhere (slows, never refuses).
    LoginAccount(String),
    /// Logins from one address.
    LoginAddress(IpAddr),
    /// Enrolments from one address.
    EnrolAddress(IpAddr),
}

impl Key {
    fn limit(&self) -> u32 {
        match self {
            Key::LoginAccountFrom(..) => LOGINS_PER_ACCOUNT,
            Key::LoginAccount(_) => LOGINS_BEFORE_SLOWING,
            Key::LoginAddress(_) => LOGINS_PER_ADDRESS,
            Key::EnrolAddress(_) => ENROLMENTS_PER_ADDRESS,
        }
    }

    /// The key as the control database counts it (hashed there).
    fn name(&self) -> String {
        match self {
            Key::LoginAccountFrom(email, ip) => format!("login-account-from:{email}:{ip}"),
            Key::LoginAccount(email) => format!("login-account:{email}"),
            Key::LoginAddress(ip) => format!("login-address:{ip}"),
            Key::EnrolAddress(ip) => format!("enrol-address:{ip}"),
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
    control: std::sync::Arc<Control>,
    hashing: Mutex<mpsc::Sender<Job>>,
    waiting: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Throttle {
    /// Counters over windows of `window`, kept in `control`.
    pub fn new(window: Duration, control: std::sync::Arc<Control>) -> Self {
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
            control,
            hashing: Mutex::new(sender),
            waiting: Default::default(),
        }
    }

    /// Counts one attempt under every key; refused if any key is over its
    /// limit (and then nothing is counted, so a refused attempt does not
    /// prolong the wait). Blocks on the control database.
    pub fn attempt(&self, keys: &[Key]) -> Result<Result<(), RetryAfter>, ControlError> {
        let keys: Vec<(String, u32)> = keys.iter().map(|k| (k.name(), k.limit())).collect();
        let window = i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX);
        Ok(self
            .control
            .attempt(&keys, window)?
            .map_err(|wait| RetryAfter(Duration::from_millis(u64::try_from(wait.0).unwrap_or(1)))))
    }

    /// Forgets failed logins once the account logs in.
    pub fn succeeded(&self, keys: &[Key]) -> Result<(), ControlError> {
        for key in keys {
            self.control.forget_attempts(&key.name())?;
        }
        Ok(())
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
/// refused past the limits per account from this address and per address,
/// slowed past the account's limit from everywhere, one of a few hashes
/// at a time.
pub async fn log_in(
    state: &AppState,
    from: ClientAddress,
    email: &str,
    password: String,
) -> Result<Option<(String, Account)>, LoginError> {
    let email = email.trim().to_lowercase();
    let from_here = Key::LoginAccountFrom(email.clone(), from.0);
    let anywhere = Key::LoginAccount(email.clone());
    let throttle = state.throttle.clone();
    let keys = [from_here.clone(), Key::LoginAddress(from.0)];
    let everywhere = anywhere.clone();
    let slow =
        tokio::task::spawn_blocking(move || -> Result<Result<bool, RetryAfter>, ControlError> {
            if let Err(wait) = throttle.attempt(&keys)? {
                return Ok(Err(wait));
            }
            // Past the account's count from everywhere: slowed, not refused.
            Ok(Ok(throttle
                .attempt(std::slice::from_ref(&everywhere))?
                .is_err()))
        })
        .await
        .map_err(|_| LoginError::Throttled(RetryAfter(Duration::from_secs(1))))??
        .map_err(LoginError::Throttled)?;
    if slow {
        tokio::time::sleep(SLOW_LOGIN).await;
    }
    let control = state.control.clone();
    let session = state
        .throttle
        .hash(move || control.login(&email, &password))
        .await
        .ok_or(LoginError::Throttled(RetryAfter(Duration::from_secs(1))))??;
    if session.is_some() {
        let throttle = state.throttle.clone();
        tokio::task::spawn_blocking(move || throttle.succeeded(&[from_here, anywhere]))
            .await
            .map_err(|_| LoginError::Throttled(RetryAfter(Duration::from_secs(1))))??;
    }
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(n: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, n])
    }

    /// A throttle over a control database of its own.
    struct Counted {
        _dir: tempfile::TempDir,
        throttle: Throttle,
    }

    impl Counted {
        fn new(window: Duration) -> Self {
            let dir = tempfile::tempdir().expect("tempdir");
            let control = Control::open(&dir.path().join("control.sqlite")).expect("control");
            Self {
                _dir: dir,
                throttle: Throttle::new(window, std::sync::Arc::new(control)),
            }
        }

        fn attempt(&self, keys: &[Key]) -> Result<(), RetryAfter> {
            self.throttle.attempt(keys).expect("control database")
        }
    }

    #[test]
    fn attempts_past_the_limit_wait_for_the_window() {
        let throttle = Counted::new(Duration::from_millis(200));
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
        let throttle = Counted::new(Duration::from_secs(60));
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
        let counted = Counted::new(Duration::from_secs(60));
        let throttle = &counted.throttle;
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
    fn the_counters_do_not_give_back_what_was_tried() {
        let counted = Counted::new(Duration::from_secs(60));
        counted
            .attempt(&[
                Key::LoginAccount("victime@ville.fr".into()),
                Key::LoginAddress(address(9)),
            ])
            .expect("counted");
        let conn =
            rusqlite::Connection::open(counted._dir.path().join("control.sqlite")).expect("open");
        let mut stmt = conn
            .prepare("SELECT key_hash FROM attempts")
            .expect("prepare");
        let stored: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(stored.len(), 2);
        // Not the plain hash anyone could compute from a guess (an IPv4
        // address is found by trying them all), and not the text.
        for plain in ["login-account:victime@ville.fr", "login-address:192.0.2.9"] {
            assert!(!stored.contains(&crate::storage::secrets::hash_secret(plain)));
        }
        assert!(stored.iter().all(|k| !k.contains("victime")));
    }

    #[test]
    fn a_success_clears_the_accounts_count() {
        let throttle = Counted::new(Duration::from_secs(60));
        let account = Key::LoginAccount("a@b.fr".into());
        for _ in 0..LOGINS_PER_ACCOUNT {
            assert_eq!(throttle.attempt(std::slice::from_ref(&account)), Ok(()));
        }
        throttle
            .throttle
            .succeeded(std::slice::from_ref(&account))
            .expect("forget");
        assert_eq!(throttle.attempt(&[account]), Ok(()));
    }
}
