//! Fixtures shared by the criterion benchmarks and the load-test server: one user type, the
//! four backends of the benchmarked chain, and the credentials each scenario sends.
//!
//! Keys are made when a benchmark starts (no private key is kept in the repository); the
//! HMAC secret and the session cookie key are fixed, since they protect nothing.

pub mod comparison;

use std::sync::OnceLock;
use std::time::Duration;

use actix_web::cookie::Key;
use auth_actix::api_key::{ApiKeyBackend, MemoryKeyStore};
use auth_actix::basic::{BasicBackend, BasicCredentials, BasicVerifier};
use auth_actix::jwt::{Algorithm, JwtBackend, KeySet, TokenSigner};
use auth_actix::password::PasswordVerifier;
use auth_actix::session::{SessionBackend, UserLoader};
use auth_actix::{AuthError, Authenticated, Chain, Credentials, SimpleUser};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::Generate;

/// The HMAC secret of the HS256 backend.
pub const HS256_SECRET: &[u8] = b"the HS256 secret of the benchmarks, 32+ bytes";

/// The one user every backend authenticates.
pub const USERNAME: &str = "ada";

/// The password of [`USERNAME`] for the Basic backend.
pub const PASSWORD: &str = "correct horse battery staple";

/// The scope every credential grants; the guarded route requires it.
pub const READ_SCOPE: &str = "notes:read";

/// A scope no credential grants; the admin route requires it, so it answers 403.
pub const ADMIN_SCOPE: &str = "admin";

/// How many verified tokens a caching JWT backend keeps.
pub const TOKEN_CACHE_CAPACITY: usize = 1024;

/// The session cookie's key (64 bytes, fixed: the sessions protect nothing).
pub fn session_key() -> Key {
    Key::from(&[7; 64])
}

/// The scopes every credential grants.
pub fn granted() -> Credentials {
    Credentials::from_iter([READ_SCOPE])
}

/// A session loader knowing [`USERNAME`] alone.
#[derive(Debug)]
pub struct Loader {
    granted: Credentials,
}

impl UserLoader for Loader {
    type User = SimpleUser;

    async fn load(&self, id: &str) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        Ok((id == USERNAME).then(|| Authenticated::new(SimpleUser::new(id), self.granted.clone())))
    }

    fn auth_hash(&self, _user: &SimpleUser) -> String {
        "the password hash of ada".to_owned()
    }
}

/// The session backend of the benchmarks.
pub fn session_backend() -> SessionBackend<Loader> {
    SessionBackend::new(Loader { granted: granted() }, &session_key())
}

/// A Basic verifier holding one argon2id hash, deliberately slow as a real one is.
///
/// The hashes are made on first use: argon2 takes 19 MiB per hash, which the allocator keeps,
/// and a server that never sees Basic credentials should not show them in its peak RSS.
#[derive(Debug)]
pub struct Verifier {
    hashes: OnceLock<(String, PasswordVerifier)>,
    granted: Credentials,
}

impl Verifier {
    /// A verifier for [`USERNAME`] with [`PASSWORD`].
    pub fn new() -> Self {
        Self {
            hashes: OnceLock::new(),
            granted: granted(),
        }
    }

    fn hashes(&self) -> &(String, PasswordVerifier) {
        self.hashes.get_or_init(|| {
            (
                auth_actix::password::hash_password(PASSWORD).expect("argon2 hashes"),
                PasswordVerifier::new().expect("argon2 parameters"),
            )
        })
    }
}

impl Default for Verifier {
    fn default() -> Self {
        Self::new()
    }
}

impl BasicVerifier for Verifier {
    type User = SimpleUser;

    async fn verify(
        &self,
        credentials: &BasicCredentials,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        let (hash, passwords) = self.hashes();
        let stored = (credentials.username() == USERNAME).then_some(hash.as_str());
        let valid = passwords
            .verify(credentials.password(), stored)
            .map_err(|_| AuthError::unavailable("password hashing failed"))?;
        Ok(valid.then(|| Authenticated::new(SimpleUser::new(USERNAME), self.granted.clone())))
    }
}

/// An API key store with one key for [`USERNAME`], and that key.
pub fn api_keys() -> (MemoryKeyStore<SimpleUser>, String) {
    let store = MemoryKeyStore::new();
    let issued = store
        .issue(SimpleUser::new(USERNAME), granted())
        .expect("the OS random number generator works");
    (store, issued.into_key())
}

/// An API key of the right shape that the store does not know.
pub const UNKNOWN_API_KEY: &str =
    "ak_0000000000000000_0000000000000000000000000000000000000000000000000000000000000000";

/// An RS256 key pair: the signer and the public key set.
pub fn rs256_keys() -> (TokenSigner, KeySet) {
    let private = rsa::PrivateKey::generate();
    let public = private.to_public_key();
    let private_pem = private.to_pkcs8_pem(LineEnding::LF).expect("PKCS#8");
    let public_pem = public.to_public_key_pem(LineEnding::LF).expect("SPKI");
    let signer = TokenSigner::rs256_pem(private_pem.as_bytes()).expect("an RSA signer");
    let keys = KeySet::from_pem(public_pem.as_bytes()).expect("an RSA public key");
    (signer, keys)
}

/// The HS256 backend.
pub fn hs256_backend() -> JwtBackend<KeySet> {
    JwtBackend::new(
        KeySet::hmac(HS256_SECRET).expect("a long secret"),
        [Algorithm::HS256],
    )
    .expect("one algorithm")
}

/// The HS256 backend with a cache of verified tokens.
pub fn hs256_backend_cached() -> JwtBackend<KeySet> {
    hs256_backend().cache_verified_tokens(TOKEN_CACHE_CAPACITY, Duration::from_secs(300))
}

/// A token for [`USERNAME`] granting [`READ_SCOPE`], valid for an hour.
pub fn hs256_token() -> String {
    TokenSigner::hs256(HS256_SECRET)
        .expect("a long secret")
        .with_lifetime(Duration::from_secs(3600))
        .sign(USERNAME, &[READ_SCOPE])
        .expect("HMAC signs")
}

/// The RS256 backend, with a cache of verified tokens, and a token it accepts.
pub fn rs256_backend() -> (JwtBackend<KeySet>, String) {
    let (signer, keys) = rs256_keys();
    let backend = JwtBackend::new(keys, [Algorithm::RS256])
        .expect("one algorithm")
        .cache_verified_tokens(TOKEN_CACHE_CAPACITY, Duration::from_secs(300));
    let token = signer
        .with_lifetime(Duration::from_secs(3600))
        .sign(USERNAME, &[READ_SCOPE])
        .expect("RSA signs");
    (backend, token)
}

/// The RS256 backend without its cache: every request pays the signature check.
pub fn rs256_backend_uncached() -> (JwtBackend<KeySet>, String) {
    let (signer, keys) = rs256_keys();
    let backend = JwtBackend::new(keys, [Algorithm::RS256]).expect("one algorithm");
    let token = signer
        .with_lifetime(Duration::from_secs(3600))
        .sign(USERNAME, &[READ_SCOPE])
        .expect("RSA signs");
    (backend, token)
}

/// The benchmarked chain: session, bearer JWT, API key, Basic (the demo's order).
pub type FullChain = Chain<(
    SessionBackend<Loader>,
    JwtBackend<KeySet>,
    ApiKeyBackend<MemoryKeyStore<SimpleUser>>,
    BasicBackend<Verifier>,
)>;

/// The credentials one server accepts, for the load script.
#[derive(Debug)]
pub struct Issued {
    /// An API key of the store.
    pub api_key: String,
    /// An HS256 token (the HS256 server) or an RS256 token (the RS256 server).
    pub token: String,
}

/// The four-backend chain with `jwt` as its bearer backend, and the credentials it accepts.
pub fn full_chain(jwt: JwtBackend<KeySet>, token: String) -> (FullChain, Issued) {
    let (store, api_key) = api_keys();
    let chain = Chain::new((
        session_backend(),
        jwt,
        ApiKeyBackend::new(store),
        BasicBackend::new(Verifier::new()),
    ));
    (chain, Issued { api_key, token })
}
