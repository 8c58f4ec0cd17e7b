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

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{
    self, PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString,
};
use argon2::Argon2;

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
/// The final comparison is constant-time.
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
pub struct PasswordVerifier {
    decoy: String,
    verifications: AtomicU64,
}

impl PasswordVerifier {
    /// A verifier with a freshly computed decoy hash.
    ///
    /// # Errors
    ///
    /// When the decoy cannot be hashed.
    pub fn new() -> Result<Self, PasswordError> {
        let decoy_password = SaltString::generate(&mut OsRng);
        Ok(Self {
            decoy: hash_password(decoy_password.as_str())?,
            verifications: AtomicU64::new(0),
        })
    }

    /// Whether `password` matches `stored`, the user's PHC string; `None` for a user that does
    /// not exist, which is always refused after verifying against the decoy.
    ///
    /// # Errors
    ///
    /// [`PasswordError::InvalidHash`] when `stored` is not an argon2 PHC string.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, PasswordError> {
        self.verifications.fetch_add(1, Ordering::Relaxed);

        let matches = verify_password(password, stored.unwrap_or(&self.decoy))?;
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
            .finish_non_exhaustive()
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
}

impl fmt::Display for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordError::Hashing(err) => write!(f, "cannot hash the password: {err}"),
            PasswordError::InvalidHash(err) => write!(f, "unusable password hash: {err}"),
        }
    }
}

impl std::error::Error for PasswordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PasswordError::Hashing(err) | PasswordError::InvalidHash(err) => Some(err),
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
    fn password_verifier_right_password_passes() {
        let verifier = PasswordVerifier::new().unwrap();
        let stored = hash_password("right").unwrap();

        assert!(verifier.verify("right", Some(&stored)).unwrap());
    }
}
