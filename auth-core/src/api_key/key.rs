//! The key format `ak_<id>_<secret>`: parsing, hashing and generation.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::AuthError;

/// What every API key starts with, so that leaked keys are easy to recognise and scan for.
pub const KEY_PREFIX: &str = "ak_";

/// The length of a key id: 16 lowercase hex digits (64 random bits).
pub const ID_LEN: usize = 16;

/// The length of a key secret: 64 lowercase hex digits (256 random bits).
pub const SECRET_LEN: usize = 64;

/// The length of a whole key: prefix, id, `_` and secret.
pub const KEY_LEN: usize = KEY_PREFIX.len() + ID_LEN + 1 + SECRET_LEN;

/// The message of every malformed key (400).
pub const MALFORMED_API_KEY: &str = "Malformed API key";

const ID_BYTES: usize = ID_LEN / 2;
const SECRET_BYTES: usize = SECRET_LEN / 2;

// A secret must stay out of reach of guessing whatever the hash: at least 128 random bits.
const _: () = assert!(SECRET_BYTES * 8 >= 128);

/// The SHA-256 hash of a key's secret: what a store keeps instead of the key.
///
/// Two hashes compare in constant time. `Debug` leaves the value out.
///
/// # Examples
///
/// ```
/// use auth_core::api_key::{KeyHash, NewApiKey};
///
/// let issued = NewApiKey::generate().unwrap();
/// let stored = issued.hash().to_hex();
///
/// assert_eq!(KeyHash::from_hex(&stored), Some(*issued.hash()));
/// assert_eq!(KeyHash::from_hex("not hex"), None);
/// ```
#[derive(Clone, Copy)]
pub struct KeyHash([u8; 32]);

impl KeyHash {
    /// The hash of a secret, as its key spells it.
    pub(crate) fn of_secret(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    /// A hash from its 32 raw bytes, as a store kept them.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The 32 raw bytes, to store in a binary column.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The hash as 64 lowercase hex digits, to store in a text column.
    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    /// A hash from the 64 hex digits [`to_hex`](Self::to_hex) produced; `None` for any other
    /// text.
    pub fn from_hex(hex: &str) -> Option<Self> {
        let mut bytes = [0; 32];
        from_hex(hex.as_bytes(), &mut bytes).then_some(Self(bytes))
    }
}

impl PartialEq for KeyHash {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for KeyHash {}

impl fmt::Debug for KeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyHash(<redacted>)")
    }
}

/// A key as a client sent it, checked for form but not yet against a store.
///
/// `Debug` shows the id, never the secret.
///
/// # Examples
///
/// ```
/// use auth_core::api_key::{NewApiKey, PresentedKey};
///
/// let issued = NewApiKey::generate().unwrap();
/// let presented = PresentedKey::parse(issued.key().as_bytes()).unwrap();
///
/// assert_eq!(presented.id(), issued.id());
/// assert!(presented.verify(issued.hash()));
/// assert!(PresentedKey::parse(b"ak_short").is_err());
/// ```
#[derive(Clone, Copy)]
pub struct PresentedKey<'a> {
    id: &'a str,
    secret: &'a str,
}

impl<'a> PresentedKey<'a> {
    /// Checks the form of a key: `ak_`, 16 lowercase hex digits, `_`, 64 lowercase hex digits.
    ///
    /// Nothing is trimmed: whitespace, other characters, bytes that are not UTF-8, uppercase
    /// hex and any other length are refused before the value is looked at further, so a
    /// 64 KiB header costs one length comparison.
    ///
    /// # Errors
    ///
    /// A [`Malformed`](crate::ErrorKind::Malformed) error with [`MALFORMED_API_KEY`].
    pub fn parse(raw: &'a [u8]) -> Result<Self, AuthError> {
        let malformed = || AuthError::malformed(MALFORMED_API_KEY);
        if raw.len() != KEY_LEN {
            return Err(malformed());
        }

        let rest = raw
            .strip_prefix(KEY_PREFIX.as_bytes())
            .ok_or_else(malformed)?;
        let (id, rest) = rest.split_at(ID_LEN);
        let (separator, secret) = rest.split_at(1);
        if separator != b"_" || !is_lower_hex(id) || !is_lower_hex(secret) {
            return Err(malformed());
        }

        // Only ASCII hex digits are left, so both conversions succeed.
        let text = |bytes| std::str::from_utf8(bytes).map_err(|_| malformed());
        Ok(Self {
            id: text(id)?,
            secret: text(secret)?,
        })
    }

    /// The key id, the non-secret part a store looks keys up by.
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// Whether this key's secret hashes to `hash`, compared in constant time.
    pub fn verify(&self, hash: &KeyHash) -> bool {
        KeyHash::of_secret(self.secret) == *hash
    }
}

impl fmt::Debug for PresentedKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresentedKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A freshly generated key: the plaintext to hand to its owner once, and what to store.
///
/// Store [`id`](Self::id) and [`hash`](Self::hash) (with the owner and scopes), show
/// [`key`](Self::key) to the owner, and drop it: it cannot be recovered from the store.
/// `Debug` leaves the plaintext out.
///
/// # Examples
///
/// ```
/// use auth_core::api_key::{NewApiKey, KEY_LEN, KEY_PREFIX};
///
/// let issued = NewApiKey::generate().unwrap();
///
/// assert!(issued.key().starts_with(KEY_PREFIX));
/// assert_eq!(issued.key().len(), KEY_LEN);
/// assert!(issued.key().contains(issued.id()));
/// assert!(!format!("{issued:?}").contains(issued.key()));
/// ```
pub struct NewApiKey {
    id: String,
    key: String,
    hash: KeyHash,
}

impl NewApiKey {
    /// Generates a key from the operating system's random number generator.
    ///
    /// The secret holds 256 random bits and the id 64 more; a key is therefore as hard to
    /// guess as a 256-bit random number.
    ///
    /// # Errors
    ///
    /// When the operating system's random number generator fails.
    pub fn generate() -> Result<Self, KeyGenError> {
        let mut id = [0; ID_BYTES];
        let mut secret = [0; SECRET_BYTES];
        getrandom::getrandom(&mut id).map_err(KeyGenError::Random)?;
        getrandom::getrandom(&mut secret).map_err(KeyGenError::Random)?;

        let id = to_hex(&id);
        let secret = to_hex(&secret);
        let hash = KeyHash::of_secret(&secret);
        let key = format!("{KEY_PREFIX}{id}_{secret}");
        Ok(Self { id, key, hash })
    }

    /// The key id, to store and to show in listings.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The whole key, for its owner only.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The hash of the secret, to store.
    pub fn hash(&self) -> &KeyHash {
        &self.hash
    }

    /// The whole key, consuming the value.
    pub fn into_key(self) -> String {
        self.key
    }
}

impl fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewApiKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Why a key could not be generated.
#[derive(Debug)]
#[non_exhaustive]
pub enum KeyGenError {
    /// The operating system's random number generator failed.
    Random(getrandom::Error),
}

impl fmt::Display for KeyGenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyGenError::Random(err) => write!(f, "no random bytes for a new API key: {err}"),
        }
    }
}

impl std::error::Error for KeyGenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            KeyGenError::Random(err) => Some(err),
        }
    }
}

fn is_lower_hex(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

/// Fills `out` from exactly `2 * out.len()` hex digits (either case); `false` otherwise.
fn from_hex(hex: &[u8], out: &mut [u8]) -> bool {
    if hex.len() != out.len() * 2 {
        return false;
    }
    for (pair, byte) in hex.chunks_exact(2).zip(out.iter_mut()) {
        let (Some(high), Some(low)) = (nibble(pair[0]), nibble(pair[1])) else {
            return false;
        };
        *byte = high << 4 | low;
    }
    true
}

fn nibble(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const ID: &str = "0123456789abcdef";
    const SECRET: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    fn key() -> String {
        format!("ak_{ID}_{SECRET}")
    }

    #[test]
    fn api_key_parse_splits_id_and_secret() {
        let key = key();

        let presented = PresentedKey::parse(key.as_bytes()).unwrap();

        assert_eq!(presented.id(), ID);
        assert!(presented.verify(&KeyHash::of_secret(SECRET)));
    }

    #[test]
    fn api_key_malformed_forms_are_400() {
        let key = key();
        let cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"ak_".to_vec(),
            key.replacen("ak_", "sk_", 1).into_bytes(),
            key.replacen("ak_", "AK_", 1).into_bytes(),
            key.to_uppercase().into_bytes(),
            format!("{key}0").into_bytes(),
            key.as_bytes()[..KEY_LEN - 1].to_vec(),
            format!(" {}", &key[1..]).into_bytes(),
            format!("{} ", &key[..KEY_LEN - 1]).into_bytes(),
            format!("ak_{ID}_{} {}", &SECRET[..31], &SECRET[32..]).into_bytes(),
            format!("ak_{ID}\t{SECRET}").into_bytes(),
            format!("ak_{ID}-{SECRET}").into_bytes(),
            format!("ak_{ID}_{}g", &SECRET[..SECRET_LEN - 1]).into_bytes(),
            format!("ak_{}_{SECRET}0", &ID[..ID_LEN - 1]).into_bytes(),
            [&key.as_bytes()[..KEY_LEN - 2], &[0xc3, 0xa9][..]].concat(),
            [&key.as_bytes()[..KEY_LEN - 1], &[0xff][..]].concat(),
            vec![b'a'; 64 * 1024],
        ];

        for raw in cases {
            let err = PresentedKey::parse(&raw).unwrap_err();

            assert_eq!(err.kind(), ErrorKind::Malformed, "{raw:?}");
            assert_eq!(err.message(), MALFORMED_API_KEY);
        }
    }

    #[test]
    fn api_key_wrong_secret_does_not_verify() {
        let key = key();
        let presented = PresentedKey::parse(key.as_bytes()).unwrap();

        let other = KeyHash::of_secret(&SECRET.replace('0', "1"));

        assert!(!presented.verify(&other));
        assert!(!presented.verify(&KeyHash::from_bytes([0; 32])));
    }

    #[test]
    fn api_key_hash_is_sha256_of_the_secret() {
        // SHA-256 of "abc", a published test vector (FIPS 180-2, appendix B.1).
        let hash = KeyHash::of_secret("abc");

        assert_eq!(
            hash.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn api_key_hash_hex_round_trips_and_refuses_bad_text() {
        let hash = KeyHash::of_secret(SECRET);

        assert_eq!(KeyHash::from_hex(&hash.to_hex()), Some(hash));
        assert_eq!(KeyHash::from_hex(&hash.to_hex().to_uppercase()), Some(hash));
        assert_eq!(KeyHash::from_hex(&hash.to_hex()[1..]), None);
        assert_eq!(KeyHash::from_hex(&"zz".repeat(32)), None);
        assert_eq!(KeyHash::from_hex(&"é".repeat(32)), None);
    }

    #[test]
    fn api_key_generation_is_well_formed_and_unique() {
        let first = NewApiKey::generate().unwrap();
        let second = NewApiKey::generate().unwrap();

        let parsed = PresentedKey::parse(first.key().as_bytes()).unwrap();

        assert_eq!(parsed.id(), first.id());
        assert!(parsed.verify(first.hash()));
        assert!(!parsed.verify(second.hash()));
        assert_ne!(first.id(), second.id());
        assert_ne!(first.key(), second.key());
    }

    #[test]
    fn api_key_generation_draws_at_least_128_secret_bits() {
        // 256 bits drawn: across 64 keys, every hex digit position of the secret varies.
        let keys: Vec<String> = (0..64)
            .map(|_| NewApiKey::generate().unwrap().into_key())
            .collect();
        let secret_start = KEY_LEN - SECRET_LEN;

        for position in secret_start..KEY_LEN {
            let first = keys[0].as_bytes()[position];
            let varies = keys.iter().any(|key| key.as_bytes()[position] != first);
            assert!(varies, "position {position} never changes");
        }
    }

    #[test]
    fn api_key_debug_output_hides_secrets() {
        let issued = NewApiKey::generate().unwrap();
        let presented = PresentedKey::parse(issued.key().as_bytes()).unwrap();
        let secret = &issued.key()[KEY_LEN - SECRET_LEN..];

        let debug = format!("{issued:?} {presented:?} {:?}", issued.hash());

        assert!(!debug.contains(secret));
        assert!(!debug.contains(&issued.hash().to_hex()));
        assert!(debug.contains(issued.id()));
    }
}
