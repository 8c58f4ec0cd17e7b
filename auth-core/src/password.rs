//! Password hashing with argon2id, stored as PHC strings, for [`BasicVerifier`]s.
//!
//! Available with the cargo feature `password`.
//!
//! [`hash_password`] turns a password into a PHC string such as `$argon2id$v=19$m=19456,...`
//! (argon2id with the default parameters and a random salt) to store with the user;
//! [`verify_password`] checks a password against such a string. [`PasswordVerifier`] adds
//! what a login needs beyond that: a user that does not exist costs one argon2 verification,
//! exactly like a user with a wrong password, so response times do not tell which usernames
//! exist.
//!
//! [`BasicVerifier`]: crate::basic::BasicVerifier
//!
//! # Examples
//!
//! ```
//! use auth_core::password::{hash_password, PasswordVerifier};
//!
//! let stored = hash_password("correct horse").unwrap();
//! let verifier = PasswordVerifier::new().unwrap();
//!
//! // A known user: the stored hash decides.
//! assert!(verifier.verify("correct horse", Some(&stored)).unwrap());
//! assert!(!verifier.verify("battery staple", Some(&stored)).unwrap());
//! // An unknown user: refused, after the same work.
//! assert!(!verifier.verify("correct horse", None).unwrap());
//! assert_eq!(verifier.verifications(), 3);
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{
    self, PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq as _;

/// How long a [`PasswordVerifier`] call waits for a free slot before giving up, unless
/// configured.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(2);

/// Hashes `password` with argon2id and a fresh random salt, as a PHC string.
///
/// # Errors
///
/// [`PasswordError::Hashing`] when argon2 refuses the input (a password over 4 GiB).
///
/// # Examples
///
/// ```
/// let phc = auth_core::password::hash_password("hunter2").unwrap();
/// assert!(phc.starts_with("$argon2id$"));
/// ```
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(PasswordError::Hashing)?;
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `phc`, using the parameters stored in it.
///
/// The final comparison is constant-time. Each call allocates argon2's working memory (19 MiB
/// with the defaults); a server verifying what requests send should use a
/// [`PasswordVerifier`], which bounds how many run at once and reuses their memory.
///
/// # Errors
///
/// [`PasswordError::InvalidHash`] when `phc` is not an argon2 PHC string; a wrong password is
/// `Ok(false)`, never an error.
///
/// # Examples
///
/// ```
/// use auth_core::password::{hash_password, verify_password};
///
/// let phc = hash_password("hunter2").unwrap();
/// assert!(verify_password("hunter2", &phc).unwrap());
/// assert!(!verify_password("hunter3", &phc).unwrap());
/// assert!(verify_password("hunter2", "plain text").is_err());
/// ```
pub fn verify_password(password: &str, phc: &str) -> Result<bool, PasswordError> {
    let parsed = PasswordHash::new(phc).map_err(PasswordError::InvalidHash)?;
    if parsed.salt.is_none() || parsed.hash.is_none() {
        return Err(PasswordError::InvalidHash(
            password_hash::Error::PhcStringField,
        ));
    }

    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(password_hash::Error::Password) => Ok(false),
        Err(err) => Err(PasswordError::InvalidHash(err)),
    }
}

/// Verifies passwords so that unknown users and wrong passwords cost the same time.
///
/// It holds a decoy hash of a random password, computed once with the same parameters as
/// [`hash_password`]. [`verify`](Self::verify) checks the password against the user's stored
/// hash, or against the decoy when there is no such user, and refuses the latter whatever
/// the result: both paths run exactly one argon2 verification. Users whose hashes were made
/// with other (older, cheaper) parameters are verified with those, so rehash them on login to
/// keep the paths alike.
///
/// [`verifications`](Self::verifications) counts the argon2 verifications run, for metrics
/// and for tests that show the paths do the same work without timing them.
///
/// Each argon2 verification needs its parameters' memory (19 MiB with the defaults) and
/// milliseconds of CPU, and anyone can ask for one by sending a Basic header. The verifier
/// therefore runs at most a fixed number at once (one per CPU unless
/// [configured](Self::max_concurrent)), each in a working buffer it keeps and reuses, so its
/// memory stays at that number of buffers whatever the load. A call that finds every slot
/// busy waits up to [`DEFAULT_MAX_WAIT`] ([configurable](Self::max_wait)), then fails with
/// [`PasswordError::Busy`], which a backend answers as unavailable (503): a flood of
/// password guesses slows logins down and is refused, it never exhausts the server's memory.
pub struct PasswordVerifier {
    decoy: String,
    verifications: AtomicU64,
    slots: Slots,
}

impl PasswordVerifier {
    /// A verifier with a freshly computed decoy hash.
    ///
    /// # Errors
    ///
    /// When the decoy cannot be hashed.
    pub fn new() -> Result<Self, PasswordError> {
        let decoy_password = SaltString::generate(&mut OsRng);
        let parallelism = std::thread::available_parallelism().map_or(1, usize::from);
        Ok(Self {
            decoy: hash_password(decoy_password.as_str())?,
            verifications: AtomicU64::new(0),
            slots: Slots::new(parallelism, DEFAULT_MAX_WAIT),
        })
    }

    /// Runs at most `count` verifications at once (at least one).
    pub fn max_concurrent(mut self, count: usize) -> Self {
        self.slots = Slots::new(count.max(1), self.slots.max_wait);
        self
    }

    /// Waits at most `wait` for a free slot before failing with [`PasswordError::Busy`].
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.slots.max_wait = wait;
        self
    }

    /// Whether `password` matches `stored`, the user's PHC string; `None` for a user that does
    /// not exist, which is always refused after verifying against the decoy.
    ///
    /// It blocks the calling thread for the verification (and the wait for a slot): call it
    /// where blocking is allowed, such as actix's `web::block`.
    ///
    /// # Errors
    ///
    /// [`PasswordError::InvalidHash`] when `stored` is not an argon2 PHC string;
    /// [`PasswordError::Busy`] when no slot came free in time.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, PasswordError> {
        let mut slot = self.slots.take()?;
        self.verifications.fetch_add(1, Ordering::Relaxed);

        let matches = verify_in(password, stored.unwrap_or(&self.decoy), slot.memory())?;
        Ok(stored.is_some() && matches)
    }

    /// How many verifications this verifier has run.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for PasswordVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordVerifier")
            .field("verifications", &self.verifications())
            .field("max_concurrent", &self.slots.count)
            .field("max_wait", &self.slots.max_wait)
            .finish_non_exhaustive()
    }
}

/// Verifies `password` against the PHC string `phc`, hashing in `memory` (grown to the
/// parameters' size and kept for the next call); the outputs are compared in constant time.
fn verify_in(password: &str, phc: &str, memory: &mut Vec<Block>) -> Result<bool, PasswordError> {
    let invalid = PasswordError::InvalidHash;
    let parsed = PasswordHash::new(phc).map_err(invalid)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(invalid(password_hash::Error::PhcStringField));
    };
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(invalid)?;
    let version = match parsed.version {
        Some(version) => Version::try_from(version).map_err(|err| invalid(err.into()))?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).map_err(invalid)?;
    let mut salt_bytes = [0; password_hash::Salt::MAX_LENGTH];
    let salt = salt.decode_b64(&mut salt_bytes).map_err(invalid)?;

    memory.resize(params.block_count(), Block::new());
    let mut output = [0; password_hash::Output::MAX_LENGTH];
    let output = &mut output[..expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, output, &mut memory[..])
        .map_err(|err| invalid(err.into()))?;
    Ok(bool::from(output.ct_eq(expected.as_bytes())))
}

/// A fixed number of argon2 working buffers, each lent to one verification at a time.
struct Slots {
    count: usize,
    free: Mutex<Vec<Vec<Block>>>,
    freed: Condvar,
    max_wait: Duration,
}

impl Slots {
    fn new(count: usize, max_wait: Duration) -> Self {
        Self {
            count,
            free: Mutex::new((0..count).map(|_| Vec::new()).collect()),
            freed: Condvar::new(),
            max_wait,
        }
    }

    /// A free buffer, waiting up to the maximum wait for one.
    fn take(&self) -> Result<Slot<'_>, PasswordError> {
        let deadline = Instant::now() + self.max_wait;
        let mut free = self.lock();
        loop {
            if let Some(memory) = free.pop() {
                return Ok(Slot {
                    slots: self,
                    memory,
                });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(PasswordError::Busy);
            }
            free = self
                .freed
                .wait_timeout(free, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Vec<Block>>> {
        // A buffer holds no state between uses, so a panic while the lock was held leaves
        // nothing to distrust.
        self.free.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A buffer lent by [`Slots`], given back when dropped (after a panic too).
struct Slot<'a> {
    slots: &'a Slots,
    memory: Vec<Block>,
}

impl Slot<'_> {
    fn memory(&mut self) -> &mut Vec<Block> {
        &mut self.memory
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let memory = std::mem::take(&mut self.memory);
        self.slots.lock().push(memory);
        self.slots.freed.notify_one();
    }
}

/// Why a password could not be hashed or checked.
#[derive(Debug)]
#[non_exhaustive]
pub enum PasswordError {
    /// argon2 could not hash the password.
    Hashing(password_hash::Error),
    /// A stored hash is not an argon2 PHC string with usable parameters.
    InvalidHash(password_hash::Error),
    /// Every verification slot stayed busy for the maximum wait.
    Busy,
}

impl fmt::Display for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordError::Hashing(err) => write!(f, "cannot hash the password: {err}"),
            PasswordError::InvalidHash(err) => write!(f, "unusable password hash: {err}"),
            PasswordError::Busy => f.write_str("too many password verifications at once"),
        }
    }
}

impl std::error::Error for PasswordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PasswordError::Hashing(err) | PasswordError::InvalidHash(err) => Some(err),
            PasswordError::Busy => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_is_argon2id_with_a_random_salt() {
        let first = hash_password("same").unwrap();
        let second = hash_password("same").unwrap();

        assert!(first.starts_with("$argon2id$v=19$"));
        assert_ne!(first, second);
        assert!(verify_password("same", &first).unwrap());
        assert!(verify_password("same", &second).unwrap());
    }

    #[test]
    fn password_verify_refuses_wrong_and_near_passwords() {
        let phc = hash_password("pa:ss wörd").unwrap();

        assert!(verify_password("pa:ss wörd", &phc).unwrap());
        for wrong in ["", "pa:ss word", "pa:ss wörd ", "PA:SS WÖRD"] {
            assert!(!verify_password(wrong, &phc).unwrap(), "{wrong}");
        }
    }

    #[test]
    fn password_verify_reports_unusable_hashes_as_errors() {
        let without_output = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ";
        for phc in [
            "",
            "hunter2",
            "$scrypt$ln=1,r=8,p=1$c2FsdHNhbHQ$aGFzaA",
            without_output,
        ] {
            let err = verify_password("hunter2", phc).unwrap_err();

            assert!(matches!(err, PasswordError::InvalidHash(_)), "{phc}");
        }
    }

    #[test]
    fn password_unknown_user_costs_one_verification_like_a_wrong_password() {
        let verifier = PasswordVerifier::new().unwrap();
        let stored = hash_password("right").unwrap();

        let before = verifier.verifications();
        let unknown = verifier.verify("right", None).unwrap();
        let after_unknown = verifier.verifications();
        let wrong = verifier.verify("wrong", Some(&stored)).unwrap();
        let after_wrong = verifier.verifications();

        assert!(!unknown);
        assert!(!wrong);
        assert_eq!(after_unknown - before, 1);
        assert_eq!(after_wrong - after_unknown, 1);
    }

    #[test]
    fn password_decoy_has_the_parameters_of_real_hashes() {
        let verifier = PasswordVerifier::new().unwrap();
        let real = hash_password("x").unwrap();

        let decoy = PasswordHash::new(&verifier.decoy).unwrap();
        let real = PasswordHash::new(&real).unwrap();

        assert_eq!(decoy.algorithm, real.algorithm);
        assert_eq!(decoy.version, real.version);
        assert_eq!(decoy.params, real.params);
    }

    #[test]
    fn password_verifier_agrees_with_argon2_on_every_parameter_set() {
        let verifier = PasswordVerifier::new().unwrap();
        let salt = SaltString::from_b64("c2FsdHNhbHRzYWx0").unwrap();
        let cheap = Params::new(64, 1, 2, Some(16)).unwrap();
        let mut stored = vec![hash_password("right").unwrap()];
        for (algorithm, version) in [
            (Algorithm::Argon2i, Version::V0x10),
            (Algorithm::Argon2d, Version::V0x13),
            (Algorithm::Argon2id, Version::V0x13),
        ] {
            let argon2 = Argon2::new(algorithm, version, cheap.clone());
            stored.push(argon2.hash_password(b"right", &salt).unwrap().to_string());
        }

        for phc in &stored {
            for password in ["right", "wrong", "", "right "] {
                assert_eq!(
                    verifier.verify(password, Some(phc)).unwrap(),
                    verify_password(password, phc).unwrap(),
                    "{password} against {phc}"
                );
            }
            assert!(verifier.verify("right", Some(phc)).unwrap(), "{phc}");
        }
    }

    #[test]
    fn password_verifier_refuses_unusable_hashes_as_errors() {
        let verifier = PasswordVerifier::new().unwrap();

        for phc in ["", "hunter2", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ"] {
            let err = verifier.verify("hunter2", Some(phc)).unwrap_err();

            assert!(matches!(err, PasswordError::InvalidHash(_)), "{phc}");
        }
    }

    #[test]
    fn password_verifier_is_busy_when_every_slot_stays_taken() {
        let verifier = PasswordVerifier::new()
            .unwrap()
            .max_concurrent(1)
            .max_wait(Duration::from_millis(20));
        let stored = hash_password("right").unwrap();

        let held = verifier.slots.take().unwrap();
        let busy = verifier.verify("right", Some(&stored));
        drop(held);
        let free = verifier.verify("right", Some(&stored));

        assert!(matches!(busy, Err(PasswordError::Busy)), "{busy:?}");
        assert!(free.unwrap());
        assert_eq!(verifier.verifications(), 1, "a busy call verifies nothing");
    }

    #[test]
    fn password_verifier_waits_for_a_slot_and_keeps_its_buffers() {
        let verifier = PasswordVerifier::new().unwrap().max_concurrent(2);
        let stored = hash_password("right").unwrap();

        std::thread::scope(|scope| {
            for _ in 0..6 {
                scope.spawn(|| assert!(verifier.verify("right", Some(&stored)).unwrap()));
            }
        });

        let free = verifier.slots.lock();
        assert_eq!(free.len(), 2, "every buffer came back");
        let blocks = Params::default().block_count();
        assert!(free.iter().all(|memory| memory.len() <= blocks));
        assert_eq!(verifier.verifications(), 6);
    }

    #[test]
    fn password_verifier_right_password_passes() {
        let verifier = PasswordVerifier::new().unwrap();
        let stored = hash_password("right").unwrap();

        assert!(verifier.verify("right", Some(&stored)).unwrap());
    }
}
